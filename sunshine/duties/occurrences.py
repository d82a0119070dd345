"""The tasks of a monthly, quarterly or yearly duty: one per period, planned from the duty alone.

A recurring duty of a duty list (责任清单), such as a monthly safety
inspection, is due once in every period, and each period's occurrence is
assessed on its own. Each occurrence is an ordinary ``Task`` led by the
duty's executing unit, named after the period and the duty
("2026年12月 安全生产检查"), starting at the later of the period's start and
the duty's start and due on the period's last day. Neither the
specification nor the rules the platform follows set a grace period after
the period ends, so the last day it is.

Where occurrences sit in the task tree: under one directive per duty and
calendar year ("权责清单〔2026〕123号", 123 being the duty's id), as
top-level tasks. The weights of a directive's top-level tasks must sum to
100%, and a duty recurs without end, so no fixed set of top-level tasks
can contain all its occurrences. A year, though, contains a known number
of periods. Each occurrence weighs its share of the year (25% a quarter, 100%
a year, 8.34% for January to April and 8.33% for the other months), so a
whole year sums to exactly 100% and a year the duty started late sums to
less, which the weight rule allows. The duty's own directive, when it has
one, keeps its tree and the weights its authors chose: occurrences added
there would push its top-level weights past 100%. The rectification task
of a failed spot check gets a directive of its own for the same reason.

The actions create the occurrences up to the horizon when a duty is
created, changed or imported, so a new or changed duty needs no job to
run. Later periods do: the daily ``extend_duty_tasks`` command moves the
horizon forward, and the system check ``duties.W001`` warns before the
horizon is reached.
"""

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from sunshine.duties.models import Cycle, Duty
from sunshine.duties.periods import Period, month, parse_period, quarter_of, year
from sunshine.rules.values import get_setting

PLAN_AHEAD_DAYS = "duties.plan_ahead_days"
WARNING_DAYS = "duties.horizon_warning_days"
PERIODS_PER_YEAR = {Cycle.MONTHLY: 12, Cycle.QUARTERLY: 4, Cycle.YEARLY: 1}
HUNDREDTHS = 10000
NAME_LENGTH = 300
PERIOD_KEY = re.compile(r"\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))?")


def is_recurring(cycle: str) -> bool:
    return cycle in PERIODS_PER_YEAR


def is_period_key(text: str) -> bool:
    """Tell whether ``text`` is a period key as occurrences use it: 2026-03, 2026Q1 or 2026."""
    return bool(PERIOD_KEY.fullmatch(text or ""))


def period_of(cycle: str, day: datetime.date) -> Period:
    """Return the month, quarter or year of ``cycle`` that contains ``day``."""
    if cycle == Cycle.MONTHLY:
        return month(day.year, day.month)
    if cycle == Cycle.QUARTERLY:
        return quarter_of(day)
    return year(day.year)


def periods_between(cycle: str, first: datetime.date, last: datetime.date) -> list[Period]:
    """Return the periods of ``cycle`` from the one containing ``first`` to the one containing ``last``."""
    periods: list[Period] = []
    day = first
    while day <= last:
        period = period_of(cycle, day)
        periods.append(period)
        day = period.end + datetime.timedelta(days=1)
    return periods


def number_in_year(period: Period) -> int:
    """1 for January, the first quarter or a year; 12 for December."""
    if "Q" in period.key:
        return int(period.key.split("Q")[1])
    if "-" in period.key:
        return int(period.key.split("-")[1])
    return 1


def weight_of(cycle: str, period: Period) -> Decimal:
    """Return the occurrence's share of its year, in hundredths of a percent that sum to 100 over the year."""
    count = PERIODS_PER_YEAR[Cycle(cycle)]
    base, extra = divmod(HUNDREDTHS, count)
    hundredths = base + (1 if number_in_year(period) <= extra else 0)
    return Decimal(hundredths) / 100


def start_of(duty: Duty, today: datetime.date) -> datetime.date:
    """Return the day a duty is due from: the day it was entered, or its directive's date if later.

    Periods that ended before the duty was entered are not owed: a duty added
    in December to a list whose directive dates from January gets its
    December task, not eleven overdue ones.
    """
    entered = duty.created_on or today
    if duty.directive_id is not None and duty.directive is not None:
        return max(duty.directive.issued_on, entered)
    return entered


def horizon(duty: Duty, today: datetime.date) -> datetime.date:
    """Return the last day a period may start on and still get its occurrence now."""
    days = get_setting(PLAN_AHEAD_DAYS, region=duty.unit.region, on=today)
    return today + datetime.timedelta(days=days)


def planned_periods(duty: Duty, today: datetime.date,
                    taken: Iterable[str]) -> list[tuple[Period, datetime.date]]:
    """Return the periods of a recurring duty that still lack an occurrence, with their starts.

    ``taken`` contains the period keys of the duty's occurrences that are not
    cancelled. A period is skipped when an occurrence has its key, or when
    occurrences of another cycle cover all of it. After a change of cycle
    the old cycle's tasks up to the current period stay, so the new cycle's
    period that contains them starts on the first day they leave free. For
    example, a monthly duty made yearly in June gets a 2027 task from 1 July. No day is
    owed twice and none is left out.
    """
    if not is_recurring(duty.cycle):
        return []
    active = sorted((parse_period(key) for key in taken), key=lambda period: period.start)
    keys = {period.key for period in active}
    first_day = start_of(duty, today)
    planned = []
    for period in periods_between(duty.cycle, first_day, horizon(duty, today)):
        if period.key in keys:
            continue
        start = first_free_day(period, active)
        if start is not None:
            planned.append((period, min(max(start, first_day), period.end)))
    return planned


def first_free_day(period: Period, active: list[Period]) -> datetime.date | None:
    """Return the first day of ``period`` that no period in ``active`` covers, or None."""
    day = period.start
    for other in active:
        if other.start <= day <= other.end:
            day = other.end + datetime.timedelta(days=1)
    return day if day <= period.end else None


def period_label(period: Period) -> str:
    if "Q" in period.key or "-" in period.key:
        return period.label
    return _("year %(year)s") % {"year": period.key}


def occurrence_name(duty: Duty, period: Period) -> str:
    """Return the task name in the site's language, as stored data: 2026年第4季度 安全生产检查."""
    with translation.override(settings.LANGUAGE_CODE):
        name = _("%(duty)s, %(period)s") % {"duty": duty.name, "period": period_label(period)}
    return name[:NAME_LENGTH]


def directive_fields(duty: Duty, year_number: int, today: datetime.date) -> dict:
    """Return the field values of the directive that contains a duty's occurrences of one year."""
    with translation.override(settings.LANGUAGE_CODE):
        number = _("Duty list %(year)s No. %(duty)s") % {"year": year_number, "duty": duty.pk}
        title = _("Recurring duty %(duty)s, %(year)s") % {"duty": duty.name, "year": year_number}
    issued = max(datetime.date(year_number, 1, 1), min(start_of(duty, today),
                                                        datetime.date(year_number, 12, 31)))
    return {"document_number": number, "title": title[:300], "issuer": str(duty.unit)[:200],
            "issued_on": issued, "region": duty.unit.region, "unit": duty.unit,
            "description": duty.basis, "generated_for": duty}


def is_generated_number(number: str) -> bool:
    """Tell whether a document number has the form of a recurring duty's directive."""
    with translation.override(settings.LANGUAGE_CODE):
        pattern = _("Duty list %(year)s No. %(duty)s") % {"year": "\0", "duty": "\0"}
    prefix = pattern.split("\0")[0]
    return bool(prefix) and (number or "").strip().startswith(prefix)


def covered_until(period_keys: Iterable[str]) -> datetime.date | None:
    """Return the last day the given occurrences cover, or None without any."""
    ends = [parse_period(key).end for key in period_keys]
    return max(ends) if ends else None

