"""The execution-rate page: one region and period, drilled down to regions and units."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sunshine.duties import rate_cache, rates
from sunshine.duties.models import Task, TaskQuerySet
from sunshine.duties.periods import Period, parse_period, quarter_of, recent_quarters
from sunshine.duties.views.common import scoped_tasks, staff_only
from sunshine.lib.staff_pages import per_session
from sunshine.organisation.models import Region
from sunshine.organisation.scoping import scope_for

CITY_CODE = "331000"


class RateForm(forms.Form):
    region = forms.CharField(label=gettext_lazy("region code"), max_length=12, required=False)
    period = forms.CharField(label=gettext_lazy("period"), max_length=10, required=False,
                             help_text=gettext_lazy("2024, 2024Q1 or 2024-03"))

    def clean_period(self) -> Period:
        text = self.cleaned_data["period"].strip()
        return parse_period(text) if text else quarter_of(timezone.localdate())

    def clean_region(self) -> Region | None:
        code = self.cleaned_data["region"].strip()
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(
                _("Region code “%(value)s” does not exist; use a code such as 331002")
                % {"value": code}, code="unknown_region")
        return region


def home_region(user: Any) -> Region:
    """Return the widest region the user may read: the city, or their top assigned region."""
    scope = scope_for(user)
    if scope.everything or not scope.region_paths:
        return Region.objects.get(code=CITY_CODE)
    path = min(scope.region_paths, key=len)
    return Region.objects.get(code=path.rstrip("/").rsplit("/", 1)[-1])


def trail(region: Region, user: Any) -> list[Region]:
    """Return the regions from the top of the user's scope down to ``region``."""
    scope = scope_for(user)
    codes = region.path.rstrip("/").split("/")
    ancestors = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [ancestors[code] for code in codes
            if code in ancestors and scope.contains_region(ancestors[code])]


@require_safe
@per_session
@staff_only()
def execution_rate(request: HttpRequest) -> HttpResponse:
    form = RateForm(request.GET)
    if not form.is_valid():
        return render(request, "duties/rate.html", {"form": form}, status=400)
    region = form.cleaned_data["region"] or home_region(request.user)
    if not scope_for(request.user).contains_region(region):
        raise PermissionDenied(_("%(region)s is outside the regions you may read.")
                               % {"region": region.name})
    period, today = form.cleaned_data["period"], timezone.localdate()

    tasks = scoped_tasks(Task.objects.all(), request.user)
    # The table is rendered once per language, cached like the figures (same scope,
    # region, period, day and generation), so a request that finds it renders no row.
    total, table = rate_cache.cached(
        request.user, region, period, today, f"table:{get_language()}",
        lambda: rate_table(tasks, request.user, region, period, today))
    context = {
        "form": form, "region": region, "period": period, "today": today,
        "as_of": rates.as_of(period, today), "total": total,
        # rate_table rendered the HTML with autoescaping on, so it goes in as it is.
        "table": mark_safe(table),  # noqa: S308
        "trail": trail(region, request.user),
        "periods": recent_quarters(today) + [Period(str(today.year), today.replace(month=1, day=1),
                                                    today.replace(month=12, day=31))],
    }
    return render(request, "duties/rate.html", context)


def rate_table(tasks: TaskQuerySet, user: Any, region: Region, period: Period,
               today: datetime.date) -> tuple[rates.Counts, str]:
    """Render the table of the region's total and its rows; return the total with the HTML."""
    found = rate_cache.figures(tasks, user, region, period, today)
    task_list = reverse("duties:task_list")
    context = {
        "region": region, "period": period, "total": found.total,
        "total_links": links(task_list, {"region": region.code, "period": period.key}),
        "rows": [(row, links(task_list, row_query(row, region, period))) for row in found.rows],
    }
    return found.total, render_to_string("duties/_rate_table.html", context)


def row_query(row: rates.Row, region: Region, period: Period) -> dict[str, Any]:
    if row.region is not None:
        return {"region": row.region.code, "period": period.key}
    return {"region": region.code, "unit": row.unit.pk if row.unit else "", "period": period.key}


def links(task_list: str, query: dict[str, Any]) -> dict[str, str]:
    """Return the task-list addresses behind the due and done-on-time numbers."""
    return {measure: f"{task_list}?{urlencode({**query, 'measure': measure})}"
            for measure in ("due", "done_on_time")}
