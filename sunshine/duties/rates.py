"""The execution rate (执行率): tasks done on time ÷ tasks due, per unit, region and period.

For a period from ``start`` to ``end``, looked at on ``today``, let
``as_of`` be the earlier of ``end`` and ``today``. Cancelled tasks never count.

- Due: a task whose deadline is from ``start`` to ``as_of``, or an open
  overdue task carried in, whose deadline is before ``start`` and which was
  not completed before ``start``. A carried task counts as due in every
  period until it is completed, and can never count as done on time.
- Done on time: a due task whose deadline is in the period and whose
  completion date is on or before its deadline.

Every task counts once for its lead unit, sub-tasks included. The counts
are queryset aggregates; ``due_condition`` and ``done_condition`` are the
filters the lists behind each number use, so numbers and lists agree.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr

from sunshine.duties.models import Task, TaskQuerySet
from sunshine.duties.periods import Period
from sunshine.lib.money import ratio
from sunshine.organisation.models import Region, Unit


@dataclass(frozen=True)
class Counts:
    due: int = 0
    done_on_time: int = 0

    @property
    def execution_rate(self) -> Decimal | None:
        """done_on_time ÷ due to four places, or None when nothing was due."""
        return ratio(Decimal(self.done_on_time), Decimal(self.due))

    @property
    def not_done(self) -> int:
        return self.due - self.done_on_time


def as_of(period: Period, today: datetime.date) -> datetime.date:
    return min(period.end, today)


def due_condition(period: Period, today: datetime.date) -> Q:
    last = as_of(period, today)
    if last < period.start:
        return Q(pk__in=[])
    in_period = Q(deadline__gte=period.start, deadline__lte=last)
    carried = Q(deadline__lt=period.start) & (
        Q(completed_on__isnull=True) | Q(completed_on__gte=period.start))
    return Q(cancelled_on__isnull=True) & (in_period | carried)


def done_condition(period: Period, today: datetime.date) -> Q:
    return (due_condition(period, today) & Q(deadline__gte=period.start)
            & Q(completed_on__lte=F("deadline")))


def counts(tasks: TaskQuerySet, period: Period, today: datetime.date) -> Counts:
    """Aggregate the due and done-on-time tasks of a (scoped) queryset in one query."""
    totals = tasks.aggregate(
        due=Count("pk", filter=due_condition(period, today)),
        done_on_time=Count("pk", filter=done_condition(period, today)),
    )
    return Counts(totals["due"], totals["done_on_time"])


@dataclass(frozen=True)
class Row:
    """One line of the drill-down: a region below the current one, or a unit in it."""

    counts: Counts
    region: Region | None = None
    unit: Unit | None = None

    @property
    def name(self) -> str:
        return self.region.name if self.region else str(self.unit)


def by_child_region(tasks: TaskQuerySet, region: Region, period: Period,
                    today: datetime.date) -> list[Row]:
    """Return the counts of each region directly below ``region``, in one grouped query.

    Codes of one level have one length (county 6, township 9, village 12
    digits), so the first characters of a lead unit's region path name the
    child region that contains it.
    """
    children = list(region.children.current().order_by("code"))
    if not children:
        return []
    length = len(region.path) + len(children[0].code) + 1
    grouped = (
        tasks.in_region(region).exclude(lead_unit__region=region)
        .annotate(branch=Substr("lead_unit__region__path", 1, length))
        .order_by().values("branch")
        .annotate(due=Count("pk", filter=due_condition(period, today)),
                  done_on_time=Count("pk", filter=done_condition(period, today)))
    )
    found = {row["branch"]: Counts(row["due"], row["done_on_time"]) for row in grouped}
    return [Row(found.get(child.path, Counts()), region=child) for child in children]


def by_unit(tasks: TaskQuerySet, region: Region, period: Period, today: datetime.date) -> list[Row]:
    """Return the counts of each unit placed in ``region`` itself (not below it)."""
    grouped = (
        tasks.filter(lead_unit__region=region).order_by().values("lead_unit")
        .annotate(due=Count("pk", filter=due_condition(period, today)),
                  done_on_time=Count("pk", filter=done_condition(period, today)))
    )
    found = {row["lead_unit"]: Counts(row["due"], row["done_on_time"]) for row in grouped}
    units = Unit.objects.filter(pk__in=found).order_by("name")
    return [Row(found[unit.pk], unit=unit) for unit in units]


def tasks_behind(tasks: QuerySet, period: Period, today: datetime.date, measure: str
                 ) -> QuerySet:
    """Return the tasks a number counts: ``measure`` is "due" or "done_on_time"."""
    if measure == "done_on_time":
        return tasks.filter(done_condition(period, today))
    return tasks.filter(due_condition(period, today))


def execution_rate(tasks: TaskQuerySet, period: Period, today: datetime.date) -> Decimal | None:
    return counts(tasks, period, today).execution_rate


def for_unit(unit: Unit, period: Period, today: datetime.date) -> Counts:
    """Counts of the tasks led by ``unit`` itself, for callers such as assessment scores."""
    return counts(Task.objects.filter(lead_unit=unit), period, today)
