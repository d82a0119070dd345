"""Bulk INSERT, UPDATE and DELETE of prepared rows, without model instances.

Rows arrive as sequences of database-ready values (fen, ids, dates as ISO
text) in the order of the given fields. PostgreSQL receives inserts through
psycopg's COPY, SQLite through ``executemany`` on its own connection; both
run in the caller's transaction. Callers have already appended the audit
entry that covers the rows, whose id is written with them.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models

CHUNK = 500


def insert(model: type[models.Model], fields: Sequence[models.Field], rows: Iterable[Sequence],
           entry_id: int) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [f.column for f in fields] + ["audit_entry_id"]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    connection.ensure_connection()

    if connection.vendor == "postgresql":
        with connection.connection.cursor() as cursor, cursor.copy(
            f"COPY {table} ({quoted}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row((*row, entry_id))
        return

    if connection.vendor == "sqlite":
        # sqlite3's own executemany skips Django's per-call wrapping, which
        # matters at 100,000 rows. The entry id is an integer we created, so
        # it goes into the statement and the rows need no copying.
        placeholders = ", ".join(["?"] * len(fields))
        connection.connection.executemany(
            f"INSERT INTO {table} ({quoted}) VALUES ({placeholders}, {int(entry_id)})",  # noqa: S608
            rows,
        )
        return

    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})",  # noqa: S608
                           [(*row, entry_id) for row in rows])


def update(model: type[models.Model], fields: Sequence[models.Field],
           rows: Iterable[tuple[int, Sequence]], entry_id: int) -> None:
    """Overwrite every given field of each ``(pk, values)`` row and point it at the entry."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    sql = f"UPDATE {table} SET {assignments}, audit_entry_id = %s WHERE id = %s"  # noqa: S608
    batch = [(*values, entry_id, pk) for pk, values in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(batch), CHUNK):
            cursor.executemany(sql, batch[start:start + CHUNK])


def delete(model: type[models.Model], pks: Sequence[int]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), CHUNK):
            chunk = list(pks[start:start + CHUNK])
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({placeholders})", chunk)  # noqa: S608
