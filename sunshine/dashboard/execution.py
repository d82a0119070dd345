"""Command dashboard page of the execution rate: by region and unit, down to the tasks.

The figures come from ``sunshine.duties.rates``, the same aggregates as the
duties rate page, over the tasks the user may see (``scoped``). Every
count links to the task list that shows the tasks behind it, and every
region to its own page and to the rate page's drill-down.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sunshine.dashboard import composite
from sunshine.dashboard.kpis import Definition
from sunshine.dashboard.views import (
    CHILD_HEADINGS,
    bad_request,
    require_scope,
    top_regions,
    visible_ancestors,
)
from sunshine.duties import rate_cache, rates
from sunshine.duties.models import Task, TaskQuerySet
from sunshine.duties.periods import Period, parse_period, recent_quarters, year
from sunshine.duties.views.common import scoped_tasks
from sunshine.organisation.models import Region, Unit
from sunshine.rules.values import get_setting

# How many units the top and bottom lists show.
LISTED_UNITS = 5
MIN_DUE = "dashboard.ranking_min_due_tasks"


def definition() -> Definition:
    return Definition(_("Execution rate"), _(
        "Tasks done on time ÷ tasks due, each task (sub-tasks too) counted for its lead unit. "
        "A task is due in the period when its deadline lies between the period's first day "
        "and the earlier of its last day and today, or when it was overdue before the period "
        "and is still open at its start; it is done on time when it was completed on or "
        "before its deadline. Cancelled tasks never count."))


@dataclass
class Line:
    """A breakdown line or a listed unit, with the addresses behind its figures."""

    label: str
    counts: rates.Counts
    urls: dict[str, str]


@require_safe
@login_required
def index(request: HttpRequest) -> HttpResponse:
    regions = top_regions(require_scope(request))
    if len(regions) == 1:
        return render_region(request, regions[0])
    return render(request, "dashboard/execution_choose.html", {"regions": regions})


@require_safe
@login_required
def region_page(request: HttpRequest, code: str) -> HttpResponse:
    scope = require_scope(request)
    region = get_object_or_404(Region, code=code)
    if not scope.contains_region(region):
        raise PermissionDenied(_("%(region)s is outside the regions of your roles.")
                               % {"region": region.name})
    return render_region(request, region)


def period_from(request: HttpRequest, today: datetime.date) -> Period:
    text = request.GET.get("period", "").strip()
    return parse_period(text) if text else year(today.year)


def render_region(request: HttpRequest, region: Region) -> HttpResponse:
    today = timezone.localdate()
    try:
        period = period_from(request, today)
    except ValidationError as error:
        return bad_request(" ".join(error.messages))

    tasks = scoped_tasks(Task.objects.all(), request.user).in_region(region)
    found = rate_cache.figures(tasks, request.user, region, period, today)
    total = found.total
    lines = [line_of(row, region, period) for row in found.rows]
    top, bottom = rate_cache.cached(request.user, region, period, today, "ranked_units",
                                    lambda: ranked_units(tasks, region, period, today))
    context = {
        "region": region, "ancestors": visible_ancestors(request, region), "period": period,
        "today": today, "as_of": rates.as_of(period, today), "definition": definition(),
        "total": Line(region.name, total, task_links(region, period)),
        "rate_url": rate_url(region, period), "lines": lines, "top": top, "bottom": bottom,
        "min_due": get_setting(MIN_DUE, region=region, on=today),
        "chart": chart_data(lines), "child_heading": CHILD_HEADINGS.get(region.level, ""),
        "periods": [year(today.year), *recent_quarters(today, 4)],
        "composite": composite.summary(request.user, region, period, today, LISTED_UNITS),
    }
    return render(request, "dashboard/execution.html", context)


def task_links(region: Region, period: Period, unit: Unit | None = None) -> dict[str, str]:
    """Return the task-list addresses behind the due and done-on-time counts."""
    query: dict[str, Any] = {"region": region.code, "period": period.key}
    if unit is not None:
        query["unit"] = unit.pk
    address = reverse("duties:task_list")
    return {measure: f"{address}?{urlencode({**query, 'measure': measure})}"
            for measure in ("due", "done_on_time")}


def rate_url(region: Region, period: Period) -> str:
    return f"{reverse('duties:execution_rate')}?{urlencode({'region': region.code, 'period': period.key})}"


def line_of(row: rates.Row, region: Region, period: Period) -> Line:
    """Return the line of a child region, or of a unit placed in ``region`` itself."""
    if row.unit is not None:
        return _unit_line(row.unit, row.counts, region, period)
    return _child_line(row, region, period)


def _child_line(row: rates.Row, region: Region, period: Period) -> Line:
    child = row.region or region
    urls = task_links(child, period)
    urls["page"] = (f"{reverse('dashboard:execution_region', args=[child.code])}?"
                    f"{urlencode({'period': period.key})}")
    urls["rate"] = rate_url(child, period)
    return Line(child.name, row.counts, urls)


def _unit_line(unit: Unit, counts: rates.Counts, region: Region, period: Period) -> Line:
    urls = task_links(unit.region if unit.region_id else region, period, unit)
    urls["page"] = urls["due"]
    return Line(unit.name, counts, urls)


def ranked_units(tasks: TaskQuerySet, region: Region, period: Period,
                 today: datetime.date) -> tuple[list[Line], list[Line]]:
    """Return the units with the highest and the lowest rates, in one grouped query.

    Units with fewer due tasks than the versioned setting
    ``dashboard.ranking_min_due_tasks`` are left out, as one task would swing their rate.
    """
    minimum = get_setting(MIN_DUE, region=region, on=today)
    grouped = (tasks.order_by().values("lead_unit")
               .annotate(due=Count("pk", filter=rates.due_condition(period, today)),
                         done=Count("pk", filter=rates.done_condition(period, today)))
               .filter(due__gte=max(1, minimum)))
    found = {row["lead_unit"]: rates.Counts(row["due"], row["done"]) for row in grouped}
    units = Unit.objects.filter(pk__in=found).select_related("region")
    lines = [_unit_line(unit, found[unit.pk], region, period) for unit in units]
    lines.sort(key=lambda line: (line.counts.execution_rate or Decimal("0"), line.counts.due,
                                 line.label))
    top = list(reversed(lines[-LISTED_UNITS:]))
    # With fewer than twice LISTED_UNITS units, the bottom list keeps only those not on top.
    bottom = lines[:max(0, min(LISTED_UNITS, len(lines) - LISTED_UNITS))]
    return top, bottom


def chart_data(lines: list[Line]) -> dict[str, Any]:
    """Return the breakdown's execution rates in percent for the bar chart; None draws no bar."""
    values = [line.counts.execution_rate for line in lines]
    return {
        "labels": [line.label for line in lines],
        "urls": [line.urls["page"] for line in lines],
        "series": [{"name": str(definition().label),
                    "data": [None if v is None else float(round(v * 100, 2)) for v in values]}],
    }
