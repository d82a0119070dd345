"""Command dashboard pages of petition figures: by region and handling unit, down to the petitions.

Petitions are read through ``visibility.visible_petitions``, so a report
never reaches a user it accuses, and each count lists exactly the
petitions behind it. Regions are checked with ``scope_for`` as on the fund
pages.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sunshine.dashboard.views import (
    CHILD_HEADINGS,
    bad_request,
    require_scope,
    top_regions,
    visible_ancestors,
)
from sunshine.duties.periods import FIRST_YEAR
from sunshine.lib.record_ids import MAX_ID_DIGITS, parse_id
from sunshine.organisation.models import Region
from sunshine.petitions import figures, tracking
from sunshine.petitions.visibility import visible_petitions

PAGE_SIZE = 50
# The dates accepted as ``first`` and ``last``. A year before FIRST_YEAR is taken as a typing
# slip, because the platform has records only of the years it is in use, and the execution
# page's periods start in that year too. The last day is one before date.max, because the
# rated figures count up to the midnight after the period's last day.
EARLIEST_DAY = datetime.date(FIRST_YEAR, 1, 1)
LATEST_DAY = datetime.date.max - datetime.timedelta(days=1)
RATES = ("processing_rate", "satisfaction_share", "repeat_rate")
RATE_LABELS = {"satisfaction_share": gettext_lazy("Rated satisfied")}


@dataclass
class RowView:
    """A breakdown row with the address of the list behind each figure."""

    row: figures.Row
    urls: dict[str, str] = field(default_factory=dict)


class BadRequest(Exception):
    """Raised for a query parameter with an invalid value; the message names it."""


@require_safe
@login_required
def index(request: HttpRequest) -> HttpResponse:
    regions = top_regions(require_scope(request))
    if len(regions) == 1:
        return render_region(request, regions[0])
    return render(request, "dashboard/petitions_choose.html", {"regions": regions})


@require_safe
@login_required
def region_page(request: HttpRequest, code: str) -> HttpResponse:
    scope = require_scope(request)
    region = get_object_or_404(Region, code=code)
    if not scope.contains_region(region):
        raise PermissionDenied(_("%(region)s is outside the regions of your roles.")
                               % {"region": region.name})
    return render_region(request, region)


def period_from(request: HttpRequest) -> figures.Period:
    """Read ``first`` and ``last`` (YYYY-MM-DD) from the query, defaulting to the setting's months."""
    default = figures.default_period()
    first = _date_param(request, "first") or default.first
    last = _date_param(request, "last") or default.last
    if first > last:
        raise BadRequest(_("The period starts on %(first)s, after its end on %(last)s; swap "
                           "the dates.") % {"first": first.isoformat(), "last": last.isoformat()})
    return figures.Period(first, last, default.today)


def _date_param(request: HttpRequest, name: str) -> datetime.date | None:
    """Read a YYYY-MM-DD query parameter. Both date parameters, first and last, use it."""
    raw = request.GET.get(name, "")
    if not raw:
        return None
    try:
        value = parse_date(raw)
    except ValueError:
        # parse_date raises only for text of the form YYYY-MM-DD that names no day.
        raise _no_such_day(raw) from None
    if value is None:
        raise BadRequest(_("“%(value)s” is not a date; write it as YYYY-MM-DD, for example "
                           "2026-01-31.") % {"value": raw})
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise _outside_figures(raw)
    return value


def _outside_figures(raw: str) -> BadRequest:
    return BadRequest(_("“%(value)s” is outside the dates the figures cover; use a date from "
                        "%(earliest)s to %(latest)s.")
                      % {"value": raw, "earliest": EARLIEST_DAY.isoformat(),
                         "latest": LATEST_DAY.isoformat()})


def _no_such_day(raw: str) -> BadRequest:
    """Return the error for text of the form YYYY-MM-DD whose month or day does not exist."""
    year, month, day = (int(part) for part in raw.split("-"))
    if year < datetime.MINYEAR:
        return _outside_figures(raw)
    if not 1 <= month <= 12:
        return BadRequest(_("“%(value)s” is not a date: month %(month)s does not exist; write "
                            "the month as 01 to 12.") % {"value": raw, "month": month})
    days = calendar.monthrange(year, month)[1]
    return BadRequest(_("“%(value)s” does not exist: month %(month)s of %(year)s has %(days)s "
                        "days, so use a day from 01 to %(days)s.")
                      % {"value": raw, "month": month, "year": year, "days": days})


def _selection(request: HttpRequest, conditions: figures.Conditions) -> tuple[str, str]:
    show = request.GET.get("show", "due")
    if show not in conditions.filters:
        raise BadRequest(_("Unknown list “%(value)s”; use one of: %(choices)s.")
                         % {"value": show, "choices": ", ".join(conditions.filters)})
    unit = request.GET.get("unit", "")
    if unit and unit != "none" and parse_id(unit) is None:
        raise BadRequest(_("Unit “%(value)s” is invalid; use a unit number of 1 to %(digits)s "
                           "digits 0-9, or “none”.") % {"value": unit, "digits": MAX_ID_DIGITS})
    return show, unit


def render_region(request: HttpRequest, region: Region) -> HttpResponse:
    try:
        period = period_from(request)
        conditions = figures.Conditions(period)
        show, unit = _selection(request, conditions)
    except BadRequest as error:
        return bad_request(str(error))
    only_here = request.GET.get("place") == "self"
    petitions = visible_petitions(request.user).filter(region__path__startswith=region.path)
    base = {"first": period.first.isoformat(), "last": period.last.isoformat()}

    listed = _narrowed(petitions, region, only_here, unit)
    page = Paginator(figures.filtered(listed, conditions, show), PAGE_SIZE).get_page(
        request.GET.get("page"))
    region_rows = [_region_row(row, region, base) for row in
                   figures.by_child_region(petitions, region, conditions)]
    context = {
        "region": region, "ancestors": visible_ancestors(request, region), "period": period,
        "summary": figures.summary(petitions, conditions), "definitions": figures.DEFINITIONS,
        "buckets": conditions.buckets, "region_rows": region_rows,
        "unit_rows": [_unit_row(row, region, base) for row in figures.by_unit(petitions, conditions)],
        "chart": chart_data(region_rows), "child_heading": CHILD_HEADINGS.get(region.level, ""),
        "show": show, "show_label": list_labels(conditions).get(show, show),
        "list_links": _list_links(conditions, base), "rows": _petition_rows(page.object_list),
        "page": page, "page_query": urlencode({**base, **_list_params(show, only_here, unit)}),
        "period_query": urlencode(base), "earliest_day": EARLIEST_DAY, "latest_day": LATEST_DAY,
    }
    return render(request, "dashboard/petitions.html", context)


def _narrowed(petitions, region: Region, only_here: bool, unit: str):
    if only_here:
        petitions = petitions.filter(region=region)
    if unit == "none":
        petitions = petitions.filter(assigned_unit__isnull=True)
    elif unit:
        petitions = petitions.filter(assigned_unit_id=parse_id(unit))
    return petitions


def _list_params(show: str, only_here: bool, unit: str) -> dict[str, str]:
    params = {"show": show}
    if only_here:
        params["place"] = "self"
    if unit:
        params["unit"] = unit
    return params


def _urls(address: str, base: dict[str, str], extra: dict[str, str],
          names: list[str]) -> dict[str, str]:
    return {name: f"{address}?{urlencode({**base, **extra, 'show': name})}#petitions"
            for name in names}


def _region_row(row: figures.Row, region: Region, base: dict[str, str]) -> RowView:
    code = row.key or region.code
    address = reverse("dashboard:petitions_region", args=[code])
    extra = {} if row.key else {"place": "self"}
    urls = _urls(address, base, extra, _all_names(row))
    urls["drill_down"] = f"{address}?{urlencode(base)}" if row.key else urls["received"]
    return RowView(row, urls)


def _unit_row(row: figures.Row, region: Region, base: dict[str, str]) -> RowView:
    address = reverse("dashboard:petitions_region", args=[region.code])
    return RowView(row, _urls(address, base, {"unit": row.key}, _all_names(row)))


def _all_names(row: figures.Row) -> list[str]:
    fixed = ["received", "due", "handled_in_time", "handled_late", "open_overdue", "backlog",
             "repeats", "rated", "satisfied"]
    return fixed + [f"age_{number}" for number in range(len(row.figures.ages))]


def list_labels(conditions: figures.Conditions) -> dict[str, str]:
    labels = {
        "received": _("Petitions received"), "due": _("Due for handling"),
        "handled_in_time": _("Handled in time"), "handled_late": _("Handled late"),
        "open_overdue": _("Overdue, still open"), "backlog": _("Backlog"),
        "repeats": _("Repeats"), "rated": _("Rated answers"), "satisfied": _("Rated satisfied"),
    }
    for bucket in conditions.buckets:
        labels[bucket.key] = _("Backlog, %(range)s days since receipt") % {"range": bucket.label}
    return labels


def _list_links(conditions: figures.Conditions, base: dict[str, str]) -> list[tuple[str, str, str]]:
    return [(name, label, urlencode({**base, "show": name}))
            for name, label in list_labels(conditions).items()]


def _petition_rows(petitions) -> list[dict[str, Any]]:
    rows = []
    for petition in petitions:
        rows.append({"petition": petition, "code": tracking.format_code(petition.tracking_code),
                     "url": _petition_url(petition.pk)})
    return rows


def _petition_url(pk: int) -> str | None:
    try:
        return reverse("petitions:staff_detail", args=[pk])
    except NoReverseMatch:
        return None


def chart_data(rows: list[RowView]) -> dict[str, Any]:
    """Return the breakdown's rates in percent for the bar chart; None draws no bar."""
    series = []
    for name in RATES:
        label = RATE_LABELS.get(name) or figures.DEFINITIONS[name].label
        values = [getattr(view.row.figures, name) for view in rows]
        series.append({"name": str(label),
                       "data": [None if v is None else float(round(v * 100, 2)) for v in values]})
    return {"labels": [view.row.label for view in rows],
            "urls": [view.urls["drill_down"] for view in rows], "series": series}
