"""Task pages: the filtered list, detail with sub-tasks and reports, create, edit, weights,
cancellation and milestones."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sunshine.duties import actions, formats, rates
from sunshine.duties.actions.common import is_leader_for
from sunshine.duties.forms import (
    MilestoneDoneForm,
    MilestoneForm,
    ReasonForm,
    TaskFilterForm,
    TaskForm,
)
from sunshine.duties.models import Directive, Milestone, ReportStatus, Task, TaskQuerySet
from sunshine.duties.views.common import (
    can_write,
    get_readable,
    paginate,
    posted,
    render_form,
    render_page,
    run_action,
    scoped_tasks,
    staff_only,
)
from sunshine.duties.views.directives import edit_weights, weight_gaps
from sunshine.lib.record_ids import parse_id
from sunshine.organisation.scoping import scope_for, scoped


@require_safe
@staff_only()
def task_list(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET)
    today = timezone.localdate()
    tasks = scoped_tasks(Task.objects.select_related("lead_unit", "directive",
                                                     "responsible_person"),
                         request.user).with_status(today)
    if not form.is_valid():
        context = {"form": form, "page": paginate(request, tasks.none()), "today": today}
        return render(request, "duties/task_list.html", context, status=400)
    found = apply_filters(request, form.cleaned_data, tasks, today)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": paginate(request, found.order_by("deadline", "path")),
               "query": query.urlencode(), "today": today, **measure_context(form, today)}
    return render(request, "duties/task_list.html", context)


def apply_filters(request: HttpRequest, data: dict[str, Any], tasks: TaskQuerySet,
                  today) -> QuerySet:
    region = data.get("region")
    if region is not None:
        if not scope_for(request.user).contains_region(region):
            raise PermissionDenied(_("%(region)s is outside the regions you may read.")
                                   % {"region": region.name})
        tasks = tasks.in_region(region)
    if data.get("unit"):
        tasks = tasks.filter(lead_unit_id=data["unit"])
    if data.get("directive"):
        tasks = tasks.filter(directive_id=data["directive"])
    if data.get("q"):
        tasks = tasks.filter(Q(code__icontains=data["q"]) | Q(name__icontains=data["q"]))
    if data.get("status"):
        tasks = tasks.filter(status=data["status"])
    if data.get("measure"):
        period = data["period"]
        tasks = rates.tasks_behind(tasks, period, today, data["measure"]).annotate(
            counted_done=ExpressionWrapper(rates.done_condition(period, today),
                                           output_field=BooleanField()))
    return tasks


def measure_context(form: TaskFilterForm, today) -> dict[str, Any]:
    """Return what the page needs to mark each task as counted due or done on time."""
    period = form.cleaned_data.get("period")
    if not form.cleaned_data.get("measure") or period is None:
        return {}
    return {"period": period, "measure": form.cleaned_data["measure"],
            "as_of": rates.as_of(period, today)}


@require_safe
@staff_only()
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = Task.objects.select_related("directive", "parent", "lead_unit__region",
                                           "responsible_person", "duty")
    task: Any = get_readable(queryset, request.user, pk=pk)
    today = timezone.localdate()
    writable = scoped(Task.objects.filter(pk=pk), request.user, write=True).exists()
    children = scoped_tasks(task.children.all(), request.user).with_status(today).select_related(
        "lead_unit")
    context = {
        "task": task,
        "status": task.status_on(today),
        "children": children,
        "gap": weight_gaps(task.directive).get(task.pk) if task.children.exists() else None,
        "cooperating": task.cooperating_units.order_by("name"),
        "milestones": task.milestones.all(),
        "reports": task.reports.select_related("submitted_by", "decided_by").prefetch_related(
            "evidence"),
        "can_write": can_write(request.user) and writable,
        "can_report": writable and task.cancelled_on is None
        and not task.children.filter(cancelled_on__isnull=True).exists(),
        "is_leader": is_leader_for(request.user, task),
        "pending": task.reports.filter(status=ReportStatus.SUBMITTED).exists(),
        "milestone_form": MilestoneForm(),
        "milestone_done_form": MilestoneDoneForm(initial={"done_on": today}),
    }
    return render(request, "duties/task_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def task_create(request: HttpRequest) -> HttpResponse:
    directive, parent = creation_place(request)
    form = TaskForm(request.user, posted(request), directive=directive,
                    initial=task_defaults(directive, parent))
    context = {"form": form, "title": _("New sub-task of %(parent)s") % {"parent": parent}
               if parent else _("New task of %(directive)s") % {"directive": directive},
               "cancel_url": reverse("duties:directive_detail", args=[directive.pk])}
    if request.method == "POST" and form.is_valid():
        task = run_action(form, lambda: actions.create_task(
            request.user, directive=directive, parent=parent,
            cooperating_units=form.cleaned_data["cooperating_units"],
            milestones=form.cleaned_data["milestones"], **form.changes()))
        if task is not None:
            return redirect("duties:task_detail", pk=task.pk)
    return render_form(request, context)


def creation_place(request: HttpRequest) -> tuple[Directive, Task | None]:
    """Return the directive and parent named by ?directive= or ?parent=, checked for scope."""
    parent_id = request.GET.get("parent", "")
    if parent_id:
        parent: Any = get_readable(Task.objects.select_related("directive"), request.user,
                                 pk=_number(parent_id))
        return parent.directive, parent
    directive: Any = get_readable(Directive.objects.all(), request.user, write=True,
                                pk=_number(request.GET.get("directive", "")))
    return directive, None


def _number(text: str) -> int:
    number = parse_id(text)
    if number is None:
        raise Http404(_("Choose a directive or a parent task first."))
    return number


def task_defaults(directive: Directive, parent: Task | None) -> dict[str, Any]:
    if parent is None:
        return {"lead_unit": directive.unit, "start": directive.issued_on}
    return {"lead_unit": parent.lead_unit, "start": parent.start, "deadline": parent.deadline,
            "code": f"{parent.code}."}


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task: Any = get_readable(Task.objects.select_related("directive"), request.user, write=True,
                           pk=pk)
    form = TaskForm(request.user, posted(request), directive=task.directive, task=task,
                    initial=task_initial(task))
    context = {"form": form, "title": _("Edit task %(code)s") % {"code": task.code},
               "cancel_url": reverse("duties:task_detail", args=[pk])}
    if request.method == "POST" and form.is_valid():
        done = run_action(form, lambda: actions.update_task(
            request.user, task, form.changes(),
            cooperating_units=form.cleaned_data["cooperating_units"],
            expected_version=form.expected_version), refusal_on_form=True)
        if done is not None:
            return redirect("duties:task_detail", pk=pk)
    return render_form(request, context)


def task_initial(task: Task) -> dict[str, Any]:
    names = [name for name in TaskForm.base_fields if name not in ("version", "cooperating_units")]
    initial = {name: getattr(task, name) for name in names}
    initial["weight"] = formats.format_percent(task.weight).rstrip("%")
    initial["cooperating_units"] = list(task.cooperating_units.all())
    initial["version"] = task.version
    return initial


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def task_weights(request: HttpRequest, pk: int) -> HttpResponse:
    task: Any = get_readable(Task.objects.select_related("directive"), request.user, write=True,
                           pk=pk)
    return edit_weights(request, task.directive, task,
                        reverse("duties:task_detail", args=[pk]))


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def task_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    task: Any = get_readable(Task.objects.select_related("lead_unit__region"), request.user,
                           write=True, pk=pk)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = run_action(form, lambda: actions.cancel_task(
            request.user, task, reason=form.cleaned_data["reason"]), refusal_on_form=True)
        if done is not None:
            return redirect("duties:task_detail", pk=pk)
    context = {"form": form, "task": task}
    return render_page(request, "duties/task_cancel.html", context, form)


@require_POST
@staff_only(write=True)
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    task: Any = get_readable(Task.objects.all(), request.user, write=True, pk=pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        done = run_action(form, lambda: actions.add_milestone(request.user, task,
                                                              **form.cleaned_data))
        if done is not None:
            return redirect("duties:task_detail", pk=pk)
    context = {"form": form, "title": _("New milestone of %(task)s") % {"task": task},
               "cancel_url": reverse("duties:task_detail", args=[pk])}
    return render_form(request, context)


@require_POST
@staff_only(write=True)
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    milestone: Any = get_readable(Milestone.objects.select_related("task"), request.user,
                                write=True, pk=pk)
    form = MilestoneDoneForm(request.POST)
    if form.is_valid():
        done = run_action(form, lambda: actions.complete_milestone(
            request.user, milestone, done_on=form.cleaned_data["done_on"]))
        if done is not None:
            return redirect("duties:task_detail", pk=milestone.task_id)
    context = {"form": form, "title": _("Milestone %(name)s reached") % {"name": milestone.name},
               "cancel_url": reverse("duties:task_detail", args=[milestone.task_id])}
    return render_form(request, context)
