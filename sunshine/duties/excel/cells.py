"""Reading one row of a duty sheet into Python values, collecting every problem.

The text, date and label readers are the ones the project ledger uses
(``sunshine.lib.cells``), so both imports accept the same date forms and
word their errors alike.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from sunshine.duties import formats
from sunshine.duties.excel.schema import Column, Kind, Sheet
from sunshine.funds.ledger.errors import IssueList
from sunshine.funds.ledger.schema import YES_NO_LABELS
from sunshine.lib.cells import CellError, read_date, read_label, read_text
from sunshine.lib.number_formats import PercentCell

MAX_NUMBER = 32767
PERCENT_MAX = Decimal("100")
# A sanity bound for the dates of a duty list, not a rule: the present governments
# date from 1 October 1949, and 2100 is far beyond any plan. A date outside it is a
# typing slip, such as 0001-01-01 or 9999-12-31.
FIRST_DATE = datetime.date(1949, 10, 1)
LAST_DATE = datetime.date(2100, 12, 31)
# Excel's first date; it cannot store an earlier one and shows ######## instead.
EXCEL_FIRST_DATE = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class NoDay:
    """A date cell whose number is no day: 0, a fraction, or too far before 1900 for a date.

    ``display`` is what Excel shows in a date format: 1900-01-00 for 0 or a
    fraction, ######## for a number below any date.
    """

    display: str

    def __str__(self) -> str:
        return self.display


def read_percent(value: object) -> Decimal:
    """Read a percentage from 0 to 100: 50, 50%, 33.33, or a ``PercentCell``."""
    text = str(value) if isinstance(value, PercentCell) else read_text(value)
    number = formats.parse_percent(text)
    if 0 <= number <= PERCENT_MAX:
        return number
    if isinstance(value, PercentCell):
        raise value.outside_range_error()
    raise CellError(_("“%(value)s” is outside 0–100; enter a percentage from 0 to 100, such as "
                      "50 or 50%%") % {"value": text})


def read_number(value: object) -> int:
    text = read_text(value)
    if not text.isdigit() or int(text) > MAX_NUMBER:
        raise CellError(_("“%(value)s” is not a whole number; enter digits such as 3")
                        % {"value": text})
    return int(text)


def read_duty_date(value: object) -> datetime.date:
    """Read a date cell of a duty sheet; raise CellError for a cell without a day or out of range."""
    if isinstance(value, NoDay):
        raise CellError(_("“%(value)s” is not a date: the cell contains 0, a time of day or a "
                          "number far before 1900; enter the date, such as 2024-03-05")
                        % {"value": value})
    day = read_date(value)
    typed = read_text(value) if isinstance(value, str) else day.isoformat()
    if day < EXCEL_FIRST_DATE:
        raise CellError(_("“%(value)s” is before 1900, so Excel cannot store it as a date and "
                          "shows ######## in its place; enter the real date, such as 2024-03-05")
                        % {"value": typed})
    if not FIRST_DATE <= day <= LAST_DATE:
        raise CellError(_("“%(value)s” is outside %(first)s to %(last)s, the dates a duty list "
                          "may hold; enter the real date, such as 2024-03-05")
                        % {"value": typed, "first": FIRST_DATE.isoformat(),
                           "last": LAST_DATE.isoformat()})
    return day


def read_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return read_label(value, YES_NO_LABELS)


READERS: dict[str, Callable[[object], Any]] = {
    Kind.TEXT: read_text,
    Kind.DATE: read_duty_date,
    Kind.PERCENT: read_percent,
    Kind.NUMBER: read_number,
    Kind.YES_NO: read_yes_no,
    Kind.CYCLE: lambda value: read_label(value, formats.CYCLE_LABELS),
}


def read_row(sheet: Sheet, number: int, values: dict[str, object],
             issues: IssueList) -> dict[str, Any] | None:
    """Return the row's values by column key, or None after adding its problems to ``issues``."""
    parsed: dict[str, Any] = {}
    ok = True
    for column in sheet.columns:
        raw = values.get(column.key, "")
        try:
            parsed[column.key] = read_cell(column, raw)
        except CellError as error:
            issues.add(sheet.name, number, column.header, raw, str(error))
            ok = False
    return parsed if ok else None


def read_cell(column: Column, raw: object) -> Any:
    empty = read_text(raw) == "" if not isinstance(raw, bool) else False
    if empty:
        if column.required:
            raise CellError(_("The %(column)s is missing; fill in this cell")
                            % {"column": column.header})
        return None if column.kind != Kind.TEXT else ""
    value = READERS[column.kind](raw)
    if column.max_length and isinstance(value, str) and len(value) > column.max_length:
        raise CellError(_("The text has %(length)s characters; shorten it to at most "
                          "%(max)s") % {"length": len(value), "max": column.max_length})
    return value
