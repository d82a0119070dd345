"""Django's ``flush``, able to empty the append-only point ledger on SQLite as well.

On PostgreSQL ``flush`` empties tables with TRUNCATE, which the row
triggers guarding ``merit_pointentry`` do not see. On SQLite it runs
DELETE, which they reject; this command lifts the SQLite triggers for the
flush and restores them in the same transaction, so both databases behave
alike. Test cases that use transactions flush after every test.
"""

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
TABLE = "merit_pointentry"


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(TRIGGERS, [TABLE])
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            super().handle(**options)
            for _name, sql in triggers:
                cursor.execute(sql)
        return None
