"""Reading spreadsheet cell values that every Excel import shares: text, dates, labels.

calamine returns numbers as float, date cells as ``datetime.date`` or
``datetime.datetime``, and a number in a cell without a date format as a
float serial day count. Each reader returns the stored value or raises
CellError with a message in the active language.
"""

import datetime
import re
import unicodedata

from django.utils.translation import gettext as _

# Excel's day 0 for serial dates in the 1900 date system; serials below 61
# fall before Excel's phantom 1900-02-29 and count one day differently.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
FIRST_SERIAL = 61
LAST_SERIAL = 2_958_465  # 9999-12-31

DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


class CellError(ValueError):
    """Raised with the reason a cell value cannot be used."""


def read_text(value: object) -> str:
    """Return the cell as text; whole numbers lose the ".0" calamine gives them."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def read_date(value: object) -> datetime.date:
    if type(value) is datetime.date:
        return value
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _date_from_number(value)
    if isinstance(value, str):
        # NFKC folds full-width digits and dashes, as in ２０２４－０３－０５.
        return _date_from_text(unicodedata.normalize("NFKC", value).strip())
    raise CellError(_("“%(value)s” is not a date; enter it as 2024-03-05") % {"value": value})


def _date_from_number(value: float) -> datetime.date:
    if float(value).is_integer() and 19000101 <= value <= 29991231:
        return _date_from_text(str(int(value)))
    if not FIRST_SERIAL <= value <= LAST_SERIAL:
        raise CellError(_("“%(value)s” is not a date; enter it as 2024-03-05")
                        % {"value": format(value, ".15g")})
    return EXCEL_EPOCH + datetime.timedelta(days=int(value))


def _date_from_text(text: str) -> datetime.date:
    match = DATE_TEXT.fullmatch(text) or COMPACT_DATE.fullmatch(text)
    if match is None:
        raise CellError(_("“%(value)s” is not a date; enter it as 2024-03-05, 2024/3/5 or "
                          "2024年3月5日") % {"value": text})
    year, month, day = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("“%(value)s” is not a real calendar date; check the month and day")
                        % {"value": text}) from None


def read_label(value: object, labels: dict):
    """Return the value that ``labels`` maps the cell's text to."""
    text = read_text(value)
    if text in labels:
        return labels[text]
    raise CellError(_("“%(value)s” is not one of the allowed values: %(allowed)s")
                    % {"value": text, "allowed": "、".join(labels)})
