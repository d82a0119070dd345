"""Opening a ledger workbook with python-calamine and mapping its headers.

calamine's ``iter_rows`` starts at the sheet's first row (index 0 is Excel
row 1) even when the data starts lower, so a row's Excel number is its index
plus one. Columns start at the first used column; headers are matched by
name, so that offset does not matter.
"""

import logging
import os
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from sunshine.funds.ledger.errors import IssueList
from sunshine.funds.ledger.schema import SHEETS, WAN_YUAN, YUAN, Kind, SheetSpec, normalize_header
from sunshine.lib.number_formats import is_percent_format
from sunshine.lib.xlsx_formulas import formulas_without_results
from sunshine.lib.xlsx_styles import has_percent_cell_format

logger = logging.getLogger(__name__)

# Unit names inside an amount header's brackets that the importer accepts.
AMOUNT_UNITS = {YUAN: False, WAN_YUAN: True}


@dataclass
class SheetData:
    """A sheet whose headers matched, positioned at its first data row."""

    spec: SheetSpec
    header_row: int
    positions: dict[str, int]
    in_wan: set[str] = field(default_factory=set)
    total_rows: int = 0
    rows: Iterator[list] = field(default_factory=lambda: iter(()))
    # Excel row number to the positions of its progress cells in a percentage format.
    percent_cells: dict[int, list[int]] = field(default_factory=dict)


def open_workbook(path: str | os.PathLike, issues: IssueList) -> dict[str, SheetData]:
    """Return the three ledger sheets, keyed by sheet name, ready to iterate.

    Adds an issue for an unreadable file, a missing sheet or a missing or
    duplicated header. A sheet with such a problem is left out of the result.
    """
    name = os.path.basename(str(path))
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except PasswordError:
        issues.add("", None, "", name, _(
            "The workbook is protected by a password; remove the password in Excel "
            "(File, Info, Protect Workbook) and upload it again."
        ))
        return {}
    except (CalamineError, OSError, ValueError):
        issues.add("", None, "", name, _(
            "The file is not a readable Excel workbook; save it in Excel as "
            "“Excel Workbook (*.xlsx)” and upload it again."
        ))
        return {}

    names = {name.strip(): name for name in workbook.sheet_names}
    known = {spec.name: names[spec.name] for spec in SHEETS if spec.name in names}
    unreadable = report_formulas_without_results(path, known, issues)
    found: dict[str, SheetData] = {}
    for spec in SHEETS:
        if spec.name not in names:
            issues.add(spec.name, None, "", "", _(
                "The sheet “%(sheet)s” is missing; the workbook needs the sheets 项目, "
                "资金到位 and 资金支付 (download the template to see them)."
            ) % {"sheet": spec.name})
            continue
        if spec.name in unreadable:
            continue
        try:
            sheet = workbook.get_sheet_by_name(names[spec.name])
        except CalamineError:
            issues.add(spec.name, None, "", "", _(
                "The sheet “%(sheet)s” cannot be read; open the workbook in Excel, save it "
                "again as “Excel Workbook (*.xlsx)” and upload it again."
            ) % {"sheet": spec.name})
            continue
        data = _map_headers(spec, sheet, issues)
        if data is not None:
            first_column = sheet.start[1] if sheet.start else 0
            data.percent_cells = find_percent_cells(path, names[spec.name], data, first_column)
            found[spec.name] = data
    return found


def find_percent_cells(path: str | os.PathLike, sheet_name: str, data: SheetData,
                       first_column: int) -> dict[int, list[int]]:
    """Return, by Excel row, the positions of the sheet's progress cells in a percentage format.

    Such a cell stores 0.5 for the 50% it shows. calamine returns only the
    stored number, so openpyxl reads the number formats of the progress
    columns. ``first_column`` is the 0-based sheet column of calamine's
    position 0, the first used column. The sheet is read only when a cell
    format of the workbook is a percentage. Returns an empty dict, after
    logging why, when openpyxl cannot open the file.
    """
    positions = [data.positions[column.key] for column in data.spec.columns
                 if column.kind == Kind.PROGRESS and column.key in data.positions]
    if not positions or not data.total_rows or not has_percent_cell_format(path):
        return {}
    try:
        book = load_workbook(path, read_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        logger.warning("failed to read number formats of sheet %s in %s: %s", sheet_name, path,
                       error)
        return {}

    found: dict[int, list[int]] = defaultdict(list)
    first_row = data.header_row + 1
    try:
        for position in positions:
            column = first_column + position + 1
            cells = book[sheet_name].iter_rows(min_row=first_row,
                                               max_row=data.header_row + data.total_rows,
                                               min_col=column, max_col=column)
            for number, (cell,) in enumerate(cells, start=first_row):
                if is_percent_format(cell.number_format):
                    found[number].append(position)
    finally:
        book.close()
    return dict(found)


def report_formulas_without_results(path: str | os.PathLike, names: dict[str, str],
                                    issues: IssueList) -> set[str]:
    """Add an issue per formula saved without its result; return the sheets that hold one.

    ``names`` maps each sheet's trimmed name to its name in the workbook.
    The reader would see such a cell as empty, so those sheets are not read.
    """
    trimmed = {actual: name for name, actual in names.items()}
    found = formulas_without_results(str(path), trimmed)
    for actual, cells in found.items():
        for cell in cells:
            row = int("".join(filter(str.isdigit, cell)) or 0) or None
            issues.add(trimmed[actual], row, "", cell, _(
                "Cell %(cell)s holds a formula saved without its result, so its value cannot "
                "be read. Open the workbook in Excel or WPS and save it, which stores the "
                "results, or replace the formulas by their values; then upload it again."
            ) % {"cell": cell})
    return {trimmed[actual] for actual in found}


def _map_headers(spec: SheetSpec, sheet, issues: IssueList) -> SheetData | None:
    rows = sheet.iter_rows()
    header_row, header = _first_non_empty(rows)
    last_row = sheet.end[0] + 1 if sheet.end else 0

    positions: dict[str, int] = {}
    in_wan: set[str] = set()
    problems_before = len(issues.items) + issues.more
    reported: set[str] = set()
    for position, cell in enumerate(header):
        text = normalize_header(cell)
        if not text:
            continue
        column, wan = _match_column(spec, text, header_row, issues)
        if column is None:
            continue
        if wan is None:
            reported.add(column.key)
        elif column.key in positions:
            issues.add(spec.name, header_row, text, text, _(
                "The header “%(header)s” appears twice; delete one of the two columns."
            ) % {"header": text})
        else:
            positions[column.key] = position
            if wan:
                in_wan.add(column.key)

    for column in spec.columns:
        if column.key not in positions and column.key not in reported:
            issues.add(spec.name, header_row, column.template_header, "", _(
                "The header “%(header)s” is missing; add it to row %(row)s of the sheet "
                "(columns may be in any order)."
            ) % {"header": column.template_header, "row": header_row})
    if len(issues.items) + issues.more > problems_before:
        return None
    return SheetData(spec, header_row, positions, in_wan, max(last_row - header_row, 0), rows)


def _first_non_empty(rows: Iterator[list]) -> tuple[int, list]:
    for index, row in enumerate(rows):
        if any(cell != "" and cell is not None for cell in row):
            return index + 1, row
    return 1, []


def _match_column(spec: SheetSpec, text: str, row: int, issues: IssueList):
    """Return the column a header names and whether its amounts are in 万元.

    The flag is None when the header names an amount column with a unit
    other than 元 or 万元; that problem is added to ``issues``.
    """
    for column in spec.columns:
        if column.kind != Kind.AMOUNT:
            if text == column.header:
                return column, False
            continue
        if not text.startswith(column.header + "("):
            continue
        unit = text[len(column.header) + 1:].rstrip(")")
        if text.endswith(")") and unit in AMOUNT_UNITS:
            return column, AMOUNT_UNITS[unit]
        issues.add(spec.name, row, text, text, _(
            "The header “%(header)s” has an unknown unit; write %(yuan)s or %(wan)s."
        ) % {"header": text, "yuan": f"{column.header}(元)", "wan": f"{column.header}(万元)"})
        return column, None
    return None, False
