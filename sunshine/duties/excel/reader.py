"""Opening a duty workbook with python-calamine and reading its rows by header name.

Problems are added to an ``IssueList`` (the ledger's), located by sheet,
Excel row number, column header and value, so the import reports them all
at once.
"""

import datetime
import logging
import os
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from sunshine.duties.excel.cells import NoDay
from sunshine.duties.excel.schema import SHEETS, Kind, Sheet
from sunshine.funds.ledger.errors import IssueList
from sunshine.funds.ledger.reader import report_formulas_without_results
from sunshine.funds.ledger.schema import normalize_header
from sunshine.lib.number_formats import PercentCell, is_percent_format

logger = logging.getLogger(__name__)

# Date cells reread with openpyxl when calamine gives a time of day; more would
# only lengthen a problem list that is cut short anyway.
MAX_RECOVERED = 200


@dataclass
class SheetRows:
    """A sheet whose headers matched: its rows as (Excel row number, key to raw value)."""

    sheet: Sheet
    rows: list[tuple[int, dict[str, object]]]
    positions: dict[str, int] = field(default_factory=dict)


def header_text(cell: object) -> str:
    return normalize_header(cell).replace("％", "%")


def read_workbook(path: str | os.PathLike, issues: IssueList) -> dict[str, SheetRows]:
    """Return the duty sheets the workbook has, keyed by sheet name."""
    name = os.path.basename(str(path))
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except PasswordError:
        issues.add("", None, "", name, _(
            "The workbook is protected by a password; remove the password in Excel "
            "(File, Info, Protect Workbook) and upload it again."))
        return {}
    except (CalamineError, OSError, ValueError):
        issues.add("", None, "", name, _(
            "The file is not a readable Excel workbook; save it in Excel as "
            "“Excel Workbook (*.xlsx)” and upload it again."))
        return {}

    names = {sheet_name.strip(): sheet_name for sheet_name in workbook.sheet_names}
    known = {spec.name: names[spec.name] for spec in SHEETS if spec.name in names}
    unreadable = report_formulas_without_results(path, known, issues)
    found: dict[str, SheetRows] = {}
    for spec in SHEETS:
        if spec.name not in names or spec.name in unreadable:
            continue
        try:
            rows = workbook.get_sheet_by_name(names[spec.name]).to_python(skip_empty_area=False)
        except CalamineError:
            issues.add(spec.name, None, "", "", _(
                "The sheet “%(sheet)s” cannot be read; open the workbook in Excel, save it "
                "again as “Excel Workbook (*.xlsx)” and upload it again.") % {"sheet": spec.name})
            continue
        data = _read_sheet(spec, rows, issues)
        if data is not None:
            _mark_cells_without_day(path, names[spec.name], data)
            _mark_percent_cells(path, names[spec.name], data)
            found[spec.name] = data
    if not found and not issues:
        issues.add("", None, "", name, _(
            "The workbook has none of the sheets 决策部署, 权责清单, 流程节点 and 任务分解; "
            "download the template to see them."))
    return found


def _read_sheet(spec: Sheet, rows: list[list], issues: IssueList) -> SheetRows | None:
    numbered = iter(enumerate(rows, start=1))
    header_row, header = _first_filled(numbered)
    positions = _map_headers(spec, header_row, header, issues)
    if positions is None:
        return None
    data = []
    for number, row in numbered:
        if not any(_filled(cell) for cell in row):
            continue
        values = {key: row[index] if index < len(row) else "" for key, index in positions.items()}
        data.append((number, values))
    return SheetRows(spec, data, positions)


def _mark_cells_without_day(path: str | os.PathLike, sheet_name: str, data: SheetRows) -> None:
    """Replace the times calamine gives for date cells with the date stored, or a ``NoDay``.

    calamine reads a date cell holding 0, a fraction or a negative number (a
    date before 1900, which LibreOffice can store) as a time of day,
    00:00:00 for all but a fraction. openpyxl reads a negative number as its
    date, so the problem list can show 0001-01-01 rather than 00:00:00.
    """
    keys = [column.key for column in data.sheet.columns
            if column.kind == Kind.DATE and column.key in data.positions]
    cells = [(number, key) for number, values in data.rows for key in keys
             if isinstance(values.get(key), datetime.time)]
    if not cells:
        return
    stored = _stored_values(path, sheet_name, {(number, data.positions[key])
                                               for number, key in cells[:MAX_RECOVERED]})
    values_by_row = dict(data.rows)
    for number, key in cells:
        values = values_by_row[number]
        values[key] = _stored_date(stored.get((number, data.positions[key]), values[key]))


def _mark_percent_cells(path: str | os.PathLike, sheet_name: str, data: SheetRows) -> None:
    """Replace the numbers of percentage-formatted cells in percent columns with ``PercentCell``.

    Such a cell stores 0.5 for the 50% it shows. calamine returns only the
    stored number, so openpyxl rereads the number formats of these cells.
    """
    keys = [column.key for column in data.sheet.columns
            if column.kind == Kind.PERCENT and column.key in data.positions]
    cells = [(number, key) for number, values in data.rows for key in keys
             if _is_number(values.get(key))]
    if not cells:
        return
    stored = _stored_cells(path, sheet_name, {(number, data.positions[key])
                                              for number, key in cells})
    values_by_row = dict(data.rows)
    for number, key in cells:
        cell = stored.get((number, data.positions[key]))
        values = values_by_row[number]
        value = values[key]
        if (cell is not None and is_percent_format(cell.number_format)
                and isinstance(value, int | float)):
            values[key] = PercentCell.from_stored(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _stored_date(value: object) -> object:
    """Return the date openpyxl read, or a ``NoDay`` showing the cell as Excel does."""
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    if isinstance(value, datetime.time):
        display = "1900-01-00" if value == datetime.time(0) else f"1900-01-00 {value.isoformat()}"
        return NoDay(display)
    # openpyxl gives "#VALUE!" for a number below its first date.
    return NoDay("########")


def _stored_values(path: str | os.PathLike, sheet_name: str,
                   cells: set[tuple[int, int]]) -> dict[tuple[int, int], object]:
    """Return the values openpyxl reads for the given (Excel row, column index) cells."""
    return {place: cell.value for place, cell in _stored_cells(path, sheet_name, cells).items()}


def _stored_cells(path: str | os.PathLike, sheet_name: str,
                  cells: set[tuple[int, int]]) -> dict[tuple[int, int], Any]:
    """Return openpyxl's read-only cells for the given (Excel row, column index) cells.

    Returns an empty dict, after logging why, when openpyxl cannot open the file.
    """
    last_row = max(number for number, _index in cells)
    first_column = min(index for _number, index in cells)
    last_column = max(index for _number, index in cells)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        logger.warning("failed to reread cells of sheet %s in %s: %s", sheet_name, path, error)
        return {}
    try:
        # openpyxl warns of each number below its first date; _stored_date reports it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            rows = book[sheet_name].iter_rows(min_row=1, max_row=last_row,
                                              min_col=first_column + 1,
                                              max_col=last_column + 1)
            return {(number, first_column + offset): cell
                    for number, row in enumerate(rows, start=1)
                    for offset, cell in enumerate(row)
                    if (number, first_column + offset) in cells}
    finally:
        book.close()


def _first_filled(rows: Iterator[tuple[int, list]]) -> tuple[int, list]:
    for number, row in rows:
        if any(_filled(cell) for cell in row):
            return number, row
    return 1, []


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


def _map_headers(spec: Sheet, row: int, header: list, issues: IssueList) -> dict[str, int] | None:
    by_header = {column.header: column for column in spec.columns}
    positions: dict[str, int] = {}
    problems = len(issues.items) + issues.more
    for index, cell in enumerate(header):
        text = header_text(cell)
        column = by_header.get(text)
        if column is None:
            continue
        if column.key in positions:
            issues.add(spec.name, row, text, text, _(
                "The header “%(header)s” appears twice; delete one of the two columns."
            ) % {"header": text})
        positions[column.key] = index
    for column in spec.columns:
        if column.required and column.key not in positions:
            issues.add(spec.name, row, column.header, "", _(
                "The header “%(header)s” is missing; add it to row %(row)s of the sheet "
                "(columns may be in any order).") % {"header": column.header, "row": row})
    if len(issues.items) + issues.more > problems:
        return None
    return positions
