"""Checking every row of a ledger workbook before anything is written.

Cells are read first, sheet by sheet, in one loop per sheet with no
queries. Then the rows are checked against the database through
``Lookups``: regions, owner units, project codes and the user's scope.
Every problem is collected, up to the cap in ``errors.MAX_ISSUES``.
"""

import datetime
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.funds.codes import project_code_problem
from sunshine.funds.ledger import cells
from sunshine.funds.ledger.errors import IssueList
from sunshine.funds.ledger.lookups import Lookups
from sunshine.funds.ledger.reader import SheetData
from sunshine.funds.ledger.schema import (
    ALLOCATION_SHEET,
    ALLOCATIONS,
    DISBURSEMENT_SHEET,
    DISBURSEMENTS,
    PROJECT_SHEET,
    PROJECTS,
    Column,
    Kind,
)
from sunshine.funds.models import CNY
from sunshine.lib.money import FEN_PER_YUAN, MAX_YUAN, to_yuan
from sunshine.lib.number_formats import PercentCell

PROGRESS_EVERY = 5000
TICK_ROWS = 1000
CODE_HEADER = "项目编号"

Progress = Callable[[int, int], None]


class ProjectRow(NamedTuple):
    row: int
    code: str
    name: str
    category: str
    region: str
    owner_unit: str
    responsible_name: str
    budget: int | None
    planned_start: datetime.date | None
    planned_end: datetime.date | None
    progress: int
    status: str
    is_public: bool


class AllocationRow(NamedTuple):
    row: int
    project: str
    source: str
    approved_amount: int
    approved_on: datetime.date | None
    arrived_amount: int | None
    arrived_on: datetime.date | None


class DisbursementRow(NamedTuple):
    row: int
    project: str
    paid_on: datetime.date
    amount: int
    payee_name: str
    payee_credit_code: str
    voucher_no: str
    purpose: str


@dataclass
class CheckedLedger:
    """The rows of a workbook that passed every check, amounts in fen."""

    projects: list[ProjectRow]
    owner_units: dict[str, int | None]
    allocations: dict[str, list[AllocationRow]]
    disbursements: dict[str, list[DisbursementRow]]
    lookups: Lookups
    total_rows: int = 0


class Ticker:
    """Calls ``progress(done, total)`` every few thousand rows and once at the end."""

    def __init__(self, total: int, progress: Progress | None):
        self.total = total
        self.done = 0
        self.reported = -1
        self.progress = progress

    def advance(self, count: int) -> None:
        before = self.done
        self.done += count
        if self.done // PROGRESS_EVERY != before // PROGRESS_EVERY:
            self._report(min(self.done, self.total))

    def finish(self) -> None:
        self._report(self.total)

    def _report(self, done: int) -> None:
        if self.progress is not None and done != self.reported:
            self.reported = done
            self.progress(done, self.total)


def check_workbook(sheets: dict[str, SheetData], lookups: Lookups, issues: IssueList,
                   progress: Progress | None = None) -> CheckedLedger:
    """Read and check every row; the caller raises if ``issues`` is not empty."""
    ticker = Ticker(sum(s.total_rows for s in sheets.values()), progress)
    listed: set[str] = set()
    projects = parse_sheet(sheets.get(PROJECTS), ProjectRow, issues, ticker, listed)
    allocations = parse_sheet(sheets.get(ALLOCATIONS), AllocationRow, issues, ticker)
    disbursements = parse_sheet(sheets.get(DISBURSEMENTS), DisbursementRow, issues, ticker)

    check_allocation_rows(allocations, issues)
    check_payment_rows(disbursements, issues)

    codes = listed | {r.project for r in allocations} | {r.project for r in disbursements}
    lookups.load(codes)
    owner_units = check_projects(projects, lookups, issues)
    # Without a readable 项目 sheet every code would look unknown; its own
    # problem is reported already.
    known = listed if PROJECTS in sheets else listed | codes
    allocations_by_project = check_references(ALLOCATIONS, allocations, known, lookups, issues)
    disbursements_by_project = check_references(DISBURSEMENTS, disbursements, known, lookups,
                                                issues)
    check_totals(ALLOCATIONS, ALLOCATION_SHEET, allocations_by_project,
                 ("approved_amount", "arrived_amount"), issues)
    check_totals(DISBURSEMENTS, DISBURSEMENT_SHEET, disbursements_by_project, ("amount",), issues)
    ticker.finish()
    return CheckedLedger(projects, owner_units, allocations_by_project, disbursements_by_project,
                         lookups, ticker.total)


def parse_sheet(sheet: SheetData | None, record_type: Any, issues: IssueList, ticker: Ticker,
                listed_codes: set[str] | None = None) -> list:
    """Read each non-empty row into ``record_type``; rows with a bad cell are left out.

    ``listed_codes`` collects the first column's text of every row, good or
    bad, so a later sheet does not report a project whose own row failed.
    """
    if sheet is None:
        return []
    name = sheet.spec.name
    # A text cell within its length limit is taken as it is, without a
    # reader call. Other kinds have the limit -1, so they always go to
    # their reader.
    readers = [(sheet.positions[c.key], c, _reader_for(c, sheet), _text_limit(c))
               for c in sheet.spec.columns]
    width = max(sheet.positions.values()) + 1
    # tuple.__new__ skips the named tuple's slower Python-level __new__;
    # values always has every field.
    make = partial(tuple.__new__, record_type)
    records = []
    row_number = sheet.header_row
    unreported = 0
    for row in sheet.rows:
        row_number += 1
        unreported += 1
        if unreported == TICK_ROWS:
            ticker.advance(unreported)
            unreported = 0
        # any() is a fast first test; a row of zeros and blanks is still read.
        if not any(row) and all(cell == "" or cell is None for cell in row):
            continue
        if len(row) < width:
            row = [*row, *[""] * (width - len(row))]
        percent_positions = sheet.percent_cells.get(row_number) if sheet.percent_cells else None
        if percent_positions:
            row = _with_percent_cells(row, percent_positions)
        values: list[Any] = [row_number]
        append = values.append
        failed = False
        for position, column, reader, limit in readers:
            raw = row[position]
            if type(raw) is str:
                raw = raw.strip()
                if raw and len(raw) <= limit:
                    append(raw)
                    continue
            if raw == "" or raw is None:
                if column.required:
                    failed = True
                    issues.add(name, row_number, _header(column, sheet), raw, _(
                        "The column “%(column)s” is required and this cell is blank; fill it "
                        "in, or delete the row if it is not needed."
                    ) % {"column": _header(column, sheet)})
                append(_default(column))
                continue
            try:
                append(reader(raw))
            except cells.CellError as error:
                failed = True
                issues.add(name, row_number, _header(column, sheet), raw, str(error))
                append(None)
        if listed_codes is not None and values[1]:
            listed_codes.add(values[1])
        if not failed:
            records.append(make(values))
    ticker.advance(unreported)
    return records


def _with_percent_cells(row: list, positions: list[int]) -> list:
    """Return the row with the numbers at ``positions`` as the percentages Excel shows."""
    row = list(row)
    for position in positions:
        value = row[position]
        if isinstance(value, int | float) and not isinstance(value, bool):
            row[position] = PercentCell.from_stored(value)
    return row


def _text_limit(column: Column) -> int:
    if column.kind != Kind.TEXT:
        return -1
    return column.max_length or sys.maxsize


def _reader_for(column: Column, sheet: SheetData) -> Callable[[Any], Any]:
    if column.kind == Kind.TEXT:
        return _text_reader(column.max_length)
    if column.kind == Kind.AMOUNT:
        return partial(cells.read_amount, in_wan=column.key in sheet.in_wan)
    readers: dict[str, Callable[[Any], Any]] = {
        Kind.DATE: cells.read_date,
        Kind.PROGRESS: cells.read_progress,
        Kind.STATUS: cells.read_status,
        Kind.FUND_SOURCE: cells.read_fund_source,
        Kind.YES_NO: cells.read_yes_no,
        Kind.CREDIT_CODE: cells.CreditCodeReader(),
    }
    return readers[column.kind]


def _text_reader(max_length: int | None) -> Callable[[Any], str]:
    limit = max_length or sys.maxsize

    def read(value: Any) -> str:
        text = value.strip() if type(value) is str else cells.read_text(value)
        if len(text) > limit:
            raise cells.CellError(_("The text has %(length)s characters; shorten it to at most "
                                    "%(max)s.") % {"length": len(text), "max": limit})
        return text

    return read


def _default(column: Column) -> Any:
    if column.kind in (Kind.TEXT, Kind.CREDIT_CODE):
        return ""
    if column.kind == Kind.PROGRESS:
        return 0
    return None


def _header(column: Column, sheet: SheetData) -> str:
    if column.kind == Kind.AMOUNT and column.key in sheet.in_wan:
        return f"{column.header}(万元)"
    return column.template_header


def check_projects(rows: list[ProjectRow], lookups: Lookups, issues: IssueList
                   ) -> dict[str, int | None]:
    """Check codes, regions, owner units, dates and scope; return each code's owner unit id."""
    first_row: dict[str, int] = {}
    owner_units: dict[str, int | None] = {}
    for row in rows:
        if row.code in first_row:
            issues.add(PROJECTS, row.row, _col(PROJECT_SHEET, "code"), row.code, _(
                "The project code “%(code)s” already appears in row %(first)s; each project "
                "takes one row."
            ) % {"code": row.code, "first": first_row[row.code]})
            continue
        first_row[row.code] = row.row
        problem = project_code_problem(row.code)
        if problem is not None and row.code not in lookups.projects:
            issues.add(PROJECTS, row.row, CODE_HEADER, row.code, problem)
            continue
        if row.planned_start and row.planned_end and row.planned_end < row.planned_start:
            issues.add(PROJECTS, row.row, _col(PROJECT_SHEET, "planned_end"), row.planned_end, _(
                "The planned completion date is before the planned start date %(start)s."
            ) % {"start": row.planned_start.isoformat()})
        unit = _check_region_and_unit(row, lookups, issues)
        if unit is not False:
            owner_units[row.code] = unit
    return owner_units


def _check_region_and_unit(row: ProjectRow, lookups: Lookups, issues: IssueList):
    """Return the owner unit id (None when blank), or False after adding an issue."""
    region = lookups.regions.get(row.region)
    if region is None:
        issues.add(PROJECTS, row.row, _col(PROJECT_SHEET, "region"), row.region, _(
            "The region code “%(code)s” does not exist; use the statistical code of a Taizhou "
            "county, township or village, such as 331002001."
        ) % {"code": row.region})
        return False

    unit_id, unit_path = None, ""
    if row.owner_unit:
        units = lookups.find_units(row.owner_unit, region)
        if len(units) != 1:
            issues.add(PROJECTS, row.row, _col(PROJECT_SHEET, "owner_unit"), row.owner_unit, (_(
                "No unit called “%(name)s” exists in %(county)s; use the unit's full name as "
                "the system lists it."
            ) if not units else _(
                "Several units called “%(name)s” exist in %(county)s; ask an administrator to "
                "give them distinct names."
            )) % {"name": row.owner_unit, "county": lookups.regions[region.unit_root].name})
            return False
        unit_id, unit_path = units[0].pk, units[0].path

    existing = lookups.projects.get(row.code)
    if existing is not None and not _check_existing(PROJECTS, row.row, existing, issues):
        return False
    if not lookups.may_write(region.path, unit_path):
        issues.add(PROJECTS, row.row, _col(PROJECT_SHEET, "region"), row.region, _(
            "You may not add or change projects in %(region)s (%(code)s): it is outside the "
            "regions and units you are assigned to."
        ) % {"region": region.name, "code": region.code})
        return False
    return unit_id


def _check_existing(sheet: str, row: int, existing, issues: IssueList) -> bool:
    if not existing.writable:
        issues.add(sheet, row, CODE_HEADER, existing.code, _(
            "The project “%(code)s” belongs to a region or unit outside your scope; you may "
            "not change it."
        ) % {"code": existing.code})
        return False
    if existing.currency != CNY:
        issues.add(sheet, row, CODE_HEADER, existing.code, _(
            "The project “%(code)s” keeps its amounts in %(currency)s; the ledger accepts yuan "
            "only, so edit this project on its own page."
        ) % {"code": existing.code, "currency": existing.currency})
        return False
    return True


def check_allocation_rows(rows: list[AllocationRow], issues: IssueList) -> None:
    """Apply the staff form's rules: arrived money within the approved amount, after approval."""
    for row in rows:
        if (row.arrived_amount or 0) > row.approved_amount:
            issues.add(ALLOCATIONS, row.row, _col(ALLOCATION_SHEET, "arrived_amount"),
                       to_yuan(row.arrived_amount), _(
                "The arrived amount exceeds the approved amount %(approved)s; enter at most the "
                "approved amount, or add the extra money as another row."
            ) % {"approved": to_yuan(row.approved_amount)})
        if row.approved_on and row.arrived_on and row.arrived_on < row.approved_on:
            issues.add(ALLOCATIONS, row.row, _col(ALLOCATION_SHEET, "arrived_on"),
                       row.arrived_on, _(
                "The arrival date is before the approval date %(approved)s; check both dates."
            ) % {"approved": row.approved_on.isoformat()})


def check_payment_rows(rows: list[DisbursementRow], issues: IssueList) -> None:
    """Reject payments dated after today or of zero yuan, as the staff form does."""
    today = timezone.localdate()
    for row in rows:
        if row.paid_on > today:
            issues.add(DISBURSEMENTS, row.row, _col(DISBURSEMENT_SHEET, "paid_on"), row.paid_on,
                       _("The payment date is in the future; enter the day the money was paid."))
        if row.amount == 0:
            issues.add(DISBURSEMENTS, row.row, _col(DISBURSEMENT_SHEET, "amount"), 0,
                       _("The payment amount is zero; enter the amount paid or delete the row."))


def check_references(sheet: str, rows: list, listed: set[str], lookups: Lookups,
                     issues: IssueList) -> dict[str, list]:
    """Group rows by project code, checking codes that the 项目 sheet does not list."""
    grouped: dict[str, list] = defaultdict(list)
    checked: dict[str, bool] = {}
    for row in rows:
        code = row.project
        if code not in listed:
            existing = lookups.projects.get(code)
            if existing is None:
                issues.add(sheet, row.row, CODE_HEADER, code, _(
                    "The project “%(code)s” is neither in the 项目 sheet nor in the system; "
                    "add a row for it to the 项目 sheet."
                ) % {"code": code})
                continue
            if code not in checked:
                checked[code] = _check_existing(sheet, row.row, existing, IssueList(limit=0))
            if not checked[code]:
                _check_existing(sheet, row.row, existing, issues)
                continue
        grouped[code].append(row)
    return dict(grouped)


def check_totals(sheet: str, spec, rows_by_project: dict[str, list], keys: tuple[str, ...],
                 issues: IssueList) -> None:
    """Reject the row at which a project's amounts in one column pass what its total can store.

    The sheet's rows replace the project's stored rows of that kind, so
    their sum becomes the project's cached total, a BIGINT column of fen.
    """
    limit = MAX_YUAN * FEN_PER_YUAN
    for code, rows in rows_by_project.items():
        for key in keys:
            total = 0
            for row in rows:
                total += getattr(row, key) or 0
                if total > limit:
                    issues.add(sheet, row.row, _col(spec, key), to_yuan(getattr(row, key)), _(
                        "The amounts of project “%(code)s” in this column add up to "
                        "%(total)s yuan by this row, more than the %(max)s yuan a project "
                        "total can store; check the amounts for typing errors."
                    ) % {"code": code, "total": f"{to_yuan(total):,}", "max": f"{MAX_YUAN:,}"})
                    break


def _col(spec, key: str) -> str:
    return spec.column(key).template_header

