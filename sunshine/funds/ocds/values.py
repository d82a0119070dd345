"""Reading OCDS scalar values: amounts, currencies, dates, counts and text.

Publishers differ. Amounts come as JSON numbers, as strings, as a Value
object ``{"amount": ..., "currency": ...}`` or as a bare number. Dates come
with or without a time and zone. A reader records an invalid value as a
problem on the context and returns None, so one run lists every bad value.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.funds.ocds.errors import Location
from sunshine.lib.money import CENT, MAX_TYPED_YUAN

CURRENCY = re.compile(r"^[A-Z]{3}$")
# Thousands separators are accepted only in their unambiguous form (1,234,567.89).
GROUPED_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass
class Context:
    """Problems and counts collected while one release is mapped.

    ``unmapped`` counts, by kind, parts of the data that have no place in our
    models. ``adjusted`` counts values that were stored changed: rounded to
    the fen, cut to the column width, or given an assumed currency.
    """

    location: Location
    problems: list[str] = field(default_factory=list)
    unmapped: Counter = field(default_factory=Counter)
    adjusted: Counter = field(default_factory=Counter)
    default_currency: str = "CNY"

    def fail(self, path: str, message: str) -> None:
        self.problems.append(_("%(where)s: %(problem)s")
                             % {"where": self.location.describe(path), "problem": message})

    def amount(self, raw: Any, path: str, *, signed: bool = False) -> Decimal | None:
        """Read an amount in major units, rounded half up to two places.

        A negative amount is a problem unless ``signed`` allows it.
        """
        number = self._number(raw, path)
        if number is None:
            return None
        if number < 0 and not signed:
            self.fail(path, _("amount “%(value)s” is negative; amounts must be zero or more, "
                              "correct it in the source file") % {"value": raw})
            return None
        # Checked before rounding: quantize() raises InvalidOperation past 28 digits.
        # copy_abs() is exact, where abs() can raise decimal.Overflow.
        if number.copy_abs() > MAX_TYPED_YUAN:
            self.fail(path, _("amount “%(value)s” is larger than %(max)s, the largest amount "
                              "accepted; check the number and its unit in the source file")
                      % {"value": raw, "max": f"{MAX_TYPED_YUAN:,}"})
            return None
        rounded = number.quantize(CENT, rounding=ROUND_HALF_UP)
        if rounded != number:
            self.adjusted["amount_rounded"] += 1
        return rounded

    def value(self, raw: Any, path: str, *, signed: bool = False
              ) -> tuple[Decimal | None, str | None]:
        """Read a Value object or a bare number; return the amount and the currency given."""
        if isinstance(raw, dict):
            amount = self.amount(raw.get("amount"), f"{path}.amount", signed=signed)
            return amount, self.currency(raw.get("currency"), f"{path}.currency")
        return self.amount(raw, path, signed=signed), None

    def money(self, raw: Any, path: str) -> tuple[Decimal | None, str]:
        """Read a Value and fill a missing currency with the process's own one."""
        amount, currency = self.value(raw, path)
        if currency is None:
            if amount is not None:
                self.adjusted["currency_assumed"] += 1
            currency = self.default_currency
        return amount, currency

    def currency(self, raw: Any, path: str) -> str | None:
        if raw is None or raw == "":
            return None
        code = str(raw).strip().upper()
        if not CURRENCY.match(code):
            self.fail(path, _("currency “%(value)s” is not an ISO 4217 code; use three letters "
                              "such as CNY or MXN") % {"value": raw})
            return None
        return code

    def date(self, raw: Any, path: str) -> datetime.date | None:
        """Read an ISO 8601 date or date-time as the calendar date in Asia/Shanghai."""
        if raw is None or raw == "":
            return None
        parsed = parse_datetime(raw)
        if parsed is None:
            self.fail(path, _("date “%(value)s” is not a valid date; write it in ISO 8601, "
                              "for example 2017-04-16 or 2017-04-16T12:00:00Z") % {"value": raw})
        return parsed

    def count(self, raw: Any, path: str) -> int | None:
        if raw is None or raw == "":
            return None
        number = to_decimal(raw)
        if number is None or number < 0 or number != number.to_integral_value():
            self.fail(path, _("“%(value)s” is not a whole number of zero or more; write a count "
                              "such as 3") % {"value": raw})
            return None
        return int(number)

    def text(self, raw: Any, max_length: int | None = None) -> str:
        """Return a scalar as stripped text, cut to the column width; other JSON types give ""."""
        if raw is None or isinstance(raw, dict | list | bool):
            return ""
        text = str(raw).strip()
        if max_length is not None and len(text) > max_length:
            self.adjusted["text_truncated"] += 1
            text = text[:max_length]
        return text

    def _number(self, raw: Any, path: str) -> Decimal | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        number = to_decimal(raw)
        if number is None:
            self.fail(path, _("amount “%(value)s” is not a number; write it as a JSON number "
                              "such as 1200.50") % {"value": raw})
        return number


def width(model: Any, name: str) -> int | None:
    """Return the maximum length of a model's text column."""
    return getattr(model._meta.get_field(name), "max_length", None)


def to_decimal(raw: Any) -> Decimal | None:
    """Return a finite Decimal for a JSON number or numeric string, else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal | int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = raw.strip()
        if GROUPED_NUMBER.match(text):
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def parse_datetime(raw: Any) -> datetime.date | None:
    """Return the Asia/Shanghai calendar date of an ISO 8601 value, or None if invalid.

    A value without a zone is taken as written; a value with a zone is
    converted, so 2016-11-04T21:55:56+02:00 is 2016-11-05 in Shanghai.
    """
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        return moment.date()
    return timezone.localtime(moment, timezone.get_default_timezone()).date()
