"""Page-number pagination for the paginated lists of the JSON API."""

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import PageNumberPagination

# Far beyond any real listing. SQLite and PostgreSQL read OFFSET as a 64-bit
# integer, so an unbounded page number (offset = page x page size) crashed the query.
MAX_PAGE = 100_000
# Rows on a page without page_size (the setting NINJA_PAGINATION_PER_PAGE), and
# the maximum rows per page: django-ninja cuts a larger page_size to this value.
PAGE_SIZE = ninja_settings.PAGINATION_PER_PAGE
MAX_PAGE_SIZE = ninja_settings.PAGINATION_MAX_PER_PAGE_SIZE
PAGE_SIZE_HELP = (f"Rows per page, {PAGE_SIZE} when left out. A value above {MAX_PAGE_SIZE} "
                  f"is cut to {MAX_PAGE_SIZE}.")


class BoundedPagination(PageNumberPagination):
    """Page-number pagination that rejects absurd page numbers with 400 instead of a 500."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, description=PAGE_SIZE_HELP)
