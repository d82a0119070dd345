"""Petition figures by region and unit: processing rate, backlog by age, satisfaction, repeats.

Every figure is an SQL aggregate over a petition queryset the caller has
already narrowed (``visibility.visible_petitions`` for staff, every
petition for the public statistics), never a loop over rows. The
conditions behind the counts also select the petitions listed behind each
number, so a number and its list always agree. The ``DEFINITIONS`` are
shown on the pages word for word; a change to a rule here must change
its text too.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sunshine.lib.money import ratio
from sunshine.organisation.models import Level, Region, Unit
from sunshine.petitions.models import (
    BACKLOG,
    HANDLED_IN_TIME,
    Rating,
    Reply,
    due_for_handling_condition,
)
from sunshine.rules.values import get_setting

AGE_BUCKETS = "petitions.backlog_age_buckets"
RATING_POINTS = "petitions.rating_points"
PERIOD_MONTHS = "petitions.figures_period_months"
# Length of the statistical code of a region's children.
CHILD_CODE_LENGTH: dict[str, int] = {Level.CITY: 6, Level.COUNTY: 9, Level.TOWNSHIP: 12}


@dataclass(frozen=True)
class Definition:
    label: str | Promise
    text: str | Promise


DEFINITIONS = {
    "processing_rate": Definition(
        _("Processing rate"),
        _("Petitions handled by their handling deadline ÷ petitions due for handling. A "
          "petition is due when its handling deadline (after any approved extension) lies in "
          "the period and has passed, or when it was handled; an open petition whose deadline "
          "has passed counts as due and not handled in time. Handling ends with the written "
          "reply to a suggestion or request, or with the closing of a report. Petitions not "
          "accepted, referred elsewhere or not yet accepted have no handling deadline and are "
          "not counted."),
    ),
    "open_overdue": Definition(
        _("Overdue, still open"),
        _("Petitions due for handling in the period whose deadline has passed without a "
          "reply or closing."),
    ),
    "handled_late": Definition(
        _("Handled late"),
        _("Petitions due for handling in the period that were handled after their deadline."),
    ),
    "backlog": Definition(
        _("Backlog"),
        _("Petitions waiting today for a step by staff (received, being handled, under review "
          "or re-review), and closed reports that still owe the reporter feedback, whatever "
          "the period. They are grouped by calendar days since receipt (setting "
          "petitions.backlog_age_buckets)."),
    ),
    "satisfaction": Definition(
        _("Satisfaction"),
        _("Written answers the reporter rated in the period: the share rated satisfied (a "
          "score of 4 or 5), and the average score from 1 (very dissatisfied) to 5 (very "
          "satisfied). An answer rated only on three levels counts satisfied 5, partly "
          "satisfied 3 and dissatisfied 1 (setting petitions.rating_points). Each rated answer "
          "counts once, so a petition with a reply and a review opinion can count twice."),
    ),
    "repeat_rate": Definition(
        _("Repeat rate"),
        _("Petitions received in the period that were linked as a repeat of an earlier "
          "petition on the same matter (same phone, category and target) ÷ petitions "
          "received in the period."),
    ),
}


@dataclass(frozen=True)
class Period:
    """The days ``first`` to ``last`` inclusive, with deadlines judged on ``today``."""

    first: datetime.date
    last: datetime.date
    today: datetime.date

    def rated_bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Return the aware datetimes from the period's first midnight to the midnight after it."""
        start = datetime.datetime.combine(self.first, datetime.time.min)
        end = datetime.datetime.combine(self.last + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(start), timezone.make_aware(end)


def months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for last_day in (31, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(f"no day {day.day} in {year}-{month + 1}")


def default_period(today: datetime.date | None = None) -> Period:
    """Return the months up to today that the setting petitions.figures_period_months names."""
    today = today or timezone.localdate()
    months = get_setting(PERIOD_MONTHS, on=today)
    first = months_before(today, months) + datetime.timedelta(days=1)
    return Period(first, today, today)


@dataclass(frozen=True)
class AgeBucket:
    key: str
    low: int
    high: int | None

    @property
    def label(self) -> str:
        if self.high is None:
            return f"> {self.low - 1}"
        return f"{self.low}–{self.high}"


def age_buckets(today: datetime.date) -> list[AgeBucket]:
    """Return the backlog age groups of the setting, e.g. 0–15, 16–30, 31–60 and > 60 days."""
    edges = sorted(int(edge) for edge in get_setting(AGE_BUCKETS, on=today))
    buckets, low = [], 0
    for number, high in enumerate(edges):
        buckets.append(AgeBucket(f"age_{number}", low, high))
        low = high + 1
    buckets.append(AgeBucket(f"age_{len(edges)}", low, None))
    return buckets


class Conditions:
    """The filter behind each count, for one period."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.buckets = age_buckets(period.today)
        received = Q(received_on__range=(period.first, period.last))
        due = due_for_handling_condition(period.today, first=period.first, last=period.last)
        # Q objects, and Exists for the counts that look at rated answers.
        self.filters: dict[str, Any] = {
            "received": received,
            "due": due,
            "handled_in_time": due & HANDLED_IN_TIME,
            "handled_late": due & Q(handled_on__gt=F("handle_due")),
            "open_overdue": due & Q(handled_on__isnull=True),
            "backlog": BACKLOG,
            "repeats": received & Q(repeat_of__isnull=False),
            "rated": Exists(self.rated_replies().filter(petition=OuterRef("pk"))),
            "satisfied": Exists(self.rated_replies().filter(petition=OuterRef("pk"),
                                                            rating=Rating.SATISFIED)),
        }
        for bucket in self.buckets:
            self.filters[bucket.key] = BACKLOG & self._age(bucket)

    def _age(self, bucket: AgeBucket) -> Q:
        today = self.period.today
        condition = Q(received_on__lte=today - datetime.timedelta(days=bucket.low))
        if bucket.high is not None:
            condition &= Q(received_on__gte=today - datetime.timedelta(days=bucket.high))
        return condition

    def rated_condition(self, prefix: str = "") -> Q:
        start, end = self.period.rated_bounds()
        return Q(**{f"{prefix}rated_at__gte": start, f"{prefix}rated_at__lt": end}) & ~Q(
            **{f"{prefix}rating": ""})

    def rated_replies(self) -> QuerySet:
        return Reply.objects.filter(self.rated_condition())

    def petition_aggregates(self) -> dict:
        names = [name for name in self.filters if name not in ("rated", "satisfied")]
        return {name: Count("pk", filter=self.filters[name]) for name in names}

    def reply_aggregates(self) -> dict:
        rated = self.rated_condition()
        points = get_setting(RATING_POINTS, on=self.period.today)
        by_rating = (When(rating=rating, then=Value(int(points.get(rating, 0))))
                     for rating in Rating.values)
        score = Case(When(score__isnull=False, then=F("score")), *by_rating, default=Value(0),
                     output_field=IntegerField())
        return {
            "rated": Count("pk", filter=rated),
            "satisfied": Count("pk", filter=rated & Q(rating=Rating.SATISFIED)),
            "rating_points": Sum(score, filter=rated),
        }


@dataclass(frozen=True)
class PetitionFigures:
    """Counts of one set of petitions; rates are None when their divisor is zero."""

    received: int = 0
    due: int = 0
    handled_in_time: int = 0
    handled_late: int = 0
    open_overdue: int = 0
    backlog: int = 0
    repeats: int = 0
    ages: tuple[int, ...] = ()
    rated: int = 0
    satisfied: int = 0
    rating_points: int = 0

    @property
    def processing_rate(self) -> Decimal | None:
        return ratio(Decimal(self.handled_in_time), Decimal(self.due))

    @property
    def satisfaction_share(self) -> Decimal | None:
        return ratio(Decimal(self.satisfied), Decimal(self.rated))

    @property
    def average_rating(self) -> Decimal | None:
        average = ratio(Decimal(self.rating_points), Decimal(self.rated))
        return average.quantize(Decimal("0.01")) if average is not None else None

    @property
    def repeat_rate(self) -> Decimal | None:
        return ratio(Decimal(self.repeats), Decimal(self.received))


def figures_from(conditions: Conditions, counts: dict, ratings: dict | None) -> PetitionFigures:
    ratings = ratings or {}
    return PetitionFigures(
        received=counts["received"], due=counts["due"],
        handled_in_time=counts["handled_in_time"], handled_late=counts["handled_late"],
        open_overdue=counts["open_overdue"], backlog=counts["backlog"],
        repeats=counts["repeats"],
        ages=tuple(counts[bucket.key] for bucket in conditions.buckets),
        rated=ratings.get("rated") or 0, satisfied=ratings.get("satisfied") or 0,
        rating_points=ratings.get("rating_points") or 0,
    )


def summary(petitions: QuerySet, conditions: Conditions) -> PetitionFigures:
    """Aggregate a petition queryset in two queries: one over petitions, one over rated answers."""
    counts = petitions.aggregate(**conditions.petition_aggregates())
    ratings = Reply.objects.filter(petition__in=petitions).aggregate(**conditions.reply_aggregates())
    return figures_from(conditions, counts, ratings)


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: a child region or a unit; ``key`` is its code or id."""

    key: str
    label: str
    region: Region | None = None
    unit: Unit | None = None
    figures: PetitionFigures = field(default_factory=PetitionFigures)


def _grouped(petitions: QuerySet, conditions: Conditions, petition_key, reply_key) -> tuple[dict, dict]:
    counts = (petitions.annotate(group=petition_key).values("group")
              .annotate(**conditions.petition_aggregates()).order_by("group"))
    ratings = (Reply.objects.filter(petition__in=petitions).annotate(group=reply_key)
               .values("group").annotate(**conditions.reply_aggregates()).order_by("group"))
    return ({row["group"]: row for row in counts}, {row["group"]: row for row in ratings})


def by_child_region(petitions: QuerySet, region: Region, conditions: Conditions) -> list[Row]:
    """Group the region's petitions by child region in two queries.

    Petitions placed on the region itself form the row whose key is empty.
    Counties and townships list every current child; a township lists only
    villages with petitions.
    """
    length = CHILD_CODE_LENGTH.get(region.level)
    if length is None:
        return []
    start = len(region.path) + 1
    counts, ratings = _grouped(petitions, conditions, Substr("region__path", start, length),
                               Substr("petition__region__path", start, length))
    children = Region.objects.filter(parent=region)
    if region.level == Level.TOWNSHIP:
        children = children.filter(code__in=counts)
    else:
        children = children.filter(Q(effective_to__isnull=True) | Q(code__in=counts))
    rows = []
    if "" in counts:
        rows.append(Row("", str(_("%(region)s itself") % {"region": region.name}),
                        figures=figures_from(conditions, counts[""], ratings.get(""))))
    for child in children:
        found = counts.get(child.code)
        figures = figures_from(conditions, found, ratings.get(child.code)) if found else PetitionFigures(
            ages=tuple(0 for _bucket in conditions.buckets))
        rows.append(Row(child.code, child.name, region=child, figures=figures))
    return rows


def by_unit(petitions: QuerySet, conditions: Conditions) -> list[Row]:
    """Group petitions by handling unit in two queries; unassigned petitions form the last row."""
    counts, ratings = _grouped(petitions, conditions, F("assigned_unit_id"),
                               F("petition__assigned_unit_id"))
    units = Unit.objects.in_bulk([key for key in counts if key is not None])
    rows = [Row(str(pk), unit.name, unit=unit,
                figures=figures_from(conditions, counts[pk], ratings.get(pk)))
            for pk, unit in sorted(units.items(), key=lambda item: item[1].path)]
    if None in counts:
        rows.append(Row("none", str(_("Not assigned to a unit")),
                        figures=figures_from(conditions, counts[None], ratings.get(None))))
    return rows


def filtered(petitions: QuerySet, conditions: Conditions, name: str) -> QuerySet:
    """Return the petitions behind one count, oldest first."""
    return (petitions.filter(conditions.filters[name])
            .select_related("category", "region", "assigned_unit")
            .order_by("received_on", "pk"))
