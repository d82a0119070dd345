"""Reject UPDATE and DELETE on point entries in the database itself.

The only update let through is the audit layer's first pointer from a
fresh row to its audit entry (audit_entry_id from NULL to a value, nothing
else changed). PostgreSQL compares the whole row as JSON; SQLite lists the
columns, so a migration that adds a column to the table must recreate the
SQLite trigger with the new column.
"""

from django.db import migrations

TABLE = "merit_pointentry"
MESSAGE = "merit_pointentry is append-only; post a reversal entry instead"

POSTGRESQL_CREATE = f"""
CREATE FUNCTION merit_pointentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.audit_entry_id IS NULL
       AND (to_jsonb(NEW) - 'audit_entry_id') = (to_jsonb(OLD) - 'audit_entry_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{MESSAGE} (% of entry %)', TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER merit_pointentry_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION merit_pointentry_append_only();
"""
POSTGRESQL_DROP = f"""
DROP TRIGGER IF EXISTS merit_pointentry_append_only ON {TABLE};
DROP FUNCTION IF EXISTS merit_pointentry_append_only();
"""

COLUMNS = [
    "id", "version", "person_id", "rule_id", "rule_code", "kind", "points", "rule_points",
    "cap", "period", "occurred_on", "cause_type_id", "cause_id", "cause_label", "reverses_id",
    "reason", "created_by_id", "created_at",
]
CHANGED = " OR ".join(f"NEW.{name} IS NOT OLD.{name}" for name in COLUMNS)
SQLITE_CREATE = [
    f"""CREATE TRIGGER merit_pointentry_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE} (DELETE)'); END""",
    f"""CREATE TRIGGER merit_pointentry_no_update BEFORE UPDATE ON {TABLE}
    WHEN OLD.audit_entry_id IS NOT NULL OR {CHANGED}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE} (UPDATE)'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS merit_pointentry_no_delete",
    "DROP TRIGGER IF EXISTS merit_pointentry_no_update",
]


def run(schema_editor, statements) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create_guard(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        run(schema_editor, [POSTGRESQL_CREATE])
    elif vendor == "sqlite":
        run(schema_editor, SQLITE_CREATE)


def drop_guard(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        run(schema_editor, [POSTGRESQL_DROP])
    elif vendor == "sqlite":
        run(schema_editor, SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("merit", "0001_create_rules_ledger_reviews")]

    operations = [migrations.RunPython(create_guard, drop_guard)]
