"""Checking every row of a duty workbook before anything is written.

Rows are parsed and their names resolved to units, people, directives,
duties and parent tasks, in the workbook or already in the system. The
rules are those of the actions (``sunshine.duties.rules``): dates, weights
summing to 100% under each parent, funding shares at most 100%, locked
quarters. Each problem is recorded with its sheet, row, column and value.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from sunshine.duties import formats, locks, occurrences, rules
from sunshine.duties.actions.common import (
    Rectifications,
    readable_weights,
    require_change,
    require_owner,
)
from sunshine.duties.excel.cells import read_row
from sunshine.duties.excel.lookups import Lookups
from sunshine.duties.excel.reader import SheetRows
from sunshine.duties.excel.schema import DIRECTIVES, DUTIES, STEPS, TASKS, Sheet
from sunshine.duties.models import Directive, Duty, Task
from sunshine.funds.ledger.errors import IssueList
from sunshine.lib.cells import CellError

# The directive fields that a workbook row sets and sunshine.duties.excel.importer writes.
DIRECTIVE_FIELDS = ("title", "issuer", "issued_on", "region", "unit", "description")


@dataclass
class Row:
    """A checked row: its Excel row number and its field values, references resolved."""

    number: int
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


@dataclass
class CheckedWorkbook:
    directives: list[Row] = field(default_factory=list)
    duties: list[Row] = field(default_factory=list)
    steps: dict[tuple[int, str], list[Row]] | None = None
    tasks: list[Row] = field(default_factory=list)
    rows: int = 0


def changes_directive(row: Row, stored: Directive) -> bool:
    """Tell whether the row's directive fields differ from the stored directive's."""
    return any((row[name] or "") != (getattr(stored, name) or "") for name in DIRECTIVE_FIELDS)


class Checker:
    def __init__(self, lookups: Lookups, issues: IssueList, today: datetime.date, *,
                 actor: Any) -> None:
        self.actor = actor
        self.lookups = lookups
        self.issues = issues
        self.today = today
        self.directives: dict[str, Directive | Row] = {}
        self.duty_keys: set[tuple[int, str]] = set()
        # Shared by every row, so a rectification's spot check is looked up once.
        self.rectifications = Rectifications()

    def problem(self, sheet: Sheet | str, row: int, header: str, value: object,
                error: Exception) -> None:
        name = sheet if isinstance(sheet, str) else sheet.name
        reason = error.messages[0] if isinstance(error, ValidationError) else str(error)
        self.issues.add(name, row, header, value, reason)

    def check(self, sheets: dict[str, SheetRows]) -> CheckedWorkbook:
        checked = CheckedWorkbook(rows=sum(len(s.rows) for s in sheets.values()))
        if DIRECTIVES in sheets:
            checked.directives = self.check_directives(sheets[DIRECTIVES])
        if DUTIES in sheets:
            checked.duties = self.check_duties(sheets[DUTIES])
        if STEPS in sheets:
            checked.steps = self.check_steps(sheets[STEPS])
        if TASKS in sheets:
            checked.tasks = TaskChecker(self).check(sheets[TASKS])
        return checked

    def parsed(self, data: SheetRows) -> list[Row]:
        rows = []
        for number, values in data.rows:
            parsed = read_row(data.sheet, number, values, self.issues)
            if parsed is not None:
                rows.append(Row(number, parsed))
        return rows

    def resolve(self, sheet: Sheet, row: Row, key: str, find: Any) -> bool:
        """Replace ``row[key]`` with ``find(value)``; record the problem and return False if it fails."""
        value = row.values[key]
        if value in ("", None):
            row.values[key] = None
            return True
        try:
            row.values[key] = find(value)
        except (CellError, ValidationError) as error:
            self.problem(sheet, row.number, sheet.column(key).header, value, error)
            return False
        return True

    def check_directives(self, data: SheetRows) -> list[Row]:
        rows = []
        parsed = self.parsed(data)
        stored_by_number = Directive.objects.in_bulk(
            [row["document_number"] for row in parsed], field_name="document_number")
        self.rectifications.load(stored_by_number.values())
        for row in parsed:
            number = row["document_number"]
            if number in self.directives:
                self.problem(data.sheet, row.number, "文号", number, CellError(
                    _("The document number appears twice in the sheet; keep one row per "
                      "directive")))
                continue
            stored = stored_by_number.get(number)
            if occurrences.is_generated_number(number) and stored is None:
                self.problem(data.sheet, row.number, "文号", number, CellError(
                    _("Document number “%(number)s” has the form kept for the directives that "
                      "hold recurring duties' tasks; enter the number of the real document.")
                    % {"number": number}))
                continue
            ok = self.resolve(data.sheet, row, "region", self.lookups.region)
            ok = self.resolve(data.sheet, row, "unit", self.lookups.unit) and ok
            if not ok:
                continue
            # A row equal to the stored directive changes nothing, so an export of
            # tasks under another unit's directive imports back unchanged.
            if stored is None or changes_directive(row, stored):
                if not self.region_in_scope(data.sheet, row):
                    continue
                if stored is not None and not self.may_change_directive(data.sheet, row, stored):
                    continue
            row.values["stored"] = stored
            self.directives[number] = row
            rows.append(row)
        return rows

    def may_change_directive(self, sheet: Sheet, row: Row, stored: Directive) -> bool:
        """Return False, recording the problem, when the actor may not change ``stored``."""
        try:
            require_change(self.actor, stored, stored, rectifications=self.rectifications)
        except PermissionDenied as error:
            self.problem(sheet, row.number, "文号", row["document_number"], error)
            return False
        return True

    def region_in_scope(self, sheet: Sheet, row: Row) -> bool:
        """Return False, recording the problem, when the row's region is outside the actor's scope."""
        region = row["region"]
        if region is None or self.lookups.scope.contains_region(region):
            return True
        self.problem(sheet, row.number, sheet.column("region").header, region.code, CellError(
            _("%(region)s is outside the regions you may change") % {"region": region.name}))
        return False

    def directive(self, number: str) -> Directive | Row:
        """Return the directive with this document number, from the workbook or the system."""
        if number not in self.directives:
            found = Directive.objects.filter(document_number=number).first()
            if found is None:
                raise CellError(_("No directive has the document number “%(value)s”; add it to "
                                  "the 决策部署 sheet or check the number") % {"value": number})
            self.directives[number] = found
        return self.directives[number]

    def check_duties(self, data: SheetRows) -> list[Row]:
        rows = []
        for row in self.parsed(data):
            ok = self.resolve(data.sheet, row, "unit", self.lookups.writable_unit)
            ok = self.resolve(data.sheet, row, "funding", formats.parse_funding) and ok
            ok = self.resolve(data.sheet, row, "directive", self.directive) and ok
            if not ok:
                continue
            row.values["funding"] = row["funding"] or []
            key = (row["unit"].pk, row["code"])
            if key in self.duty_keys:
                self.problem(data.sheet, row.number, "事项编号", row["code"], CellError(
                    _("The item number appears twice for this unit; keep one row per duty")))
                continue
            if self.duty_rules(data.sheet, row):
                self.duty_keys.add(key)
                rows.append(row)
        return rows

    def duty_rules(self, sheet: Sheet, row: Row) -> bool:
        checks = (
            ("完成时限", row["deadline"], lambda: rules.check_duty_deadline(
                row["cycle"], row["deadline"])),
            ("资金来源及比例", row.values.get("funding"), lambda: rules.check_funding(
                [(formats.funding_label(source), share) for source, share in row["funding"]])),
        )
        ok = True
        for header, value, check in checks:
            try:
                check()
            except ValidationError as error:
                cell = (formats.format_funding(row["funding"]) if header == "资金来源及比例"
                        else value)
                self.problem(sheet, row.number, header, cell, error)
                ok = False
        return ok

    def check_steps(self, data: SheetRows) -> dict[tuple[int, str], list[Row]]:
        steps: dict[tuple[int, str], list[Row]] = {}
        for row in self.parsed(data):
            if not self.resolve(data.sheet, row, "unit", self.lookups.writable_unit):
                continue
            key = (row["unit"].pk, row["duty"])
            known = key in self.duty_keys or Duty.all_objects.filter(
                unit=row["unit"], code=row["duty"]).exists()
            if not known:
                self.problem(data.sheet, row.number, "事项编号", row["duty"], CellError(
                    _("No duty of this unit has the item number “%(value)s”; add it to the "
                      "权责清单 sheet") % {"value": row["duty"]}))
                continue
            listed = steps.setdefault(key, [])
            if any(other["number"] == row["number"] for other in listed):
                self.problem(data.sheet, row.number, "序号", row["number"], CellError(
                    _("Step %(value)s appears twice for this duty; number the steps 1, 2, 3 …")
                    % {"value": row["number"]}))
                continue
            row.values["is_disclosed"] = bool(row["is_disclosed"])
            listed.append(row)
        return steps


class TaskChecker:
    """Checks the 任务分解 sheet: references, dates, weights and locked quarters."""

    def __init__(self, checker: Checker) -> None:
        self.checker = checker
        self.sheet: Sheet | None = None
        self.by_key: dict[tuple[str, str], Row] = {}

    def problem(self, row: Row, header: str, value: object, error: Exception) -> None:
        self.checker.problem(TASKS, row.number, header, value, error)

    def check(self, data: SheetRows) -> list[Row]:
        self.sheet = data.sheet
        rows = [row for row in self.checker.parsed(data) if self.resolve(row)]
        rows = [row for row in rows if self.link_parent(row)]
        self.checker.rectifications.load(
            directive for directive in map(stored_directive, rows) if directive is not None)
        rows = [row for row in rows if not self.in_cycle(row)]
        rows = [row for row in rows if self.check_row(row)]
        # A rejected row would make its siblings' weights look wrong, so the
        # sums are only checked once every row passed.
        if len(rows) == len(data.rows):
            self.check_weights(rows)
        return order_parents_first(rows)

    def resolve(self, row: Row) -> bool:
        sheet, lookups = self.sheet, self.checker.lookups
        assert sheet is not None
        row.values["parent_ref"] = None
        row.values["stored"] = None
        ok = self.checker.resolve(sheet, row, "directive", self.checker.directive)
        ok = self.checker.resolve(sheet, row, "lead_unit", lookups.writable_unit) and ok
        ok = self.checker.resolve(sheet, row, "cooperating_units", lambda text: [
            lookups.unit(name) for name in formats.split_units(text)]) and ok
        ok = self.checker.resolve(sheet, row, "milestones", formats.parse_milestones) and ok
        if not ok:
            return False
        row.values["cooperating_units"] = row["cooperating_units"] or []
        row.values["milestones"] = row["milestones"] or []
        ok = self.checker.resolve(sheet, row, "responsible_person",
                                  lambda text: lookups.person(text, row["lead_unit"]))
        ok = self.checker.resolve(sheet, row, "duty", lambda code: self.duty(row, code)) and ok
        key = (row["directive"].document_number if isinstance(row["directive"], Directive)
               else row["directive"]["document_number"], row["code"])
        if key in self.by_key:
            self.problem(row, "任务编号", row["code"], CellError(
                _("The task number appears twice for this directive; keep one row per task")))
            return False
        self.by_key[key] = row
        row.values["key"] = key
        row.values["stored"] = self.stored(row)
        return ok

    def duty(self, row: Row, code: str) -> Duty | tuple[int, str]:
        unit = row["lead_unit"]
        found = Duty.all_objects.filter(unit=unit, code=code).first()
        if found is not None:
            return found
        if (unit.pk, code) in self.checker.duty_keys:
            return (unit.pk, code)
        raise CellError(_("%(unit)s has no duty with the item number “%(value)s”; add it to the "
                          "权责清单 sheet or clear the cell") % {"unit": unit.name, "value": code})

    def stored(self, row: Row) -> Task | None:
        directive = stored_directive(row)
        if directive is None:
            return None
        return (Task.objects.filter(directive=directive, code=row["code"])
                .select_related("parent", "lead_unit__region").first())

    def link_parent(self, row: Row) -> bool:
        """Resolve 上级任务编号 to a row of the sheet or a stored task of the same directive."""
        code, stored = row["parent"], row["stored"]
        parent: Row | Task | None = None
        if code:
            parent = self.by_key.get((row["key"][0], code))
            directive = stored_directive(row)
            if parent is None and directive is not None:
                parent = Task.objects.filter(directive=directive, code=code).first()
            if parent is None:
                self.problem(row, "上级任务编号", code, CellError(_(
                    "No task of this directive has the number “%(value)s”; add that task or "
                    "check the number") % {"value": code}))
                return False
        stored_parent = stored.parent.code if stored is not None and stored.parent else None
        if stored is not None and stored_parent != (code or None):
            self.problem(row, "上级任务编号", code, CellError(_(
                "The task already belongs under “%(parent)s”; an import cannot move a task to "
                "another parent") % {"parent": stored_parent or _("the directive")}))
            return False
        row.values["parent_ref"] = parent
        return True

    def check_row(self, row: Row) -> bool:
        parent = row["parent_ref"]
        parent_deadline = (parent["deadline"] if isinstance(parent, Row)
                           else parent.deadline if parent is not None else None)
        checks = [
            ("完成时限", row["deadline"], lambda: rules.check_dates(row["start"], row["deadline"])),
            ("权重(%)", row["weight"], lambda: rules.check_weight(row["weight"])),
        ]
        if parent_deadline is not None:
            checks.append(("完成时限", row["deadline"], lambda: self.parent_deadline(
                row, parent, parent_deadline)))
        stored = row["stored"]
        if stored is not None:
            checks.append(("完成时限", row["deadline"], lambda: self.stored_rules(row, stored)))
        if stored is None:
            where = ("上级任务编号", row["parent"]) if parent is not None else (
                "决策部署文号", row["key"][0])
        else:
            where = ("任务编号", row["code"])
        checks.insert(0, (*where, lambda: self.may_write(row, parent, stored)))
        ok = True
        for header, value, check in checks:
            try:
                check()
            except (ValidationError, PermissionDenied) as error:
                self.problem(row, header, value, error)
                ok = False
        return ok

    def may_write(self, row: Row, parent: Row | Task | None, stored: Task | None) -> None:
        """Raise PermissionDenied when the actor may not add or change the task of ``row``."""
        directive = stored_directive(row)
        if directive is None:
            return
        actor, rectifications = self.checker.actor, self.checker.rectifications
        if stored is None:
            # A new parent row is checked on its own row. A stored one is checked here, because
            # its row passes unchecked when it is unchanged.
            owner = parent["stored"] if isinstance(parent, Row) else parent or directive
            if owner is not None:
                require_change(actor, owner, directive, rectifications=rectifications)
        elif changed(row, stored):
            rectification = require_change(actor, stored, directive,
                                           rectifications=rectifications)
            moved = row["deadline"] != stored.deadline or row["weight"] != stored.weight
            if moved and rectification is None:
                require_owner(actor, stored)

    def parent_deadline(self, row: Row, parent: Any, deadline: datetime.date) -> None:
        if row["deadline"] > deadline:
            label = parent if isinstance(parent, Task) else f"{parent['code']} {parent['name']}"
            raise ValidationError(
                _("Deadline %(deadline)s is after %(parent_deadline)s, the deadline of the parent "
                  "task “%(parent)s”; a sub-task must be finished by its parent's deadline")
                % {"deadline": row["deadline"], "parent_deadline": deadline, "parent": label},
                code="deadline_after_parent")

    def stored_rules(self, row: Row, stored: Task) -> None:
        """Rules for a task already in the system: cancelled, locked quarter, its sub-tasks."""
        if stored.cancelled_on is not None and changed(row, stored):
            raise ValidationError(_("Task “%(task)s” is cancelled, so it cannot be changed; "
                                    "leave its row as exported or delete the row")
                                  % {"task": stored}, code="cancelled")
        if row["deadline"] != stored.deadline:
            for day in (stored.deadline, row["deadline"]):
                locks.check_open(stored, day, self.checker.today)
            number = row["key"][0]
            for child in stored.children.filter(cancelled_on__isnull=True,
                                                deadline__gt=row["deadline"]):
                if (number, child.code) not in self.by_key:
                    raise ValidationError(
                        _("Deadline %(deadline)s is before %(child_deadline)s, the deadline of "
                          "the sub-task “%(child)s”; move that sub-task's deadline first")
                        % {"deadline": row["deadline"], "child_deadline": child.deadline,
                           "child": child}, code="deadline_before_child")

    def check_weights(self, rows: list[Row]) -> None:
        """Check that the active tasks under each parent touched by the sheet sum to 100%."""
        groups: dict[tuple[str, str], list[Row]] = {}
        for row in rows:
            if row["stored"] is not None and row["stored"].cancelled_on is not None:
                continue
            groups.setdefault((row["key"][0], row["parent"] or ""), []).append(row)
        for members in groups.values():
            first = members[0]
            weights = [(f"{row['code']} {row['name']}", row["weight"]) for row in members]
            weights += self.stored_siblings(first, {row["code"] for row in members})
            try:
                rules.check_weights(owner_text(first), weights, exact=not occurrences_of_year(
                    first, members))
            except ValidationError as error:
                self.problem(first, "权重(%)", formats.format_percent(first["weight"]), error)

    def stored_siblings(self, row: Row, listed: set[str]) -> list[tuple[str, Decimal]]:
        """Return the stored active tasks beside ``row`` that the sheet does not list."""
        directive, parent = stored_directive(row), row["parent_ref"]
        if directive is None or isinstance(parent, Row):
            return []
        siblings = Task.objects.active().filter(directive=directive, parent=parent)
        return readable_weights(self.checker.actor,
                                [task for task in siblings if task.code not in listed])

    def in_cycle(self, row: Row) -> bool:
        """Report and return True when following 上级任务编号 from ``row`` leads back to it."""
        seen = {id(row)}
        parent = row["parent_ref"]
        while isinstance(parent, Row):
            if id(parent) in seen:
                self.problem(row, "上级任务编号", row["parent"], CellError(_(
                    "The parent task numbers form a loop through “%(value)s”; a task cannot be "
                    "below itself") % {"value": row["code"]}))
                return True
            seen.add(id(parent))
            parent = parent["parent_ref"]
        return False


def occurrences_of_year(first: Row, members: list[Row]) -> bool:
    """Whether the rows are a recurring duty's tasks of one year, which may sum to less than 100%.

    A year the duty started late contains fewer periods; see
    ``sunshine.duties.occurrences``. Such rows are top-level, carry a duty
    and are numbered by their period (2026-03, 2026Q1 or 2026).
    """
    return not first["parent"] and all(
        row["duty"] is not None and occurrences.is_period_key(row["code"]) for row in members)


def stored_directive(row: Row) -> Directive | None:
    """Return the stored directive of a task row, also when the 决策部署 sheet lists it."""
    directive = row["directive"]
    if isinstance(directive, Directive):
        return directive
    return directive["stored"]


def changed(row: Row, stored: Task) -> bool:
    fields = ("name", "start", "deadline", "weight", "description")
    return (any(row[name] != getattr(stored, name) for name in fields)
            or row["lead_unit"].pk != stored.lead_unit_id)


def owner_text(row: Row) -> str:
    parent, directive = row["parent_ref"], row["directive"]
    if isinstance(parent, Row):
        return f"{parent['code']} {parent['name']}"
    if parent is not None:
        return str(parent)
    if isinstance(directive, Directive):
        return str(directive)
    return f"{directive['document_number']} {directive['title']}"


def order_parents_first(rows: list[Row]) -> list[Row]:
    """Return rows so that every parent row comes before its sub-tasks."""
    ordered: list[Row] = []
    placed: set[int] = set()

    def place(row: Row) -> None:
        if id(row) in placed:
            return
        parent = row["parent_ref"]
        if isinstance(parent, Row):
            place(parent)
        placed.add(id(row))
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered
