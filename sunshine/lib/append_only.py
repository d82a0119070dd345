"""Database triggers that make a table append-only, for migrations.

UPDATE and DELETE are rejected in the database itself, so a row cannot be
changed behind the application's back. The only update let through is the
audit layer's first pointer from a fresh row to its audit entry
(audit_entry_id from NULL to a value, nothing else changed), which
``sunshine.audit.actions.create_row`` writes after the insert.

PostgreSQL compares the whole row as JSON. SQLite lists the columns, so a
migration that adds a column to a guarded table must recreate the SQLite
trigger with the new column. On SQLite, Django's ``flush`` runs DELETE, so
``sunshine.merit.management.commands.flush`` lifts the triggers of every
table in ``GUARDED_TABLES`` while it empties the database.
"""

from dataclasses import dataclass

GUARDED_TABLES = ("merit_pointentry", "rules_setting")


@dataclass(frozen=True)
class AppendOnlyGuard:
    """The trigger statements for one table; ``columns`` lists every column but audit_entry_id."""

    table: str
    columns: tuple[str, ...]
    message: str

    def postgresql_create(self) -> list[str]:
        return [f"""
CREATE FUNCTION {self.table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.audit_entry_id IS NULL
       AND (to_jsonb(NEW) - 'audit_entry_id') = (to_jsonb(OLD) - 'audit_entry_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{self.message} (% of entry %)', TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER {self.table}_append_only BEFORE UPDATE OR DELETE ON {self.table}
    FOR EACH ROW EXECUTE FUNCTION {self.table}_append_only();
"""]

    def postgresql_drop(self) -> list[str]:
        return [f"""
DROP TRIGGER IF EXISTS {self.table}_append_only ON {self.table};
DROP FUNCTION IF EXISTS {self.table}_append_only();
"""]

    def sqlite_create(self) -> list[str]:
        changed = " OR ".join(f"NEW.{name} IS NOT OLD.{name}" for name in self.columns)
        return [
            f"""CREATE TRIGGER {self.table}_no_delete BEFORE DELETE ON {self.table}
    BEGIN SELECT RAISE(ABORT, '{self.message} (DELETE)'); END""",
            f"""CREATE TRIGGER {self.table}_no_update BEFORE UPDATE ON {self.table}
    WHEN OLD.audit_entry_id IS NOT NULL OR {changed}
    BEGIN SELECT RAISE(ABORT, '{self.message} (UPDATE)'); END""",
        ]

    def sqlite_drop(self) -> list[str]:
        return [f"DROP TRIGGER IF EXISTS {self.table}_no_delete",
                f"DROP TRIGGER IF EXISTS {self.table}_no_update"]

    def create(self, apps, schema_editor) -> None:
        """Create the triggers; a ``RunPython`` forward function."""
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            _run(schema_editor, self.postgresql_create())
        elif vendor == "sqlite":
            _run(schema_editor, self.sqlite_create())

    def drop(self, apps, schema_editor) -> None:
        """Drop the triggers; a ``RunPython`` reverse function."""
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            _run(schema_editor, self.postgresql_drop())
        elif vendor == "sqlite":
            _run(schema_editor, self.sqlite_drop())


def _run(schema_editor, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
