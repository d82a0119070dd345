"""The official working-day calendar: weekends, public holidays and make-up working days.

Each year the State Council publishes which days are holidays and which
weekend days are make-up working days (调休). The chinese-calendar package
(1.11.0) carries those notices for 2004-2026 and raises NotImplementedError
for any other year. ``WorkdayOverride`` rows entered by an administrator
win over the package and are the only source for later years. For a year
with neither, the calendar falls back to Monday-Friday, logs a warning once
per year and the system check ``petitions.W001`` names the year, because
that fallback counts holidays as working days.
"""

import datetime
import logging

import chinese_calendar
from django.db import DatabaseError

from sunshine.petitions.models import WorkdayOverride

logger = logging.getLogger(__name__)

ONE_DAY = datetime.timedelta(days=1)
# The longest run of days off in chinese-calendar 1.11.0 (2004-2026) is 10
# days (Spring Festival 2020, extended). A window of twice the working days
# plus this many calendar days therefore holds the result of add_workdays in
# one query; a day past the window is looked up on its own.
SPARE_DAYS = 30

_warned_years: set[int] = set()


def package_covers(year: int) -> bool:
    """Return whether chinese-calendar has the State Council notice for ``year``."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def years_with_overrides(years: list[int]) -> set[int]:
    """Return the years among ``years`` that have at least one override row."""
    found = set()
    for year in years:
        rows = WorkdayOverride.objects.filter(date__year=year)
        try:
            if rows.exists():
                found.add(year)
        except DatabaseError:
            # Before the first migration the table does not exist yet.
            return set()
    return found


class WorkdayCalendar:
    """Working-day answers for a span of dates, reading the overrides once."""

    def __init__(self, first: datetime.date, last: datetime.date) -> None:
        self.first = first
        self.last = last
        self.overrides = dict(
            WorkdayOverride.objects.filter(date__range=(first, last)).values_list(
                "date", "is_workday"
            )
        )

    def is_workday(self, day: datetime.date) -> bool:
        if not self.first <= day <= self.last:
            return WorkdayCalendar(day, day + datetime.timedelta(days=SPARE_DAYS)).is_workday(day)
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return _weekday_fallback(day)


def _weekday_fallback(day: datetime.date) -> bool:
    # A year with override rows has its notice entered: its other days are
    # ordinary weekdays and weekends, so only a year without any is logged.
    if day.year not in _warned_years and not years_with_overrides([day.year]):
        _warned_years.add(day.year)
        logger.warning(
            "no holiday calendar for %s: counting Monday to Friday as working days; "
            "enter the State Council holiday notice as working-day overrides",
            day.year,
        )
    return day.weekday() < 5


def is_workday(day: datetime.date) -> bool:
    return WorkdayCalendar(day, day).is_workday(day)


def add_workdays(start: datetime.date, count: int) -> datetime.date:
    """Return the ``count``-th working day after ``start``; ``start`` itself is not counted.

    Make-up working days count, holidays and ordinary weekends do not.
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    calendar = WorkdayCalendar(start, start + datetime.timedelta(days=2 * count + SPARE_DAYS))
    day = start
    remaining = count
    while remaining:
        day += ONE_DAY
        if calendar.is_workday(day):
            remaining -= 1
    return day


def add_days(start: datetime.date, count: int) -> datetime.date:
    """Return the last day of a period of ``count`` calendar days that starts after ``start``.

    Civil Code art. 201: a period counted in days does not include the day
    of the event and starts on the next day, so 15 days from 1 March end on
    16 March. Whether an end on a rest day moves is decided by the caller
    (see ``next_workday`` and Civil Code art. 203).
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    return start + datetime.timedelta(days=count)


def next_workday(day: datetime.date) -> datetime.date:
    """Return ``day`` when it is a working day, else the first working day after it."""
    calendar = WorkdayCalendar(day, day + datetime.timedelta(days=SPARE_DAYS))
    while not calendar.is_workday(day):
        day += ONE_DAY
    return day
