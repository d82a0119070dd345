"""Writing the empty duty workbook template and exports with openpyxl.

An export writes every value in the form the importer reads back
unchanged (dates as date cells, weights as numbers, names of units and
people as the lookups resolve them), so exporting and importing the file
again changes nothing.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from sunshine.audit import chain
from sunshine.duties import formats
from sunshine.duties.excel.lookups import person_text, unit_name_counts, unit_text
from sunshine.duties.excel.schema import (
    DIRECTIVE_SHEET,
    DUTY_SHEET,
    NOTES,
    SHEETS,
    STEP_SHEET,
    TASK_SHEET,
    Column,
    Kind,
    Sheet,
)
from sunshine.duties.models import Directive, DutyStep, Task
from sunshine.funds.ledger.schema import YES_NO_BY_VALUE, YES_NO_LABELS
from sunshine.lib.formula_text import formulas_as_text
from sunshine.organisation.models import Person

LAST_ROW = 1_048_576
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FFF2CC")
REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
BATCH = 2000

Target = str | os.PathLike | IO[bytes]


@dataclass
class ExportCounts:
    directives: int = 0
    duties: int = 0
    steps: int = 0
    tasks: int = 0


def write_template(target: Target) -> None:
    """Write the empty workbook: four sheets with headers, formats and drop-down lists."""
    workbook = Workbook(write_only=True)
    for spec in SHEETS:
        start_sheet(workbook, spec)
    write_notes(workbook)
    workbook.save(target)


def export_workbook(actor: Any, target: Target, *, directives: QuerySet, duties: QuerySet,
                    tasks: QuerySet) -> ExportCounts:
    """Write the given (scoped) rows as a duty workbook and record the export in the audit log.

    Directives of the exported tasks and duties are written too, so the
    file imports on its own.
    """
    directive_ids = (set(directives.values_list("pk", flat=True))
                     | set(tasks.values_list("directive_id", flat=True))
                     | set(duties.exclude(directive=None).values_list("directive_id", flat=True)))
    all_directives = Directive.objects.filter(pk__in=directive_ids).select_related("unit")
    names = unit_name_counts()
    workbook = Workbook(write_only=True)
    sheets = {spec.name: start_sheet(workbook, spec) for spec in SHEETS}
    counts = ExportCounts(
        directives=append(sheets[DIRECTIVE_SHEET.name], directive_rows(all_directives, names)),
        duties=append(sheets[DUTY_SHEET.name], duty_rows(duties, names)),
        steps=append(sheets[STEP_SHEET.name], step_rows(duties, names)),
        tasks=append(sheets[TASK_SHEET.name], task_rows(tasks, names)),
    )
    write_notes(workbook)
    workbook.save(target)

    # The file carries the names of responsible persons, so the export is recorded.
    with transaction.atomic():
        chain.append(actor, "export_duties", object_type=chain.object_type_of(Task),
                     changes=vars(counts))
    return counts


def start_sheet(workbook: Workbook, spec: Sheet):
    sheet = workbook.create_sheet(spec.name)
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(12, 2 * len(column.header) + 6)
        dimension.number_format = DATE_FORMAT if column.kind == Kind.DATE else (
            TEXT_FORMAT if column.kind == Kind.TEXT else "General")
        validation = drop_down(column)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
            sheet.data_validations.append(validation)
    sheet.freeze_panes = "A2"
    sheet.append([header_cell(sheet, column.header, column.required) for column in spec.columns])
    return sheet


def header_cell(sheet, text: str, required: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = HEADER_FONT
    cell.fill = REQUIRED_FILL if required else HEADER_FILL
    return cell


def labels_of(column: Column) -> list[str] | None:
    if column.kind == Kind.YES_NO:
        return list(YES_NO_LABELS)
    if column.kind == Kind.CYCLE:
        return list(formats.CYCLE_LABELS)
    return None


def drop_down(column: Column) -> DataValidation | None:
    labels = labels_of(column)
    if labels is None:
        return None
    return DataValidation(type="list", formula1='"{}"'.format(",".join(labels)),
                          allow_blank=not column.required, showErrorMessage=True,
                          error=_("One of: %(values)s.") % {"values": "、".join(labels)})


def append(sheet, rows: Iterator[list]) -> int:
    count = 0
    for row in rows:
        sheet.append(formulas_as_text(sheet, row))
        count += 1
    return count


def directive_rows(directives: QuerySet, names: dict[str, int]) -> Iterator[list]:
    for directive in directives.order_by("document_number"):
        yield [directive.document_number, directive.title, directive.issuer, directive.issued_on,
               directive.region_id, unit_text(directive.unit, names), directive.description]


def duty_rows(duties: QuerySet, names: dict[str, int]) -> Iterator[list]:
    rows = (duties.select_related("unit", "directive").prefetch_related("funding")
            .order_by("unit__region_id", "unit__name", "code"))
    for duty in rows.iterator(chunk_size=BATCH):
        funding = [(item.source, item.share) for item in duty.funding.all()]
        yield [unit_text(duty.unit, names), duty.code, duty.name, duty.category, duty.basis,
               formats.format_funding(funding), formats.CYCLE_BY_VALUE[duty.cycle],
               duty.deadline, duty.required_evidence, YES_NO_BY_VALUE[duty.is_public],
               duty.directive.document_number if duty.directive else ""]


def step_rows(duties: QuerySet, names: dict[str, int]) -> Iterator[list]:
    steps = (DutyStep.objects.filter(duty__in=duties).select_related("duty__unit")
             .order_by("duty__unit__region_id", "duty__unit__name", "duty__code", "number"))
    for step in steps.iterator(chunk_size=BATCH):
        yield [unit_text(step.duty.unit, names), step.duty.code, step.number, step.name,
               step.time_limit_days, step.required_evidence,
               YES_NO_BY_VALUE[step.is_disclosed]]


def in_tree_order(tasks: Iterator[Task]) -> Iterator[Task]:
    """Yield each directive's tasks parent first, holding one directive's tasks at a time."""
    group: list[Task] = []
    for task in tasks:
        if group and task.directive_id != group[0].directive_id:
            yield from sorted(group, key=lambda row: row.tree_key)
            group = []
        group.append(task)
    yield from sorted(group, key=lambda row: row.tree_key)


def task_rows(tasks: QuerySet, names: dict[str, int]) -> Iterator[list]:
    rows = (tasks.select_related("directive", "parent", "lead_unit", "responsible_person",
                                 "duty")
            .prefetch_related("cooperating_units", "milestones")
            .order_by("directive__document_number", "directive_id"))
    namesakes = Namesakes()
    for task in in_tree_order(rows.iterator(chunk_size=BATCH)):
        person = task.responsible_person
        ambiguous = person is not None and namesakes(person, task.lead_unit)
        cooperating = sorted(task.cooperating_units.all(), key=lambda unit: (unit.name, unit.pk))
        milestones = [(m.name, m.due_on) for m in task.milestones.all()]
        yield [task.directive.document_number, task.code,
               task.parent.code if task.parent else "", task.name,
               unit_text(task.lead_unit, names),
               "、".join(unit_text(unit, names) for unit in cooperating),
               person_text(person, ambiguous), task.start, task.deadline,
               task.weight, formats.format_milestones(milestones),
               task.duty.code if task.duty else "", task.description]


class Namesakes:
    """Tells whether a person shares the name with another person of a lead unit's tree."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int], bool] = {}

    def __call__(self, person: Person, lead_unit) -> bool:
        key = (person.name, lead_unit.pk)
        if key not in self.cache:
            same = Person.objects.filter(name=person.name,
                                         unit__path__startswith=lead_unit.path).count()
            self.cache[key] = same > 1
        return self.cache[key]


def write_notes(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(NOTES)
    for letter, width in zip("ABCD", (12, 18, 10, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    title = WriteOnlyCell(sheet, value=_("How to fill in the duty workbook"))
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    for line in general_notes():
        sheet.append([line])
    sheet.append([])
    sheet.append([header_cell(sheet, text) for text in (
        _("Sheet"), _("Column"), _("Required"), _("Format"))])
    wrap = Alignment(wrap_text=True, vertical="top")
    for spec in SHEETS:
        for column in spec.columns:
            note = WriteOnlyCell(sheet, value=column_note(column))
            note.alignment = wrap
            sheet.append([spec.name, column.header, _("yes") if column.required else "", note])


def general_notes() -> list[str]:
    return [
        _("The sheets 决策部署, 权责清单, 流程节点 and 任务分解 may be filled in together or "
          "alone. Their columns may be in any order; columns with other headers are ignored. "
          "The first filled row of each sheet contains the headers."),
        _("Rows are matched to the system by 文号, by 执行单位 and 事项编号, and by 决策部署文号 "
          "and 任务编号. A matching row updates the stored one, a new row is added, and rows "
          "that already match are left alone, so importing the same file twice changes "
          "nothing. Nothing is deleted."),
        _("The weights of the tasks under one parent, or of the top-level tasks of one "
          "directive, must sum to 100%. A sub-task's deadline cannot be after its parent's."),
        _("One invalid cell rejects the whole file and nothing is imported; the error list "
          "names the sheet, the row number, the column, the value and the reason."),
        _("Progress is not imported: it is reported and approved on the task's page."),
    ]


def column_note(column: Column) -> str:
    parts = [str(column.help)] if column.help else []
    labels = labels_of(column)
    if labels is not None:
        parts.append(_("One of: %(values)s.") % {"values": "、".join(labels)})
    if column.max_length and column.kind == Kind.TEXT:
        parts.append(_("At most %(count)s characters.") % {"count": column.max_length})
    return " ".join(parts)
