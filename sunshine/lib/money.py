"""Money at the edges: Decimal yuan outside, integer fen inside the database.

SQLite stores NUMERIC as floating point, so a sum over millions of Decimal
rows drifts; integer fen keeps sums exact on every backend.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext as _

FEN_PER_YUAN = 100
YUAN_PER_WAN = 10_000
CENT = Decimal("0.01")
# The largest amount a BIGINT column of fen holds, rounded down to whole yuan.
MAX_YUAN = Decimal(2**63 - 1) // FEN_PER_YUAN
# The largest amount a person may type: one trillion yuan, far above any public project, so a
# larger one is a typing error. Totals of up to about 92,000 such amounts still fit MAX_YUAN,
# where amounts at MAX_YUAN itself overflowed a project's total after two rows.
MAX_TYPED_YUAN = Decimal(10**12)


class MoneyError(ValueError):
    """Raised when a value cannot be read as an amount of money."""


def to_fen(yuan: Decimal | int | str) -> int:
    """Convert yuan to integer fen, rounding half up to the nearest fen."""
    amount = Decimal(yuan).quantize(CENT, rounding=ROUND_HALF_UP)
    return int(amount * FEN_PER_YUAN)


def to_yuan(fen: int | None) -> Decimal | None:
    if fen is None:
        return None
    return (Decimal(int(fen)) / FEN_PER_YUAN).quantize(CENT)


def parse_amount(value: object, *, unit_wan: bool = False) -> Decimal:
    """Read an amount typed by a person or found in a spreadsheet cell.

    Accepts numbers and text with thousands separators or a trailing 元/万元.
    A typed unit overrides ``unit_wan``, which a column headed (万元) sets:
    "100元" there is 100 yuan. Raises MoneyError with a message in the active
    language.
    """
    if isinstance(value, bool) or value is None:
        raise MoneyError(_("amount is empty; enter a number such as 1200.50"))
    if isinstance(value, float):
        text = repr(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    if text.endswith("万元"):
        text, unit_wan = text[:-2], True
    elif text.endswith("元"):
        text, unit_wan = text[:-1], False
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise MoneyError(
            _("“%(value)s” is not a number; enter digits such as 1200.50") % {"value": value}
        ) from None
    if not amount.is_finite():
        raise MoneyError(_("“%(value)s” is not a finite number") % {"value": value})
    # copy_abs() is exact, where abs() rounds in the decimal context and raises
    # decimal.Overflow for an exponent past its limit, such as 1e999999999999999999.
    if amount.copy_abs() > MAX_TYPED_YUAN / (YUAN_PER_WAN if unit_wan else 1):
        raise MoneyError(
            _("“%(value)s” is too large for an amount; check the digits and the unit")
            % {"value": value}
        )
    if unit_wan:
        amount *= YUAN_PER_WAN
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise MoneyError(
            _("“%(value)s” has more than two decimal places in yuan; round it to the fen")
            % {"value": value}
        )
    return amount.quantize(CENT)


class FenField(models.BigIntegerField):
    """A money column stored as integer fen and read back as Decimal yuan."""

    def from_db_value(self, value, expression, connection):
        return to_yuan(value)

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(str(value)).quantize(CENT)

    def get_prep_value(self, value):
        if value is None:
            return None
        return to_fen(value)

    def formfield(self, **kwargs):  # type: ignore[override]
        from django import forms

        kwargs.setdefault("form_class", forms.DecimalField)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("max_digits", 16)
        return models.Field.formfield(self, **kwargs)


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """Return numerator ÷ denominator to four places, or None when the divisor is zero."""
    if not denominator:
        return None
    return (Decimal(numerator or 0) / Decimal(denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )
