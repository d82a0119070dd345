"""Reject UPDATE and DELETE on point entries in the database itself.

The triggers come from ``sunshine.lib.append_only``; see there for the one
update they let through and for what a later migration adding a column
must do on SQLite.
"""

from django.db import migrations

from sunshine.lib.append_only import AppendOnlyGuard

GUARD = AppendOnlyGuard(
    table="merit_pointentry",
    columns=(
        "id", "version", "person_id", "rule_id", "rule_code", "kind", "points", "rule_points",
        "cap", "period", "occurred_on", "cause_type_id", "cause_id", "cause_label",
        "reverses_id", "reason", "created_by_id", "created_at",
    ),
    message="merit_pointentry is append-only; post a reversal entry instead",
)


class Migration(migrations.Migration):
    dependencies = [("merit", "0001_create_rules_ledger_reviews")]

    operations = [migrations.RunPython(GUARD.create, GUARD.drop)]
