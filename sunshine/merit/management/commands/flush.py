"""Django's ``flush``, able to empty the append-only tables on SQLite as well.

On PostgreSQL ``flush`` empties tables with TRUNCATE, which the row
triggers guarding the append-only tables (``sunshine.lib.append_only``) do
not see. On SQLite it runs DELETE, which they reject, so this command lifts
the SQLite triggers for the flush and restores them in the same
transaction. Both databases then behave alike. Test cases that use
transactions flush after every test.
"""

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from sunshine.lib.append_only import GUARDED_TABLES

TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            triggers = []
            for table in GUARDED_TABLES:
                cursor.execute(TRIGGERS, [table])
                triggers.extend(cursor.fetchall())
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            super().handle(**options)
            for _name, sql in triggers:
                cursor.execute(sql)
        return None
