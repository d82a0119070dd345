"""Staff pages under /staff/duties/ and the public duty list, one module per group of pages."""
