"""Writing the empty ledger template and ledger exports with openpyxl.

Both use write-only workbooks, which stream rows to the file, so a
100,000-row export does not hold every cell in memory. An export writes
each value in the form the importer reads back unchanged: amounts in yuan
as exact decimals, dates as date cells, codes as text.
"""

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from sunshine.audit import chain
from sunshine.funds.ledger.schema import (
    ALLOCATION_SHEET,
    DISBURSEMENT_SHEET,
    FUND_SOURCE_BY_VALUE,
    FUND_SOURCE_LABELS,
    NOTES,
    PROJECT_SHEET,
    SHEETS,
    STATUS_BY_VALUE,
    STATUS_LABELS,
    YES_NO_BY_VALUE,
    YES_NO_LABELS,
    Column,
    Kind,
    SheetSpec,
)
from sunshine.funds.models import CNY, Allocation, Disbursement, FundSource, Project
from sunshine.lib.formula_text import formulas_as_text

LAST_ROW = 1_048_576  # the last row of an .xlsx sheet
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FFF2CC")
REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
BATCH = 5000

Target = str | os.PathLike | IO[bytes]


@dataclass
class ExportCounts:
    projects: int = 0
    allocations: int = 0
    disbursements: int = 0
    # Currency code to the number of projects left out for keeping their amounts in it.
    other_currencies: dict[str, int] = field(default_factory=dict)


def write_template(target: Target) -> None:
    """Write the empty ledger: three sheets with headers, formats and drop-down lists."""
    workbook = Workbook(write_only=True)
    for spec in SHEETS:
        _start_sheet(workbook, spec)
    _write_notes(workbook)
    workbook.save(target)


def export_projects(actor: Any, target: Target, projects: QuerySet) -> ExportCounts:
    """Write the given projects with their allocations and disbursements as a ledger.

    Only projects kept in yuan are written, and the notes sheet states how
    many others were left out. The caller scopes ``projects``. The export is
    recorded in the audit log, because the file carries the names of
    responsible persons and of payees who are private persons.
    """
    currencies = other_currencies(projects)
    projects = projects.filter(currency=CNY).order_by("code")
    workbook = Workbook(write_only=True)
    sheets = {spec.name: _start_sheet(workbook, spec) for spec in SHEETS}
    counts = ExportCounts(other_currencies=currencies)
    counts.projects = _append(sheets[PROJECT_SHEET.name], PROJECT_SHEET, _project_rows(projects))
    counts.allocations = _append(sheets[ALLOCATION_SHEET.name], ALLOCATION_SHEET,
                                 _allocation_rows(projects))
    counts.disbursements = _append(sheets[DISBURSEMENT_SHEET.name], DISBURSEMENT_SHEET,
                                   _disbursement_rows(projects))
    _write_notes(workbook, left_out_note(currencies))
    workbook.save(target)

    with transaction.atomic():
        chain.append(actor, "export_ledger", object_type=chain.object_type_of(Project),
                     changes={"projects": counts.projects, "allocations": counts.allocations,
                              "disbursements": counts.disbursements})
    return counts


def other_currencies(projects: QuerySet) -> dict[str, int]:
    """Return the number of ``projects`` kept in each currency other than yuan."""
    rows = (projects.exclude(currency=CNY).order_by("currency").values_list("currency")
            .annotate(count=Count("pk")))
    return dict(rows)


def left_out_note(currencies: dict[str, int]) -> str:
    """Return the notes-sheet line on projects left out for their currency, "" when none are."""
    count = sum(currencies.values())
    if not count:
        return ""
    return ngettext(
        "This export leaves out %(count)s project kept in another currency than yuan "
        "(%(currencies)s), because the ledger holds amounts in yuan only. The project list "
        "(CSV) on the staff site gives its amounts with their currency.",
        "This export leaves out %(count)s projects kept in other currencies than yuan "
        "(%(currencies)s), because the ledger holds amounts in yuan only. The project list "
        "(CSV) on the staff site gives their amounts with their currency.",
        count,
    ) % {"count": count, "currencies": ", ".join(currencies)}


def _start_sheet(workbook: Workbook, spec: SheetSpec):
    sheet = workbook.create_sheet(spec.name)
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(12, 2 * len(column.template_header) + 4)
        dimension.number_format = _column_format(column)
        validation = _validation(column)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
            sheet.data_validations.append(validation)
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, column) for column in spec.columns])
    return sheet


def _header_cell(sheet, column: Column) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=column.template_header)
    cell.font = HEADER_FONT
    cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
    return cell


def _column_format(column: Column) -> str:
    if column.kind == Kind.AMOUNT:
        return AMOUNT_FORMAT
    if column.kind == Kind.DATE:
        return DATE_FORMAT
    if column.kind in (Kind.TEXT, Kind.CREDIT_CODE):
        return TEXT_FORMAT
    return "General"


def _labels(column: Column) -> list[str] | None:
    """Return the labels a drop-down column allows, or None for a free column."""
    if column.kind == Kind.STATUS:
        return list(STATUS_LABELS)
    if column.kind == Kind.FUND_SOURCE:
        return list(FUND_SOURCE_LABELS)
    if column.kind == Kind.YES_NO:
        return list(YES_NO_LABELS)
    return None


def _validation(column: Column) -> DataValidation | None:
    labels = _labels(column)
    if labels is not None:
        return DataValidation(type="list", formula1='"{}"'.format(",".join(labels)),
                              allow_blank=not column.required, showErrorMessage=True,
                              error=_allowed_values(labels))
    if column.kind == Kind.PROGRESS:
        return DataValidation(type="whole", operator="between", formula1="0", formula2="100",
                              allow_blank=True, showErrorMessage=True,
                              error=_("A whole number from 0 to 100."))
    if column.kind == Kind.AMOUNT:
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                              allow_blank=not column.required, showErrorMessage=True,
                              error=_("An amount of zero or more."))
    return None


def _allowed_values(labels: Iterable[str]) -> str:
    return _("One of: %(values)s.") % {"values": "、".join(labels)}


def _append(sheet, spec: SheetSpec, rows: Iterator[list]) -> int:
    amount_positions = [i for i, c in enumerate(spec.columns) if c.kind == Kind.AMOUNT]
    count = 0
    for row in rows:
        for position in amount_positions:
            if row[position] is not None:
                cell = WriteOnlyCell(sheet, value=row[position])
                cell.number_format = AMOUNT_FORMAT
                row[position] = cell
        sheet.append(formulas_as_text(sheet, row))
        count += 1
    return count


def _project_rows(projects: QuerySet) -> Iterator[list]:
    rows = projects.select_related("owner_unit", "responsible_person")
    for project in rows.iterator(chunk_size=BATCH):
        person = project.responsible_person
        yield [
            project.code, project.name, project.category, project.region_id,
            project.owner_unit.name if project.owner_unit else "",
            project.responsible_name or (person.name if person else ""),
            project.budget, project.planned_start, project.planned_end, project.progress,
            STATUS_BY_VALUE[project.status], YES_NO_BY_VALUE[project.is_public],
        ]


def _allocation_rows(projects: QuerySet) -> Iterator[list]:
    rows = (Allocation.objects.filter(project__in=projects, currency=CNY)
            .order_by("project__code", "approved_on", "id")
            .values_list("project__code", "source", "approved_amount", "approved_on",
                         "arrived_amount", "arrived_on"))
    for code, source, approved, approved_on, arrived, arrived_on in rows.iterator(BATCH):
        yield [code, FUND_SOURCE_BY_VALUE[FundSource(source)], approved, approved_on, arrived,
               arrived_on]


def _disbursement_rows(projects: QuerySet) -> Iterator[list]:
    # Date then id is the order the importer flags over-payments in.
    rows = (Disbursement.objects.filter(project__in=projects, currency=CNY)
            .order_by("project__code", "paid_on", "id")
            .values_list("project__code", "paid_on", "amount", "payee_name",
                         "payee_credit_code", "voucher_no", "purpose"))
    for values in rows.iterator(BATCH):
        yield list(values)


def _write_notes(workbook: Workbook, export_note: str = "") -> None:
    sheet = workbook.create_sheet(NOTES)
    for letter, width in zip("ABCD", (12, 22, 10, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    title = WriteOnlyCell(sheet, value=_("How to fill in the project ledger"))
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    if export_note:
        note = WriteOnlyCell(sheet, value=export_note)
        note.font = Font(bold=True)
        sheet.append([note])
    for line in _general_notes():
        sheet.append([line])
    sheet.append([])
    sheet.append([_header_text(sheet, text) for text in (
        _("Sheet"), _("Column"), _("Required"), _("Format"))])
    wrap = Alignment(wrap_text=True, vertical="top")
    for spec in SHEETS:
        for column in spec.columns:
            note = WriteOnlyCell(sheet, value=_column_note(column))
            note.alignment = wrap
            sheet.append([spec.name, column.template_header,
                          _("yes") if column.required else "", note])


def _header_text(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    return cell


def _general_notes() -> list[str]:
    return [
        _("The sheets 项目, 资金到位 and 资金支付 are required. Their columns may be in any "
          "order; columns with other headers are ignored. The first filled row of each sheet "
          "contains the headers."),
        _("For each project with rows in the 资金到位 sheet, importing makes its fund "
          "allocations in the system equal to those rows, adding, changing and deleting rows as "
          "needed; the 资金支付 sheet does the same for payments. A project without rows in a "
          "sheet keeps its stored rows of that kind. Rows that already match are left as they "
          "are, so importing the same file twice changes nothing."),
        _("A project that only the 资金到位 or 资金支付 sheet names must already be in the "
          "system."),
        _("A blank optional cell means the field has no value, also when the row updates a "
          "stored project or row: importing clears the stored text, date, budget, owner unit "
          "or responsible person, and sets the physical progress and the arrived amount to 0. "
          "A blank required cell rejects the file."),
        _("One invalid cell rejects the whole file and nothing is imported; the error list "
          "names the sheet, the row number, the column and the reason."),
        _("A payment that takes a project's payments past the funds that have arrived is "
          "imported and flagged for review."),
    ]


def _column_note(column: Column) -> str:
    labels = _labels(column)
    parts = []
    if column.help:
        text = str(column.help)
        parts.append(text % {"header": column.header} if "%(header)s" in text else text)
    if labels is not None:
        parts.append(_allowed_values(labels))
    if column.max_length and column.kind == Kind.TEXT:
        parts.append(_("At most %(count)s characters.") % {"count": column.max_length})
    return " ".join(parts)
