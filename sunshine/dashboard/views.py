"""Command dashboard pages: fund and project figures by region, down to the projects.

Every page is scoped with ``scope_for``: a user sees the regions of their
role assignments and nothing above or beside them. Figures count only the
projects the user may see.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sunshine.dashboard import kpis
from sunshine.funds.models import Project
from sunshine.organisation.models import Level, Region
from sunshine.organisation.scoping import Scope, scope_for, scoped

PAGE_SIZE = 50
CHILD_HEADINGS: dict[str, str | Promise] = {
    Level.CITY: gettext_lazy("county"),
    Level.COUNTY: gettext_lazy("township"),
    Level.TOWNSHIP: gettext_lazy("village"),
}
RATES = ("arrival_rate", "spend_rate", "completion_rate")


@dataclass
class RowView:
    """A breakdown row with its label and the address of the list behind each figure."""

    row: kpis.Row
    label: str
    urls: dict[str, str] = field(default_factory=dict)


@require_safe
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Show the dashboard of the user's region, or let them pick one if they have several."""
    regions = top_regions(require_scope(request))
    if len(regions) == 1:
        return render_region(request, regions[0])
    return render(request, "dashboard/choose.html", {"regions": regions})


@require_safe
@login_required
def region_page(request: HttpRequest, code: str) -> HttpResponse:
    scope = require_scope(request)
    region = get_object_or_404(Region, code=code)
    if not scope.contains_region(region):
        raise PermissionDenied(_("%(region)s is outside the regions of your roles.")
                               % {"region": region.name})
    return render_region(request, region)


def require_scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if scope.empty:
        raise PermissionDenied(_("Your account has no role in any unit; ask an administrator "
                                 "to assign one."))
    return scope


def top_regions(scope: Scope) -> list[Region]:
    """Return the highest regions of a scope: the city for city-wide access."""
    if scope.everything:
        return list(Region.objects.filter(level=Level.CITY))
    paths = scope.region_paths
    tops = [p for p in paths if not any(p != other and p.startswith(other) for other in paths)]
    codes = [path.rstrip("/").rsplit("/", 1)[-1] for path in tops]
    return list(Region.objects.filter(code__in=codes))


def bad_request(message: str) -> HttpResponse:
    """Return a 400 with the message as plain text, so a value it quotes is never read as HTML."""
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def render_region(request: HttpRequest, region: Region) -> HttpResponse:
    show = request.GET.get("show", "all")
    if show not in kpis.LIST_FILTERS:
        return bad_request(
            _("Unknown list “%(value)s”; use one of: %(choices)s.")
            % {"value": show, "choices": ", ".join(kpis.LIST_FILTERS)}
        )
    only_here = request.GET.get("place") == "self"

    today = timezone.localdate()
    projects = kpis.projects_in(region, scoped(Project.all_objects.all(), request.user))
    conditions = kpis.Conditions(region, today)
    rows = [row_view(row, region) for row in kpis.breakdown(projects, region, conditions)]
    listed = projects.filter(region=region) if only_here else projects
    page = Paginator(kpis.filtered(listed, conditions, show), PAGE_SIZE).get_page(
        request.GET.get("page"))

    context = {
        "region": region,
        "ancestors": visible_ancestors(request, region),
        "today": today,
        "summary": kpis.summary(projects, conditions),
        "definitions": kpis.DEFINITIONS,
        "rows": rows,
        "chart": chart_data(rows),
        "show": show,
        "only_here": only_here,
        "list_label": kpis.DEFINITIONS.get(show),
        "page": page,
        "page_query": list_query(show, only_here),
        "filter_labels": filter_labels(),
        "child_heading": CHILD_HEADINGS.get(region.level, ""),
    }
    return render(request, "dashboard/region.html", context)


def row_view(row: kpis.Row, region: Region) -> RowView:
    if row.region is None:
        label = _("%(region)s itself") % {"region": region.name}
        base = reverse("dashboard:region", args=[region.code]) + "?place=self&"
    else:
        label = row.region.name
        base = reverse("dashboard:region", args=[row.code]) + "?"
    urls = {name: f"{base}show={name}#projects" for name in kpis.LIST_FILTERS}
    urls["drill_down"] = base.rstrip("?&") if row.region is not None else urls["all"]
    return RowView(row, label, urls)


def visible_ancestors(request: HttpRequest, region: Region) -> list[tuple[Region, bool]]:
    """Pair each ancestor with whether the user may open its page."""
    scope = scope_for(request.user)
    return [(ancestor, scope.contains_region(ancestor)) for ancestor in kpis.ancestors(region)]


def list_query(show: str, only_here: bool) -> str:
    return f"show={show}" + ("&place=self" if only_here else "")


def chart_data(rows: list[RowView]) -> dict[str, Any]:
    """Return the breakdown's rates in percent for the bar chart; None draws no bar."""
    series = []
    for name in RATES:
        values = [getattr(view.row.figures, name) for view in rows]
        series.append({
            "name": str(kpis.DEFINITIONS[name].label),
            "data": [None if value is None else float(round(value * 100, 2)) for value in values],
        })
    return {
        "labels": [view.label for view in rows],
        "urls": [view.urls["drill_down"] for view in rows],
        "series": series,
    }


def filter_labels() -> list[tuple[str, str]]:
    labels = {"all": _("All projects"), "due": _("Due"), "completed_due": _("Completed of those due")}
    return [
        (name, str(labels[name] if name in labels else kpis.DEFINITIONS[name].label))
        for name in kpis.LIST_FILTERS
    ]
