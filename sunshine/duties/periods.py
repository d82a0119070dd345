"""Reporting periods: a year, a quarter or a month, written as 2024, 2024Q1 or 2024-03."""

import calendar
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

QUARTER_TEXT = re.compile(r"(\d{4})\s*[Qq]\s*([1-4])")
MONTH_TEXT = re.compile(r"(\d{4})-(\d{1,2})")
YEAR_TEXT = re.compile(r"\d{4}")
MONTHS_PER_QUARTER = 3
# The earliest year a period may name. The platform contains records only of the
# years it is in use, so an earlier year is a typing slip: 0001Q1 gave the key "1Q1".
FIRST_YEAR = 2000
# The last year a Python date can represent, used as the default upper bound.
LAST_YEAR = datetime.MAXYEAR


@dataclass(frozen=True)
class Period:
    """A span of days from ``start`` to ``end``, both included, with its short key."""

    key: str
    start: datetime.date
    end: datetime.date

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if "Q" in self.key:
            year, quarter = self.key.split("Q")
            return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}
        if "-" in self.key:
            year, month = self.key.split("-")
            return _("%(month)s/%(year)s") % {"month": int(month), "year": year}
        return self.key

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def quarter(year: int, number: int) -> Period:
    first_month = (number - 1) * MONTHS_PER_QUARTER + 1
    last_month = first_month + MONTHS_PER_QUARTER - 1
    last_day = calendar.monthrange(year, last_month)[1]
    return Period(f"{year}Q{number}", datetime.date(year, first_month, 1),
                  datetime.date(year, last_month, last_day))


def quarter_of(day: datetime.date) -> Period:
    return quarter(day.year, (day.month - 1) // MONTHS_PER_QUARTER + 1)


def month(year: int, number: int) -> Period:
    last_day = calendar.monthrange(year, number)[1]
    return Period(f"{year}-{number:02d}", datetime.date(year, number, 1),
                  datetime.date(year, number, last_day))


def year(number: int) -> Period:
    return Period(str(number), datetime.date(number, 1, 1), datetime.date(number, 12, 31))


def parse_period(text: str, *, last_year: int = LAST_YEAR) -> Period:
    """Read 2024, 2024Q1 or 2024-03 of a year from FIRST_YEAR to ``last_year``.

    Raise ValidationError naming the value otherwise.
    """
    value = (text or "").strip()
    make = period_maker(value)
    if make is None:
        raise ValidationError(
            _("“%(value)s” is not a period; write a year (2024), a quarter (2024Q1) or a month "
              "(2024-03)") % {"value": value},
            code="invalid_period",
        )
    # Every accepted form starts with the four digits of the year.
    if not FIRST_YEAR <= int(value[:4]) <= last_year:
        raise ValidationError(
            _("“%(value)s” is outside the years %(first)s to %(last)s; write a year (2024), a "
              "quarter (2024Q1) or a month (2024-03) within them")
            % {"value": value, "first": FIRST_YEAR, "last": last_year},
            code="period_out_of_range",
        )
    return make()


def period_maker(value: str) -> Callable[[], Period] | None:
    """Return a function that builds the period written as ``value``, or None for other text.

    The period is built only after its year is checked: year 0 is no date.
    """
    match = QUARTER_TEXT.fullmatch(value)
    if match:
        return partial(quarter, int(match[1]), int(match[2]))
    match = MONTH_TEXT.fullmatch(value)
    if match and 1 <= int(match[2]) <= 12:
        return partial(month, int(match[1]), int(match[2]))
    if YEAR_TEXT.fullmatch(value):
        return partial(year, int(value))
    return None


def recent_quarters(today: datetime.date, count: int = 8) -> list[Period]:
    """Return the quarter of ``today`` and the ones before it, newest first."""
    current = quarter_of(today)
    periods = [current]
    while len(periods) < count:
        before = periods[-1].start - datetime.timedelta(days=1)
        periods.append(quarter_of(before))
    return periods
