"""Duty list pages of the staff site: list, detail, create and edit."""

from typing import Any

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sunshine.duties import actions, formats
from sunshine.duties.forms import DutyForm, format_steps
from sunshine.duties.models import Duty, DutyFunding, Task
from sunshine.duties.views.common import (
    can_write,
    get_readable,
    paginate,
    posted,
    render_form,
    run_action,
    scoped_tasks,
    staff_only,
)
from sunshine.organisation.scoping import scoped


@require_safe
@staff_only()
def duty_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    duties = scoped(Duty.all_objects.select_related("unit__region"), request.user)
    if text:
        duties = duties.filter(Q(name__icontains=text) | Q(code__icontains=text)
                               | Q(unit__name__icontains=text))
    duties = duties.order_by("unit__region_id", "unit__name", "code")
    context = {"page": paginate(request, duties), "q": text, "can_write": can_write(request.user)}
    return render(request, "duties/duty_list.html", context)


@require_safe
@staff_only()
def duty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = Duty.all_objects.select_related("unit__region", "directive").prefetch_related(
        Prefetch("funding", DutyFunding.objects.all()), "steps")
    duty: Any = get_readable(queryset, request.user, pk=pk)
    tasks = scoped_tasks(Task.objects.filter(duty=duty), request.user).with_status().select_related(
        "lead_unit")
    context = {
        "duty": duty,
        "funding": formats.display_funding([(f.source, f.share) for f in duty.funding.all()]),
        "tasks": tasks,
        "can_write": can_write(request.user)
        and scoped(Duty.all_objects.filter(pk=pk), request.user, write=True).exists(),
    }
    return render(request, "duties/duty_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def duty_create(request: HttpRequest) -> HttpResponse:
    form = DutyForm(request.user, posted(request))
    context = {"form": form, "title": _("New duty"), "cancel_url": reverse("duties:duty_list")}
    if request.method == "POST" and form.is_valid():
        duty = run_action(form, lambda: actions.create_duty(
            request.user, funding=form.cleaned_data["funding"],
            steps=form.cleaned_data["steps"], **form.changes()))
        if duty is not None:
            return redirect("duties:duty_detail", pk=duty.pk)
    return render_form(request, context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def duty_edit(request: HttpRequest, pk: int) -> HttpResponse:
    duty: Any = get_readable(Duty.all_objects.all(), request.user, write=True, pk=pk)
    form = DutyForm(request.user, posted(request), duty=duty, initial=duty_initial(duty))
    context = {"form": form, "title": _("Edit duty %(code)s") % {"code": duty.code},
               "cancel_url": reverse("duties:duty_detail", args=[pk])}
    if request.method == "POST" and form.is_valid():
        done = run_action(form, lambda: actions.update_duty(
            request.user, duty, form.changes(), funding=form.cleaned_data["funding"],
            steps=form.cleaned_data["steps"], expected_version=form.expected_version))
        if done is not None:
            return redirect("duties:duty_detail", pk=pk)
    return render_form(request, context)


def duty_initial(duty: Duty) -> dict[str, Any]:
    names = [name for name in DutyForm.base_fields if name not in ("version", "funding", "steps")]
    initial = {name: getattr(duty, name) for name in names}
    initial["funding"] = formats.format_funding([(f.source, f.share) for f in duty.funding.all()])
    initial["steps"] = format_steps(duty)
    initial["version"] = duty.version
    return initial
