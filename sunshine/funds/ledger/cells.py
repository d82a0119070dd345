"""Reading single ledger cell values: amounts, progress, labels and credit codes.

calamine returns numbers as float, date cells as ``datetime.date`` or
``datetime.datetime``, and a number in a cell without a date format as a
float serial day count. Each reader returns the stored value or raises
CellError with a message in the active language.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sunshine.funds.ledger.schema import FUND_SOURCE_LABELS, STATUS_LABELS, YES_NO_LABELS
from sunshine.lib.cells import CellError, read_label, read_text
from sunshine.lib.cells import read_date as read_date  # the validator reads dates from here
from sunshine.lib.identifiers import normalize_credit_code
from sunshine.lib.money import (
    CENT,
    FEN_PER_YUAN,
    MAX_TYPED_YUAN,
    YUAN_PER_WAN,
    MoneyError,
    parse_amount,
    to_fen,
)
from sunshine.lib.number_formats import PercentCell

PROGRESS_MAX = 100
# Floats from 0 up to MAX_TYPED_YUAN take read_amount's fast paths, in the
# column's unit. The rest, including NaN, infinity and amounts over the
# limit, go through parse_amount, which rejects them with its messages.
# Up to the limit, fen fit a double's 53-bit mantissa with room to spare.
FAST_PATH_LIMIT_YUAN = float(MAX_TYPED_YUAN)
FAST_PATH_LIMIT_WAN = float(MAX_TYPED_YUAN / YUAN_PER_WAN)

def read_amount(value: object, *, in_wan: bool) -> int:
    """Return a non-negative amount in integer fen.

    Floats are read to Excel's 15 significant digits, so a cell that Excel
    shows as 0.3 is 0.3 even when a formula stored 0.30000000000000004.
    """
    limit = FAST_PATH_LIMIT_WAN if in_wan else FAST_PATH_LIMIT_YUAN
    if type(value) is float and 0 <= value <= limit:
        if not in_wan:
            # The float is the one Excel stores for a typed amount with at
            # most two decimals exactly when fen / 100 gives it back.
            fen = round(value * FEN_PER_YUAN)
            if fen / FEN_PER_YUAN == value:
                return fen
        amount = Decimal(format(value, ".15g"))
        if in_wan:
            amount *= YUAN_PER_WAN
        if amount == amount.quantize(CENT):
            return int(amount * FEN_PER_YUAN)
    if isinstance(value, bool | datetime.date | datetime.time | datetime.timedelta):
        raise CellError(_("“%(value)s” is not a number; enter digits such as 1200.50")
                        % {"value": value})
    text = format(value, ".15g") if isinstance(value, float) else str(value)
    try:
        amount = parse_amount(text, unit_wan=in_wan)
    except MoneyError as error:
        raise CellError(str(error)) from None
    if amount < 0:
        raise CellError(_("“%(value)s” is negative; amounts must be zero or more")
                        % {"value": text})
    return to_fen(amount)


def read_progress(value: object) -> int:
    """Return physical progress as a whole percent from 0 to 100.

    A ``PercentCell`` is read as the percentage Excel shows; plain numbers and
    text such as 50 or 50% are read as written.
    """
    if isinstance(value, PercentCell):
        return _read_percent_cell(value)
    text = read_text(value).rstrip("%％").strip()
    try:
        number = Decimal(text)
    except ArithmeticError:
        number = None
    if isinstance(value, bool) or number is None or not number.is_finite():
        raise CellError(_("“%(value)s” is not a percentage; enter a whole number from 0 to 100")
                        % {"value": read_text(value)})
    if number != number.to_integral_value() or not 0 <= number <= PROGRESS_MAX:
        raise CellError(_("“%(value)s” is outside 0–100 or not whole; enter a whole number from "
                          "0 to 100") % {"value": read_text(value)})
    return int(number)


def _read_percent_cell(cell: PercentCell) -> int:
    if not 0 <= cell.percent <= PROGRESS_MAX:
        raise cell.outside_range_error()
    if cell.percent != cell.percent.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole percentage. The cell has a percentage "
                          "format, which Excel may show rounded; type a whole percentage such "
                          "as 35%% in the cell") % {"value": cell})
    return int(cell.percent)


def read_status(value: object) -> str:
    return read_label(value, STATUS_LABELS)


def read_fund_source(value: object) -> str:
    return read_label(value, FUND_SOURCE_LABELS)


def read_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return read_label(value, YES_NO_LABELS)


class CreditCodeReader:
    """Validates unified social credit codes, remembering each distinct code.

    A 100,000-row payment sheet repeats a few hundred payees, so the cache
    saves most of the checksum work.
    """

    def __init__(self) -> None:
        self.known: dict[str, str | CellError] = {}

    def __call__(self, value: object) -> str:
        result = self.known.get(value) if type(value) is str else None
        if result is None:
            text = read_text(value)
            try:
                result = normalize_credit_code(text)
            except ValidationError as error:
                result = CellError(error.messages[0])
            if type(value) is str:
                self.known[value] = result
        if isinstance(result, CellError):
            raise result
        return result
