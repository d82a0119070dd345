"""The official working-day calendar: weekends, public holidays and make-up working days.

Each year the State Council publishes which days are holidays and which
weekend days are make-up working days (调休). The chinese-calendar package
(1.11.0) carries those notices for 2004-2026 and raises NotImplementedError
for any other year. ``WorkdayOverride`` rows entered by an administrator
win over the package and are the only source for later years. For a year
with neither, the calendar falls back to Monday-Friday, logs a warning once
per year and the system check ``petitions.W001`` names the year, because
that fallback counts holidays as working days.

Every deadline computation reads the overrides, so each process keeps them
all (a few dozen rows a year) through ``sunshine.lib.table_copy``. Every
write to an override goes through the audit layer, so the row count and
the highest audit entry id change with it.
"""

import datetime
import logging

import chinese_calendar
from django.db import DatabaseError
from django.db.models import Count, Max

from sunshine.lib.table_copy import TableCopy
from sunshine.petitions.models import WorkdayOverride

logger = logging.getLogger(__name__)

ONE_DAY = datetime.timedelta(days=1)

_warned_years: set[int] = set()


def package_covers(year: int) -> bool:
    """Return whether chinese-calendar has the State Council notice for ``year``."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _load_overrides() -> dict[datetime.date, bool]:
    return dict(WorkdayOverride.objects.values_list("date", "is_workday"))


def _generation() -> tuple:
    return tuple(WorkdayOverride.objects.aggregate(
        count=Count("id"), last=Max("audit_entry_id")).values())


_overrides: TableCopy[dict[datetime.date, bool]] = TableCopy(_load_overrides, _generation)


def overrides_changed() -> None:
    """Note a write to the overrides by this thread (see ``TableCopy.written``)."""
    _overrides.written()


def years_with_overrides(years: list[int]) -> set[int]:
    """Return the years among ``years`` that have at least one override row."""
    try:
        covered = {day.year for day in _overrides.get()}
    except DatabaseError:
        # Before the first migration the table does not exist yet.
        return set()
    return covered & set(years)


class WorkdayCalendar:
    """Working-day answers from the kept overrides, then the package, then Monday-Friday."""

    def __init__(self) -> None:
        self.overrides = _overrides.get()

    def is_workday(self, day: datetime.date) -> bool:
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
    return WorkdayCalendar().is_workday(day)


def add_workdays(start: datetime.date, count: int) -> datetime.date:
    """Return the ``count``-th working day after ``start``; ``start`` itself is not counted.

    Make-up working days count, holidays and ordinary weekends do not.
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    calendar = WorkdayCalendar()
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
    calendar = WorkdayCalendar()
    while not calendar.is_workday(day):
        day += ONE_DAY
    return day
