"""Importing a duty workbook: check every row, then write everything or nothing.

Rows are matched to what is stored by their keys: a directive by its 文号,
a duty by unit and 事项编号, a step by duty and 序号, a task by directive
and 任务编号. A matching row that differs is updated, a new one is created,
and an equal one is left alone, so importing a workbook twice, or importing
an export, changes nothing. A duty's funding is the one in its row. When
the 流程节点 sheet is present, each duty that it or the 权责清单 sheet names
gets exactly the steps listed there. A task's cooperating units and milestones
are the ones in its row (a reached milestone keeps its date). Nothing is
deleted: tasks, duties and directives missing from the workbook stay.
A monthly, quarterly or yearly duty gets its tasks for each period up to
the horizon (``sunshine.duties.occurrences``); a task row that names one
of them, as an exported workbook does, updates it.

The whole import is one audit entry, written in the transaction that
writes the rows.
"""

import datetime
import logging
import os
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sunshine.duties.actions.batch import Batch
from sunshine.duties.actions.directives import sync_rows, write_funding, write_steps
from sunshine.duties.actions.occurrences import write_occurrences
from sunshine.duties.actions.tasks import insert_task, write_cooperation
from sunshine.duties.excel.check import DIRECTIVE_FIELDS, CheckedWorkbook, Checker, Row
from sunshine.duties.excel.lookups import Lookups
from sunshine.duties.excel.reader import read_workbook
from sunshine.duties.models import Directive, Duty, Milestone, Task
from sunshine.duties.rollup import refresh_progress
from sunshine.funds.ledger.errors import IssueList, LedgerError, LedgerIssue
from sunshine.organisation.scoping import Scope, scope_for

logger = logging.getLogger(__name__)

__all__ = ["ImportReport", "LedgerError", "LedgerIssue", "import_workbook"]

DUTY_FIELDS = ("name", "category", "basis", "cycle", "deadline", "required_evidence",
               "is_public", "directive")
STEP_FIELDS = ("name", "time_limit_days", "required_evidence", "is_disclosed")
TASK_FIELDS = ("name", "description", "lead_unit", "responsible_person", "start", "deadline",
               "weight", "duty")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    rows: int = 0
    directives: Counts = field(default_factory=Counts)
    duties: Counts = field(default_factory=Counts)
    tasks: Counts = field(default_factory=Counts)
    # Tasks of recurring duties that the import created or cancelled by itself.
    occurrences: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.occurrences) or any(
            c.created or c.updated for c in (self.directives, self.duties, self.tasks))

    def summary_lines(self) -> list[str]:
        lines = [
            _("%(rows)s rows checked.") % {"rows": self.rows},
            _("Directives: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % asdict(self.directives),
            _("Duties: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % asdict(self.duties),
            _("Tasks: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % asdict(self.tasks),
        ]
        if self.occurrences:
            lines.append(_("Tasks of monthly, quarterly or yearly duties created or cancelled "
                           "for their periods: %(count)s.") % {"count": self.occurrences})
        if not self.changed:
            lines.append(_("Nothing changed: the system already matched this workbook."))
        return lines


def import_workbook(actor: Any, path: str | os.PathLike, *,
                    language: str | None = None) -> ImportReport:
    """Check and import a duty workbook on behalf of ``actor`` (None is the system).

    Raises LedgerError listing every problem, in ``language`` or the
    active language; then nothing was written.
    """
    started = time.monotonic()
    today = timezone.localdate()
    with translation.override(language or translation.get_language()):
        issues = IssueList()
        sheets = read_workbook(path, issues)
        scope = Scope(everything=True) if actor is None else scope_for(actor, write=True)
        checked = Checker(Lookups(scope), issues, today, actor=actor).check(sheets)
        if issues:
            logger.info("duty import rejected: %s problems", len(issues.items) + issues.more)
        issues.raise_if_any()
        with transaction.atomic():
            report = Writer(actor, checked, today).write()
    report.seconds = time.monotonic() - started
    logger.info("duty import by user %s: %s rows in %.1f s", getattr(actor, "pk", None),
                report.rows, report.seconds)
    return report


class Writer:
    def __init__(self, actor: Any, checked: CheckedWorkbook, today: datetime.date) -> None:
        self.actor = actor
        self.today = today
        self.checked = checked
        self.batch = Batch()
        self.report = ImportReport(rows=checked.rows)
        self.directives: dict[str, Directive] = {}
        self.duties: dict[tuple[int, str], Duty] = {}
        self.tasks: dict[tuple[str, str], Task] = {}

    def write(self) -> ImportReport:
        for row in self.checked.directives:
            self.write_directive(row)
        for row in self.checked.duties:
            self.write_duty(row)
        if self.checked.steps is not None:
            self.write_all_steps(self.checked.steps)
        for row in self.checked.tasks:
            self.write_task(row)
        self.batch.commit(self.actor, "import_duties", object_type="duties.task",
                          changes={name: asdict(getattr(self.report, name))
                                   for name in ("directives", "duties", "tasks")})
        refresh_progress(self.tasks.values())
        return self.report

    def count(self, counts: Counts, created: bool, before: int) -> None:
        if created:
            counts.created += 1
        elif len(self.batch.written) + len(self.batch.superseded) > before:
            counts.updated += 1
        else:
            counts.unchanged += 1

    def marker(self) -> int:
        return len(self.batch.written) + len(self.batch.superseded)

    def directive_of(self, value: Directive | Row) -> Directive:
        if isinstance(value, Directive):
            return self.directives.get(value.document_number, value)
        return self.directives[value["document_number"]]

    def write_directive(self, row: Row) -> None:
        before = self.marker()
        values = {name: row[name] for name in DIRECTIVE_FIELDS}
        stored = Directive.objects.filter(document_number=row["document_number"]).first()
        created = stored is None
        if stored is None:
            stored = Directive(document_number=row["document_number"], **values)
            self.batch.insert(stored)
        else:
            stored, _diff = self.batch.update(stored, values)
        self.directives[row["document_number"]] = stored
        self.count(self.report.directives, created, before)

    def write_duty(self, row: Row) -> None:
        before = self.marker()
        values = {name: row[name] for name in DUTY_FIELDS}
        if values["directive"] is not None:
            values["directive"] = self.directive_of(values["directive"])
        values["category"] = values["category"] or ""
        stored = Duty.all_objects.filter(unit=row["unit"], code=row["code"]).first()
        created = stored is None
        if stored is None:
            stored = Duty(unit=row["unit"], code=row["code"], created_on=self.today, **values)
            self.batch.insert(stored)
        else:
            stored, _diff = self.batch.update(stored, values)
        write_funding(self.batch, stored, row["funding"])
        self.duties[(row["unit"].pk, row["code"])] = stored
        self.count(self.report.duties, created, before)
        written = write_occurrences(self.batch, stored, self.today)
        self.report.occurrences += written.created + written.cancelled + written.restored

    def write_all_steps(self, steps: dict[tuple[int, str], list[Row]]) -> None:
        keys = set(steps) | set(self.duties)
        for unit_id, code in sorted(keys):
            duty = self.duties.get((unit_id, code)) or Duty.all_objects.get(unit_id=unit_id,
                                                                           code=code)
            rows = [{"number": row["number"], **{name: row[name] for name in STEP_FIELDS
                                                 if row[name] is not None}}
                    for row in steps.get((unit_id, code), [])]
            write_steps(self.batch, duty, rows)

    def write_task(self, row: Row) -> None:
        before = self.marker()
        directive = self.directive_of(row["directive"])
        values = {name: row[name] for name in TASK_FIELDS}
        values["duty"] = self.duty_of(values["duty"])
        # A recurring duty's task that this import has just created is matched by its number.
        stored = row["stored"] or Task.objects.filter(directive=directive,
                                                      code=row["code"]).first()
        created = stored is None
        if stored is None:
            parent = self.parent_of(row, directive)
            stored = insert_task(self.batch, Task(directive=directive, parent=parent,
                                                  code=row["code"], path="", **values))
        else:
            stored, _diff = self.batch.update(stored, values)
        write_cooperation(self.batch, stored, row["cooperating_units"])
        self.write_milestones(stored, row["milestones"])
        self.tasks[row["key"]] = stored
        self.count(self.report.tasks, created, before)

    def duty_of(self, value: Any) -> Duty | None:
        if value is None or isinstance(value, Duty):
            return value
        return self.duties[value]

    def parent_of(self, row: Row, directive: Directive) -> Task | None:
        parent = row["parent_ref"]
        if parent is None or isinstance(parent, Task):
            return parent
        return self.tasks[parent["key"]]

    def write_milestones(self, task: Task, milestones: list) -> None:
        """Make the task's milestones equal the listed (name, date) pairs, keeping reached dates."""
        wanted: dict[tuple, dict[str, Any]] = {(name, due): {} for name, due in milestones}
        sync_rows(self.batch, Milestone.objects.filter(task=task), milestone_key, wanted,
                  lambda key, values: Milestone(task=task, name=key[0], due_on=key[1]))


def milestone_key(milestone: Milestone) -> tuple:
    return milestone.name, milestone.due_on
