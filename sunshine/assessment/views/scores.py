"""Composite scores: a region's units and child regions for a quarter, and one unit's breakdown."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sunshine.assessment import actions
from sunshine.assessment.forms import ScoreFilterForm, WeightsForm
from sunshine.assessment.models import AssessmentWeights
from sunshine.assessment.models.tenths import round_score
from sunshine.assessment.scores import composite_score, scores_for_units
from sunshine.assessment.views.common import (
    current_quarter,
    get_readable,
    posted,
    quarter_choices,
    render_page,
    run_action,
    staff_only,
)
from sunshine.duties.periods import Period
from sunshine.duties.views.rates import home_region, trail
from sunshine.organisation.models import Region, Unit, UnitKind
from sunshine.organisation.scoping import scoped


@require_safe
@staff_only()
def score_list(request: HttpRequest) -> HttpResponse:
    form = ScoreFilterForm(request.user, request.GET)
    if not form.is_valid():
        return render(request, "assessment/scores.html", {"form": form}, status=400)
    region = form.cleaned_data["region"] or home_region(request.user)
    period = form.cleaned_data["period"] or current_quarter()
    units = list(scoped(Unit.objects.exclude(kind=UnitKind.EVALUATOR), request.user)
                 .filter(region__path__startswith=region.path).select_related("region"))
    composites = scores_for_units(units, period)
    context = {"form": form, "region": region, "period": period, "periods": quarter_choices(),
               "trail": trail(region, request.user),
               "regions": region_rows(region, units, composites),
               "units": [composites[u.pk] for u in units if u.region_id == region.code]}
    return render(request, "assessment/scores.html", context)


def region_rows(region: Region, units: list[Unit], composites: dict) -> list[dict[str, Any]]:
    """Per child region: units scored, and the mean of their scores."""
    rows = []
    for child in region.children.current().order_by("code"):
        scores = [composites[u.pk].score for u in units if u.region.path.startswith(child.path)
                  and composites[u.pk].score is not None]
        count = sum(1 for u in units if u.region.path.startswith(child.path))
        mean = round_score(sum(scores, Decimal(0)) / len(scores)) if scores else None
        rows.append({"region": child, "units": count, "scored": len(scores), "mean": mean})
    return rows


@require_safe
@staff_only()
def unit_score(request: HttpRequest, pk: int) -> HttpResponse:
    unit: Any = get_readable(Unit.objects.select_related("region"), request.user, pk=pk)
    form = ScoreFilterForm(request.user, request.GET)
    period: Period = (form.cleaned_data["period"] if form.is_valid() else None) \
        or current_quarter()
    context = {"unit": unit, "period": period, "periods": quarter_choices(),
               "composite": composite_score(unit, period)}
    return render(request, "assessment/unit_score.html", context)


@require_safe
@staff_only()
def weights_list(request: HttpRequest) -> HttpResponse:
    rows = AssessmentWeights.objects.select_related("region").order_by("region_id",
                                                                       "-effective_from")
    return render(request, "assessment/weights_list.html", {"rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def weights_create(request: HttpRequest) -> HttpResponse:
    form = WeightsForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_action(form, lambda: actions.set_weights(
            request.user, region=data["region"], effective_from=data["effective_from"],
            values=form.values(), reason=data["reason"]))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("assessment:weights_list")
    context = {"form": form, "title": _("New assessment weights"),
               "cancel_url": reverse("assessment:weights_list")}
    return render_page(request, "assessment/form.html", context)
