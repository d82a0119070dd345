"""Spot-check pages. Every check is loaded through ``visibility``, so a planned check is 404 to its target."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sunshine.assessment import actions, draw, visibility
from sunshine.assessment.forms import DrawForm, PerformForm, ReasonForm, SpotCheckForm, TeamForm
from sunshine.assessment.models import CheckStatus, SpotCheck
from sunshine.assessment.views.common import paginate, posted, render_page, run_action, staff_only
from sunshine.duties.models import Task
from sunshine.duties.views.common import get_readable


def require_inspector(user: Any) -> None:
    if not (user.is_superuser or visibility.inspector_scope(user).region_paths):
        raise PermissionDenied(_("Only discipline inspectors plan spot checks."))


@require_safe
@staff_only()
def spot_check_list(request: HttpRequest) -> HttpResponse:
    checks = visibility.visible_spot_checks(request.user).select_related("target_unit")
    status = request.GET.get("status", "")
    if status in CheckStatus.values:
        checks = checks.filter(status=status)
    context = {"page": paginate(request, checks.order_by("-planned_on", "-pk")),
               "status": status, "statuses": CheckStatus.choices,
               "is_inspector": bool(visibility.inspector_scope(request.user).region_paths)}
    return render(request, "assessment/spot_check_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only()
def spot_check_create(request: HttpRequest) -> HttpResponse:
    require_inspector(request.user)
    form = SpotCheckForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        check = run_action(form, lambda: actions.plan_spot_check(
            request.user, title=data["title"], target_unit=data["target_unit"],
            planned_on=data["planned_on"], inspectors=list(data["inspectors"])))
        if check is not None:
            return redirect("assessment:spot_check_detail", pk=check.pk)
    context = {"form": form, "title": _("Plan a spot check"),
               "cancel_url": reverse("assessment:spot_check_list")}
    return render_page(request, "assessment/form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only()
def spot_check_draw(request: HttpRequest) -> HttpResponse:
    require_inspector(request.user)
    form = DrawForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        check = run_action(form, lambda: actions.draw_spot_check(
            request.user, candidates=list(data["candidates"]), title=data["title"],
            planned_on=data["planned_on"], inspectors=list(data["inspectors"])))
        if check is not None:
            return redirect("assessment:spot_check_detail", pk=check.pk)
    context = {"form": form, "title": _("Draw the target of a spot check at random"),
               "cancel_url": reverse("assessment:spot_check_list")}
    return render_page(request, "assessment/form.html", context)


@require_safe
@staff_only()
def spot_check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = visibility.get_visible_spot_check(request.user, pk)
    verified = None
    if check.draw_seed:
        verified = draw.redraw(check.draw_seed, check.draw_candidates) == check.target_unit_id
    context = {"check": check, "verified": verified,
               "inspectors": [row.user for row in check.assignments.select_related("user")],
               "photos": check.photos.all(), "follow_ups": visibility.visible_spot_checks(
                   request.user).filter(follow_up_of=check),
               "can_perform": check.status == CheckStatus.PLANNED
               and visibility.may_perform(request.user, check)}
    return render(request, "assessment/spot_check_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only()
def spot_check_perform(request: HttpRequest, pk: int) -> HttpResponse:
    check = visibility.get_visible_spot_check(request.user, pk)
    if not visibility.may_perform(request.user, check):
        raise PermissionDenied(_("Only the inspectors of this spot check may record its result."))
    form = PerformForm(check.target_unit, posted(request),
                       request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_action(form, lambda: actions.perform_spot_check(
            request.user, check, performed_at=data["performed_at"], findings=data["findings"],
            score=data["score"], location=data["location"], latitude=data["latitude"],
            longitude=data["longitude"], files=data["photos"],
            responsible_person=data["responsible_person"]))
        if done is not None:
            messages.success(request, _("Result recorded."))
            return redirect("assessment:spot_check_detail", pk=pk)
    context = {"form": form, "title": _("Record the result of “%(check)s”") % {"check": check},
               "cancel_url": reverse("assessment:spot_check_detail", args=[pk])}
    return render_page(request, "assessment/form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only()
def spot_check_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    check = visibility.get_visible_spot_check(request.user, pk)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = run_action(form, lambda: actions.cancel_spot_check(
            request.user, check, reason=form.cleaned_data["reason"]))
        if done is not None:
            return redirect("assessment:spot_check_detail", pk=pk)
    context = {"form": form, "title": _("Cancel “%(check)s”") % {"check": check},
               "cancel_url": reverse("assessment:spot_check_detail", args=[pk])}
    return render_page(request, "assessment/form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only()
def follow_up_create(request: HttpRequest, task_pk: int) -> HttpResponse:
    """Plan a follow-up review (回头看) from a rectification task."""
    require_inspector(request.user)
    task: Any = get_readable(Task.objects.all(), request.user, pk=task_pk)
    original = SpotCheck.objects.filter(rectification_task=task).first()
    if original is None or not visibility.may_see(request.user, original):
        raise Http404(_("No spot check matches this address."))
    form = TeamForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        check = run_action(form, lambda: actions.plan_follow_up(
            request.user, task, planned_on=data["planned_on"],
            inspectors=list(data["inspectors"])))
        if check is not None:
            return redirect("assessment:spot_check_detail", pk=check.pk)
    context = {"form": form, "title": _("Plan a follow-up review of “%(check)s”") % {
        "check": original}, "cancel_url": reverse("assessment:spot_check_detail",
                                                 args=[original.pk])}
    return render_page(request, "assessment/form.html", context)


@require_safe
@staff_only()
def photo_download(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    check = visibility.get_visible_spot_check(request.user, pk)
    photo = get_object_or_404(check.photos.all(), pk=photo_pk)
    response = FileResponse(default_storage.open(photo.stored_name, "rb"),
                            content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response
