"""Page-number pagination for the paginated lists of the JSON API."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# Far beyond any real listing. SQLite and PostgreSQL read OFFSET as a 64-bit
# integer, so an unbounded page number (offset = page x page size) crashed the query.
MAX_PAGE = 100_000


class BoundedPagination(PageNumberPagination):
    """Page-number pagination that rejects absurd page numbers with 400 instead of a 500."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)
