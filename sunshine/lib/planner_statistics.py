"""Table statistics for PostgreSQL's planner after a large write inside one transaction."""

import logging

from django.db import connection

logger = logging.getLogger(__name__)


def refresh_planner_statistics() -> None:
    """Run ANALYZE on PostgreSQL so that queries later in this transaction see its new rows.

    Autovacuum only counts committed rows. A table it analyzed while empty
    keeps an estimate of no rows while one long transaction fills it, and
    PostgreSQL then plans joins over thousands of rows as if each side held
    one. ANALYZE inside the transaction counts the transaction's own rows.
    SQLite has no such statistics here, so this does nothing there.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    logger.info("planner statistics refreshed")
