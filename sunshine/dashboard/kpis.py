"""The command dashboard's fund and project figures, as queryset aggregates.

Every figure is one SQL aggregate over the cached ``allocated_total``,
``arrived_total`` and ``paid_total`` columns of ``Project``. Only projects
in yuan (CNY) count: imported OCDS processes in other currencies cannot be
added to them. The ``DEFINITIONS`` below are shown on the page word for
word, so a change to a rule here must change its text too.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.fields import BooleanField
from django.db.models.functions import Substr
from django.db.models.lookups import LessThan
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sunshine.funds.models import (
    CNY,
    ProjectStatus,
    paid_beyond_arrival,
    paid_beyond_budget,
    paid_beyond_contract,
)
from sunshine.lib.money import ratio
from sunshine.organisation.models import Level, Region
from sunshine.rules.values import get_setting

ZERO = Decimal("0.00")
# Length of the statistical code of a region's children: counties have 6
# digits, townships 9 and villages 12.
CHILD_CODE_LENGTH: dict[str, int] = {Level.CITY: 6, Level.COUNTY: 9, Level.TOWNSHIP: 12}


@dataclass(frozen=True)
class Definition:
    label: str | Promise
    text: str | Promise


DEFINITIONS = {
    "arrival_rate": Definition(
        _("Arrival rate"),
        _("Funds arrived ÷ funds allocated (approved), each summed over every project in "
          "yuan in the region, whatever its status."),
    ),
    "spend_rate": Definition(
        _("Spend rate"),
        _("Funds paid out ÷ funds arrived, each summed over every project in yuan in the "
          "region. Above 100% means more was paid than has arrived."),
    ),
    "completion_rate": Definition(
        _("Completion rate"),
        _("Completed projects ÷ projects due. A project is due when its planned completion "
          "date is before today and it is not cancelled; a project finished early counts "
          "once its planned date has passed."),
    ),
    "overdue": Definition(
        _("Overdue"),
        _("Projects whose planned completion date is before today and that are neither "
          "completed nor cancelled."),
    ),
    "under_funded": Definition(
        _("Under-funded"),
        _("Projects, not cancelled, with allocated funds whose arrival rate is below the "
          "county's versioned setting funds.low_arrival_rate (60% unless the county set "
          "another value)."),
    ),
    "overpaid": Definition(
        _("Paid beyond arrival"),
        _("Projects that have paid out more than has arrived. A project with no funds "
          "allocated or arrived, such as an imported OCDS process, is not counted, because "
          "there is nothing to compare with."),
    ),
    "over_budget": Definition(
        _("Paid beyond budget"),
        _("Projects whose payments add up to more than their budget."),
    ),
    "over_contract": Definition(
        _("Paid beyond contract"),
        _("Projects that have paid a contractor more than the amounts of its contracts "
          "with the project."),
    ),
}
FLAGS = ("overdue", "under_funded", "overpaid", "over_budget", "over_contract")
LIST_FILTERS = ("all", "due", "completed_due", *FLAGS)


@dataclass(frozen=True)
class Figures:
    """Aggregates of a set of projects; rates are None when their divisor is zero."""

    projects: int = 0
    allocated: Decimal = ZERO
    arrived: Decimal = ZERO
    paid: Decimal = ZERO
    due: int = 0
    completed_due: int = 0
    overdue: int = 0
    under_funded: int = 0
    overpaid: int = 0
    over_budget: int = 0
    over_contract: int = 0

    @property
    def arrival_rate(self) -> Decimal | None:
        return ratio(self.arrived, self.allocated)

    @property
    def spend_rate(self) -> Decimal | None:
        return ratio(self.paid, self.arrived)

    @property
    def completion_rate(self) -> Decimal | None:
        return ratio(Decimal(self.completed_due), Decimal(self.due))


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: a child region, or the region itself when ``region`` is None."""

    code: str
    region: Region | None
    figures: Figures


def projects_in(region: Region, projects: QuerySet) -> QuerySet:
    """Narrow ``projects`` (already scoped to the user) to yuan projects in the region's subtree."""
    return projects.filter(currency=CNY, region__path__startswith=region.path)


class Conditions:
    """The filter behind each count, for one day and the counties below one region.

    The same conditions make the counts, the per-project flags and the
    project lists, so a number and the list behind it always agree.
    """

    def __init__(self, region: Region, today: datetime.date) -> None:
        passed = Q(planned_end__lt=today)
        cancelled = Q(status=ProjectStatus.CANCELLED)
        self.today = today
        self.filters = {
            "all": Q(),
            "due": passed & ~cancelled,
            "completed_due": passed & Q(status=ProjectStatus.COMPLETED),
            # The rule of ProjectQuerySet.overdue, written as a condition.
            "overdue": passed & ~Q(status__in=[ProjectStatus.COMPLETED, ProjectStatus.CANCELLED]),
            "under_funded": Q(allocated_total__gt=0) & ~cancelled & self._low_arrival(region),
            "overpaid": paid_beyond_arrival(),
            "over_budget": paid_beyond_budget(),
            "over_contract": paid_beyond_contract(),
        }

    def _low_arrival(self, region: Region) -> Q:
        """Compare arrival with each county's threshold in integers, so no rounding creeps in."""
        condition = Q(pk__in=[])
        outside_counties = Q()
        for county in counties_under(region):
            condition |= Q(region__path__startswith=county.path) & self._below(county)
            outside_counties &= ~Q(region__path__startswith=county.path)
        return condition | (outside_counties & self._below(None))

    def _below(self, county: Region | None) -> Q:
        threshold = Decimal(get_setting("funds.low_arrival_rate", region=county, on=self.today))
        numerator, denominator = threshold.as_integer_ratio()
        return Q(LessThan(F("arrived_total") * denominator, F("allocated_total") * numerator))

    def aggregates(self) -> dict:
        counts = {
            name: Count("pk", filter=condition)
            for name, condition in self.filters.items()
            if name != "all"
        }
        return {
            "projects": Count("pk"),
            "allocated": Sum("allocated_total"),
            "arrived": Sum("arrived_total"),
            "paid": Sum("paid_total"),
            **counts,
        }

    def flags(self) -> dict:
        """Return annotations that mark each listed project with the flags it raises."""
        return {
            f"is_{name}": Case(When(self.filters[name], then=Value(True)), default=Value(False),
                               output_field=BooleanField())
            for name in FLAGS
        }


def counties_under(region: Region) -> list[Region]:
    """Return the counties whose thresholds apply below ``region``: all of them for the city."""
    if region.level == Level.CITY:
        return list(Region.objects.filter(level=Level.COUNTY, path__startswith=region.path))
    county = region.county()
    return [county] if county is not None else []


def figures_from(values: dict) -> Figures:
    return Figures(
        projects=values["projects"],
        allocated=values["allocated"] or ZERO,
        arrived=values["arrived"] or ZERO,
        paid=values["paid"] or ZERO,
        due=values["due"],
        completed_due=values["completed_due"],
        overdue=values["overdue"],
        under_funded=values["under_funded"],
        overpaid=values["overpaid"],
        over_budget=values["over_budget"],
        over_contract=values["over_contract"],
    )


def summary(projects: QuerySet, conditions: Conditions) -> Figures:
    return figures_from(projects.aggregate(**conditions.aggregates()))


def breakdown(projects: QuerySet, region: Region, conditions: Conditions) -> list[Row]:
    """Group the region's projects by child region in one query.

    A child's code is the path segment after the region's own path. Projects
    placed on the region itself have an empty segment and form the row whose
    ``region`` is None. Children without projects get a row of zeros at the
    county and city levels; a township lists only villages with projects.
    """
    length = CHILD_CODE_LENGTH.get(region.level)
    if length is None:
        return []
    grouped = (
        projects.annotate(child=Substr("region__path", len(region.path) + 1, length))
        .values("child")
        .annotate(**conditions.aggregates())
        .order_by("child")
    )
    found = {values["child"]: figures_from(values) for values in grouped}

    children = Region.objects.filter(parent=region)
    if region.level == Level.TOWNSHIP:
        children = children.filter(code__in=found)
    else:
        children = children.filter(Q(effective_to__isnull=True) | Q(code__in=found))
    rows = [Row(child.code, child, found.pop(child.code, Figures())) for child in children]
    return _rows_for_region_itself(found) + rows


def _rows_for_region_itself(found: dict[str, Figures]) -> list[Row]:
    return [Row(code, None, figures) for code, figures in found.items() if not code]


def filtered(projects: QuerySet, conditions: Conditions, name: str) -> QuerySet:
    """Return the projects behind one count, flagged, in code order."""
    return (
        projects.filter(conditions.filters[name])
        .annotate(**conditions.flags())
        .select_related("region")
        .order_by("code")
    )


def ancestors(region: Region) -> Iterable[Region]:
    """Return the region's ancestors from the city down, read from its path."""
    codes = [code for code in region.path.split("/") if code and code != region.code]
    return Region.objects.filter(code__in=codes).order_by("code")
