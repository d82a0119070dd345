"""Bulk INSERT, UPDATE and DELETE of prepared rows, without model instances.

Rows arrive as lists of database-ready values (fen, dates, ids) in the
order of the given fields. PostgreSQL receives inserts through psycopg's
COPY, SQLite through ``executemany`` on its own connection; both run in the
caller's transaction. Callers have already appended the audit entry that
covers the rows, whose id is written with them.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models

CHUNK = 500


def insert(model: type[models.Model], fields: Sequence[models.Field], rows: Iterable[Sequence],
           entry_id: int, *, date_positions: Sequence[int] = ()) -> None:
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

    sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    batch = _with_entry(rows, entry_id, date_positions)
    if connection.vendor == "sqlite":
        # sqlite3's own executemany skips Django's per-call wrapping, which
        # matters at 100,000 rows; it takes "?" placeholders.
        connection.connection.executemany(sql.replace("%s", "?"), batch)
        return
    with connection.cursor() as cursor:
        cursor.executemany(sql, batch)


def update(model: type[models.Model], fields: Sequence[models.Field],
           rows: Iterable[tuple[int, Sequence]], entry_id: int, *,
           date_positions: Sequence[int] = ()) -> None:
    """Overwrite every given field of each ``(pk, values)`` row and point it at the entry."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    sql = f"UPDATE {table} SET {assignments}, audit_entry_id = %s WHERE id = %s"  # noqa: S608
    pairs = list(rows)
    batch = _with_entry((values for _, values in pairs), entry_id, date_positions)
    for params, (pk, _) in zip(batch, pairs, strict=True):
        params.append(pk)
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


def _with_entry(rows: Iterable[Sequence], entry_id: int, date_positions: Sequence[int]
                ) -> list[list]:
    """Return parameter lists ending in the entry id.

    On SQLite the dates become ISO text, which is how Django stores them
    there; sqlite3's own date adapter is deprecated from Python 3.12.
    """
    convert = date_positions if connection.vendor == "sqlite" else ()
    batch = []
    for row in rows:
        params = list(row)
        for position in convert:
            if params[position] is not None:
                params[position] = params[position].isoformat()
        params.append(entry_id)
        batch.append(params)
    return batch
