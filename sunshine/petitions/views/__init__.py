"""Public report and tracking pages and staff petition pages, one module per group of pages."""
