"""Writing the planned directives, tasks, reports, evidence and quarter locks as rows.

Tasks get their primary keys here, before the insert, because a task's
``path`` (the ids of its ancestors) is part of its audit digest, which
``bulk.insert_audited`` computes before it writes.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from sunshine.demo import bulk
from sunshine.demo.duties.reports import PlannedReport, store_evidence
from sunshine.demo.duties.texts import LOCK_REASON
from sunshine.demo.duties.trees import PlannedDirective, PlannedTask
from sunshine.demo.organisation import Organisation
from sunshine.duties.models import (
    Directive,
    Duty,
    Evidence,
    PeriodLock,
    ProgressReport,
    Task,
    TaskCooperation,
)
from sunshine.duties.periods import Period


def insert_directives(actor: Any, planned: list[PlannedDirective]) -> dict[str, Directive]:
    rows = [Directive(title=d.title, document_number=d.number, issuer=d.issuer,
                      issued_on=d.issued_on, region=d.unit.region, unit=d.unit,
                      description=d.description, generated_for=d.generated_for)
            for d in planned]
    bulk.insert_audited(actor, rows)
    return {row.document_number: row for row in rows}


def insert_tasks(actor: Any, roots: list[PlannedTask], directives: dict[str, Directive],
                 duties: dict[int, Duty]) -> dict[int, Task]:
    """Insert every task, parents first; return the rows by ``id()`` of their plan."""
    next_id = (Task.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    rows: dict[int, Task] = {}
    ordered = sorted((task for root in roots for task in root.walk()),
                     key=lambda task: task.code.count("."))
    for plan in ordered:
        parent = rows[id(plan.parent)] if plan.parent else None
        row = Task(
            pk=next_id, directive=directives[plan.directive.number], parent=parent,
            duty=plan.duty or _duty_of(plan, duties), period=plan.period, code=plan.code, name=plan.name, lead_unit=plan.lead,
            responsible_person=plan.person, start=plan.start, deadline=plan.deadline,
            weight=Decimal(plan.weight), progress=plan.progress, completed_on=plan.completed_on,
        )
        row.path = row.compute_path()
        plan.pk = next_id
        rows[id(plan)] = row
        next_id += 1
    bulk.insert_audited(actor, list(rows.values()))
    _reset_sequence()

    cooperations = [TaskCooperation(task=rows[id(plan)], unit=unit)
                    for plan in ordered for unit in plan.cooperating]
    if cooperations:
        bulk.insert_audited(actor, cooperations)
    return rows


def _duty_of(plan: PlannedTask, duties: dict[int, Duty]) -> Duty | None:
    """Link each township's first second-level task to the duty it carries out."""
    if plan.parent is None or plan.parent.parent is not None or not plan.code.endswith(".1"):
        return None
    return duties.get(plan.lead.pk or 0)


def _reset_sequence() -> None:
    """Move PostgreSQL's id sequence past the ids given here; SQLite needs nothing."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Task])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def insert_reports(actor: Any, planned: list[tuple[Task, list[PlannedReport]]],
                   staff: Any) -> tuple[int, int]:
    """Insert the reports, then write and insert their evidence; return both counts."""
    reports: list[ProgressReport] = []
    files: list[tuple[ProgressReport, PlannedReport]] = []
    for task, plans in planned:
        worker, leader = staff.worker(task.lead_unit), staff.leader(task.lead_unit)
        for plan in plans:
            decided = plan.decided_at is not None
            report = ProgressReport(
                task=task, percent=plan.percent, text=plan.text, as_of=plan.as_of,
                previous_percent=plan.previous, status=plan.status, submitted_by=worker,
                submitted_at=plan.submitted_at, decided_by=leader if decided else None,
                decided_at=plan.decided_at, return_reason=plan.return_reason,
            )
            reports.append(report)
            files.append((report, plan))
    bulk.insert_audited(actor, reports)

    evidence = []
    for report, plan in files:
        for number in range(1, plan.files + 1):
            key = f"{report.task.directive.document_number} {report.task.code} {plan.key} {number}"
            name = f"现场照片{report.task.code}-{number}.png"
            evidence.append(Evidence(report=report,
                                     **store_evidence(key, name, report.submitted_at)))
    if evidence:
        bulk.insert_audited(actor, evidence)
    return len(reports), len(evidence)


def insert_locks(actor: Any, organisation: Organisation, period: Period, admin: Any) -> int:
    """Lock ``period`` for every county, as the city administrator did after reporting it."""
    year, quarter = period.key.split("Q")
    changed_at = timezone.make_aware(datetime.datetime.combine(
        period.end + datetime.timedelta(days=9), datetime.time(10)))
    rows = [PeriodLock(county=county.region, year=int(year), quarter=int(quarter), locked=True,
                       reason=LOCK_REASON, changed_by=admin, changed_at=changed_at)
            for county in organisation.counties]
    bulk.insert_audited(actor, rows)
    return len(rows)
