"""Rankings of persons by merit points in a period, per unit or region.

``rankings`` runs one SQL aggregate: the people of the unit or region
subtree, left-joined to their entries in the period, grouped by person,
summed and ranked with RANK() (equal totals share a rank and the next rank
is skipped). People without entries count with 0 points, so the sample is
everybody who could have earned points. A group smaller than the setting
``merit.ranking_min_sample`` is reported as too small and not ranked.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce, Rank
from django.utils import timezone

from sunshine.duties.periods import Period, parse_period, quarter_of
from sunshine.organisation.models import Person, Region, Unit
from sunshine.rules.values import get_setting

# Entries are dated on their event day, so no period after next year contains any
# points: a later one, such as 9999Q4, is a typing slip. Next year stays open
# for a period asked for just before the turn of the year.
YEARS_AHEAD = 1


def points_period(text: str) -> Period:
    """Read the period of a ranking or ledger query; the current quarter when ``text`` is empty.

    Raise ValidationError naming the value when it is no period of the years
    from ``FIRST_YEAR`` to next year.
    """
    today = timezone.localdate()
    if not text.strip():
        return quarter_of(today)
    return parse_period(text, last_year=today.year + YEARS_AHEAD)


@dataclass(frozen=True)
class RankRow:
    person_id: int
    name: str
    unit: str
    total: int
    rank: int


@dataclass(frozen=True)
class Ranking:
    period: Period
    scope: Region | Unit
    sample: int
    min_sample: int
    rows: list[RankRow] = field(default_factory=list)

    @property
    def too_small(self) -> bool:
        return self.sample < self.min_sample


def people_in(scope: Region | Unit) -> QuerySet:
    """People of a unit and the units below it, or of every unit in a region subtree."""
    if isinstance(scope, Unit):
        return Person.objects.filter(unit__path__startswith=scope.path)
    return Person.objects.filter(unit__region__path__startswith=scope.path)


def region_of(scope: Region | Unit) -> Region:
    return scope.region if isinstance(scope, Unit) else scope


def ranked_people(period: Period, scope: Region | Unit) -> QuerySet:
    """Return the grouped and ranked query, one row per person, as dictionaries."""
    in_period = Q(point_entries__occurred_on__gte=period.start,
                  point_entries__occurred_on__lte=period.end)
    total = Coalesce(Sum("point_entries__points", filter=in_period), Value(0),
                     output_field=IntegerField())
    return (people_in(scope).order_by().values("pk")
            .annotate(name=F("name"), unit_name=F("unit__name"), total=total)
            .annotate(rank=Window(Rank(), order_by=F("total").desc()))
            .order_by("rank", "name", "pk"))


def rankings(period: Period, scope: Region | Unit) -> Ranking:
    """Rank the people of ``scope`` by their points in ``period``, unless the group is too small."""
    min_sample = get_setting("merit.ranking_min_sample", region=region_of(scope), on=period.end)
    rows = rank_rows(ranked_people(period, scope))
    if len(rows) < min_sample:
        return Ranking(period, scope, len(rows), min_sample)
    return Ranking(period, scope, len(rows), min_sample, rows)


def ranking_page(period: Period, scope: Region | Unit, *, offset: int, limit: int) -> Ranking:
    """Rank like ``rankings``, returning at most ``limit`` rows from ``offset`` on.

    The sample, the minimum-sample rule and the ranks cover the whole group:
    SQL computes RANK() over every row before LIMIT and OFFSET apply.
    """
    min_sample = get_setting("merit.ranking_min_sample", region=region_of(scope), on=period.end)
    sample = people_in(scope).count()
    if sample < min_sample:
        return Ranking(period, scope, sample, min_sample)
    rows = rank_rows(ranked_people(period, scope)[offset:offset + limit])
    return Ranking(period, scope, sample, min_sample, rows)


def rank_rows(ranked: QuerySet) -> list[RankRow]:
    return [RankRow(row["pk"], row["name"], row["unit_name"], row["total"], row["rank"])
            for row in ranked]


@dataclass(frozen=True)
class Group:
    unit: Unit
    people: int
    rankable: bool


def unit_groups(region: Region, period: Period) -> list[Group]:
    """Return each unit placed in ``region``'s subtree with its head count, in one grouped query."""
    min_sample = get_setting("merit.ranking_min_sample", region=region, on=period.end)
    counts = dict(people_in(region).order_by().values("unit").annotate(n=Count("pk"))
                  .values_list("unit", "n"))
    units = Unit.objects.filter(pk__in=counts).select_related("region").order_by("path")
    return [Group(unit, counts[unit.pk], counts[unit.pk] >= min_sample) for unit in units]
