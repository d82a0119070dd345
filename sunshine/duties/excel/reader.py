"""Opening a duty workbook with python-calamine and reading its rows by header name.

Problems are added to an ``IssueList`` (the ledger's), located by sheet,
Excel row number, column header and value, so the import reports them all
at once.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from sunshine.duties.excel.schema import SHEETS, Sheet
from sunshine.funds.ledger.errors import IssueList
from sunshine.funds.ledger.schema import normalize_header


@dataclass
class SheetRows:
    """A sheet whose headers matched: its rows as (Excel row number, key to raw value)."""

    sheet: Sheet
    rows: list[tuple[int, dict[str, object]]]


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
    found: dict[str, SheetRows] = {}
    for spec in SHEETS:
        if spec.name not in names:
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
    return SheetRows(spec, data)


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
