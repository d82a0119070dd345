"""Give old staff-entered allocations the currency of their foreign-currency project.

Until staff money rows took their project's currency, the staff form stored
every allocation as CNY, the model default, with no currency to choose, and
the project's totals added its amount to the project's own amounts. Such a
row is relabelled with the project's currency when all of these hold:

- the row is in CNY and its project in another currency;
- the row was entered on the staff pages (origin ``manual``), so nobody
  chose CNY for it;
- no audit entry records a change of the project's currency, so the project
  was already in that currency when the row was entered.

A row whose approved and arrived amounts are both zero is relabelled
whatever its origin, because no amount depends on its currency. Every other
row in another currency than its project (from a ledger, the demo, or a
project whose currency changed) is left as it is: its amount cannot be
converted without an exchange rate. The migration prints those rows, and
``sunshine verify_audit`` lists them until someone corrects them.

The relabelled rows are written under one audit entry by the system, which
supersedes their previous digests, so ``verify_audit`` still passes. Then
the totals of every project with such rows are recomputed over the rows in
the project's currency only.
"""

import json
import sys

from django.db import migrations
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from sunshine.audit import chain
from sunshine.audit.migration_entries import append_system_entry

CNY = "CNY"
MANUAL = "manual"
ACTION = "correct_currency"
# The fields an allocation's row digest covers, in the order the Allocation
# model listed them when this migration was written. The historical model
# lists its fields in another order, and a digest depends on the order.
DIGEST_FIELDS = ("version", "project_id", "source", "approved_amount", "approved_on",
                 "arrived_amount", "arrived_on", "currency", "document_no", "origin")


def correct_allocation_currency(apps, schema_editor) -> None:
    Allocation = apps.get_model("funds", "Allocation")
    Project = apps.get_model("funds", "Project")
    mismatched = list(Allocation._base_manager.exclude(currency=F("project__currency"))
                      .select_related("project").order_by("pk"))
    if not mismatched:
        return

    changed = currency_changed(apps, {row.project_id for row in mismatched})
    safe = [row for row in mismatched if is_safe(row, changed)]
    if safe:
        relabel(apps, Allocation, safe)
    for row in mismatched:
        if row not in safe:
            sys.stdout.write(f"\n  allocation {row.pk} of project {row.project.code} stays in "
                             f"{row.currency}, but the project is in {row.project.currency}; "
                             "`sunshine verify_audit` lists it for review.")
    refresh_totals(Project, Allocation, apps.get_model("funds", "Disbursement"),
                   {row.project_id for row in mismatched})


def is_safe(row, changed: set[int]) -> bool:
    if not row.approved_amount and not row.arrived_amount:
        return True
    return (row.currency == CNY and row.origin == MANUAL and row.project_id not in changed)


def currency_changed(apps, project_ids: set[int]) -> set[int]:
    """Return the projects among ``project_ids`` whose currency an audit entry changed.

    A staff edit records ``{"currency": [old, new]}``; an OCDS import records
    such a pair per project under ``rows``.
    """
    AuditEntry = apps.get_model("audit", "AuditEntry")
    entries = AuditEntry.objects.filter(object_type="funds.project", action="update")
    found: set[int] = set()
    for object_id, changes in entries.values_list("object_id", "changes").iterator():
        if isinstance(changes, str):
            changes = json.loads(changes)
        if "currency" in changes and object_id.isdigit():
            found.add(int(object_id))
        rows = changes.get("rows")
        if isinstance(rows, dict):
            found.update(int(pk) for pk, diff in rows.items() if "currency" in diff)
    return found & project_ids


def relabel(apps, Allocation, rows: list) -> None:
    """Set each row to its project's currency under one audit entry that supersedes its digest."""
    fields = [Allocation._meta.get_field(name) for name in DIGEST_FIELDS]
    superseded = [[row.audit_entry_id, digest(fields, row)] for row in rows]
    recorded = {}
    for row in rows:
        recorded[str(row.pk)] = {"currency": [row.currency, row.project.currency]}
        row.currency = row.project.currency
        row.version += 1
    entry = append_system_entry(
        apps, action=ACTION, object_type="funds.allocation",
        changes={"reason": "currency of a foreign-currency project", "rows": recorded},
        digests=[digest(fields, row) for row in rows], superseded=superseded)
    for row in rows:
        Allocation._base_manager.filter(pk=row.pk).update(currency=row.currency, version=row.version,
                                                    audit_entry_id=entry.pk)


def digest(fields: list, row) -> str:
    return chain.digest_values(field.get_prep_value(getattr(row, field.attname))
                               for field in fields)


def refresh_totals(Project, Allocation, Disbursement, project_ids: set[int]) -> None:
    """Recompute the projects' cached totals over their rows in the project's currency."""
    def child_sum(model, field: str):
        rows = (model._base_manager.filter(project=OuterRef("pk"), currency=OuterRef("currency"))
                .order_by().values("project").annotate(total=Sum(field)).values("total"))
        return Coalesce(Subquery(rows), Value(0))

    Project._base_manager.filter(Q(pk__in=project_ids)).update(
        allocated_total=child_sum(Allocation, "approved_amount"),
        arrived_total=child_sum(Allocation, "arrived_amount"),
        paid_total=child_sum(Disbursement, "amount"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("funds", "0002_add_import_job"),
    ]

    operations = [
        migrations.RunPython(correct_allocation_currency, migrations.RunPython.noop),
    ]
