"""Evaluation and deduction pages: enter and edit scores, list them by quarter, apply deductions."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sunshine.assessment import actions
from sunshine.assessment.actions.common import has_role
from sunshine.assessment.forms import EvaluationEditForm, EvaluationForm, QuarterField
from sunshine.assessment.models import Deduction, Evaluation
from sunshine.assessment.quarters import parse_quarter
from sunshine.assessment.views.common import (
    current_quarter,
    paginate,
    posted,
    quarter_choices,
    render_page,
    run_action,
    staff_only,
)
from sunshine.duties.views.common import get_readable
from sunshine.organisation.models import Role
from sunshine.organisation.scoping import scoped


def quarter_from(request: HttpRequest):
    try:
        return QuarterField(required=False).clean(request.GET.get("quarter", "")) or \
            current_quarter()
    except ValidationError:
        return None


@require_safe
@staff_only()
def evaluation_list(request: HttpRequest) -> HttpResponse:
    period = quarter_from(request)
    if period is None:
        return bad_quarter(request)
    rows = scoped(Evaluation.objects.select_related("unit", "unit__region", "evaluator"),
                  request.user).filter(quarter=period.key).order_by("unit__name", "pk")
    context = {"page": paginate(request, rows), "period": period, "periods": quarter_choices(),
               "is_evaluator": has_role(request.user, Role.EVALUATOR)}
    return render(request, "assessment/evaluation_list.html", context)


def bad_quarter(request: HttpRequest) -> HttpResponse:
    error = _("“%(value)s” is not a quarter; assessments are per quarter, written as 2026Q4") % {
        "value": request.GET.get("quarter", "")}
    return render(request, "assessment/error.html", {"error": error}, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only()
def evaluation_create(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.EVALUATOR):
        raise PermissionDenied(_("Only third-party evaluators enter evaluations."))
    form = EvaluationForm(request.user, posted(request),
                          initial={"quarter": current_quarter().key})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_action(form, lambda: actions.record_evaluation(
            request.user, unit=data["unit"], quarter=data["quarter"].key, score=data["score"],
            comments=data["comments"]))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('assessment:evaluation_list')}?quarter={done.quarter}")
    context = {"form": form, "title": _("New evaluation"),
               "cancel_url": reverse("assessment:evaluation_list")}
    return render_page(request, "assessment/form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only()
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation: Any = get_readable(Evaluation.objects.select_related("unit"), request.user,
                                   pk=pk)
    if evaluation.evaluator_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied(_("Only the evaluator who wrote an evaluation may edit it."))
    initial = {"score": evaluation.score, "comments": evaluation.comments,
               "version": evaluation.version}
    form = EvaluationEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_action(form, lambda: actions.update_evaluation(
            request.user, evaluation, score=data["score"], comments=data["comments"],
            expected_version=data["version"]))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('assessment:evaluation_list')}?quarter={done.quarter}")
    context = {"form": form, "title": _("Edit the evaluation of %(unit)s for %(quarter)s") % {
        "unit": evaluation.unit, "quarter": evaluation.quarter},
        "cancel_url": reverse("assessment:evaluation_list")}
    return render_page(request, "assessment/form.html", context)


@require_safe
@staff_only()
def deduction_list(request: HttpRequest) -> HttpResponse:
    period = quarter_from(request)
    if period is None:
        return bad_quarter(request)
    rows = scoped(Deduction.objects.select_related("unit"), request.user).filter(
        quarter=period.key).order_by("unit__name", "-pk")
    context = {"page": paginate(request, rows), "period": period, "periods": quarter_choices(),
               "can_apply": has_role(request.user, Role.ADMINISTRATOR)}
    return render(request, "assessment/deduction_list.html", context)


@require_POST
@staff_only(write=True)
def deduction_apply(request: HttpRequest) -> HttpResponse:
    """Run ``apply_deductions`` for the quarter over the user's top region."""
    from sunshine.duties.views.rates import home_region

    try:
        period = parse_quarter(request.POST.get("quarter", ""))
        counts = actions.apply_deductions(period.key, actor=request.user,
                                          region=home_region(request.user))
    except ValidationError as error:
        return render(request, "assessment/error.html", {"error": " ".join(error.messages)},
                      status=400)
    messages.success(request, _("Deductions applied: %(created)s recorded, %(updated)s "
                                "refreshed, %(cancelled)s cancelled.") % {
        "created": counts.get("created", 0), "updated": counts.get("updated", 0),
        "cancelled": counts.get("cancelled", 0)})
    return redirect(f"{reverse('assessment:deduction_list')}?quarter={period.key}")
