"""Money at the edges: Decimal yuan outside, integer fen inside the database.

SQLite stores NUMERIC as floating point, so a sum over millions of Decimal
rows drifts; integer fen keeps sums exact on every backend.
"""

import re
import unicodedata
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
# A number as people and spreadsheets write it, in ASCII digits only: Decimal() would
# also take digits of other scripts, such as ١٢٣.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Thousands separators (comma or space) between groups of three digits: 1,200.50 or 1 200.5.
GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:[, ][0-9]{3})+(?:\.[0-9]*)?")
NOT_FINITE = {"nan", "snan", "inf", "infinity"}
# Units a typed amount may end with, longest first, and whether each is 万元.
TYPED_UNITS = (("万元", True), ("万", True), ("元", False))
CURRENCY_SIGNS = ("¥", "￥")


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

    Accepts numbers and text in full-width or ASCII characters, with a
    leading ¥, thousands separators between groups of three digits, and a
    trailing 元, 万元 or 万. A typed unit overrides ``unit_wan``, which a
    column headed (万元) sets: "100元" there is 100 yuan. Raises MoneyError
    with a message in the active language.
    """
    if isinstance(value, bool) or value is None:
        raise MoneyError(_("amount is empty; enter a number such as 1200.50"))
    text = repr(value) if isinstance(value, float) else _typed_text(value)
    for unit, in_wan in TYPED_UNITS:
        if text.endswith(unit):
            text, unit_wan = text[:-len(unit)].strip(), in_wan
            break
    if text.lower().lstrip("+-") in NOT_FINITE:
        raise MoneyError(_("“%(value)s” is not a finite number; enter digits such as 1200.50")
                         % {"value": value})
    if any(separator in text for separator in ", "):
        if not GROUPED.fullmatch(text):
            raise MoneyError(
                _("“%(value)s” has a thousands separator in the wrong place; write the digits "
                  "without separators, such as 1200.50, or in groups of three, such as "
                  "1,200.50") % {"value": value})
        text = text.replace(",", "").replace(" ", "")
    if not NUMBER.fullmatch(text):
        raise MoneyError(
            _("“%(value)s” is not a number; enter digits such as 1200.50") % {"value": value})
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise MoneyError(
            _("“%(value)s” is not a number; enter digits such as 1200.50") % {"value": value}
        ) from None
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


def _typed_text(value: object) -> str:
    """Return typed text in ASCII forms: full-width digits, point and comma folded, ¥ removed."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for sign in CURRENCY_SIGNS:
        text = text.removeprefix(sign).strip()
    return text


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
