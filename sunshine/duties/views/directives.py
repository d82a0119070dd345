"""Directive pages: the list, create and edit, and the task tree with its roll-up."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sunshine.duties import actions
from sunshine.duties.forms import DirectiveForm, WeightsForm
from sunshine.duties.models import Directive, Task, TaskQuerySet
from sunshine.duties.rollup import directive_progress
from sunshine.duties.rules import HUNDRED
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
from sunshine.organisation.scoping import scoped


@require_safe
@staff_only()
def directive_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    directives = scoped(Directive.objects.select_related("region", "unit"), request.user)
    if text:
        directives = directives.filter(Q(title__icontains=text)
                                       | Q(document_number__icontains=text))
    directives = directives.annotate(task_count=Count("tasks")).order_by("-issued_on",
                                                                      "document_number")
    context = {"page": paginate(request, directives), "q": text,
               "can_write": can_write(request.user)}
    return render(request, "duties/directive_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def directive_create(request: HttpRequest) -> HttpResponse:
    form = DirectiveForm(request.user, posted(request))
    context = {"form": form, "title": _("New directive"),
               "cancel_url": reverse("duties:directive_list")}
    if request.method == "POST" and form.is_valid():
        directive = run_action(form, lambda: actions.create_directive(request.user,
                                                                      **form.changes()))
        if directive is not None:
            return redirect("duties:directive_detail", pk=directive.pk)
    return render_form(request, context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def directive_edit(request: HttpRequest, pk: int) -> HttpResponse:
    directive: Any = get_readable(Directive.objects.all(), request.user, write=True, pk=pk)
    initial = {name: getattr(directive, name) for name in DirectiveForm.base_fields}
    initial["version"] = directive.version
    form = DirectiveForm(request.user, posted(request), directive=directive, initial=initial)
    context = {"form": form, "title": _("Edit directive %(number)s") % {
        "number": directive.document_number},
        "cancel_url": reverse("duties:directive_detail", args=[pk])}
    if request.method == "POST" and form.is_valid():
        done = run_action(form, lambda: actions.update_directive(
            request.user, directive, form.changes(), expected_version=form.expected_version),
            refusal_on_form=True)
        if done is not None:
            return redirect("duties:directive_detail", pk=pk)
    return render_form(request, context)


@require_safe
@staff_only()
def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    directive: Any = get_readable(Directive.objects.select_related("region", "unit"),
                                request.user, pk=pk)
    today = timezone.localdate()
    tasks = tree(scoped_tasks(Task.objects.filter(directive=directive), request.user), today)
    context = {
        "directive": directive,
        "tasks": tasks,
        "progress": directive_progress(directive),
        "weight_gaps": weight_gaps(directive),
        "can_write": can_write(request.user)
        and scoped(Directive.objects.filter(pk=pk), request.user, write=True).exists(),
        "today": today,
    }
    return render(request, "duties/directive_detail.html", context)


def tree(tasks: TaskQuerySet, today) -> list[Task]:
    """Return tasks in tree order, with their status of ``today`` annotated."""
    rows = tasks.with_status(today).select_related("lead_unit", "responsible_person")
    return sorted(rows, key=lambda task: task.tree_key)


def weight_gaps(directive: Directive) -> dict[int | None, Decimal]:
    """Return the weight sum of each parent (None = top level) whose sub-tasks do not sum to 100."""
    sums: dict[int | None, Decimal] = defaultdict(Decimal)
    rows = (Task.objects.active().filter(directive=directive).order_by()
            .values("parent").annotate(total=Sum("weight")))
    for row in rows:
        sums[row["parent"]] = Decimal(row["total"]).quantize(Decimal("0.01"))
    return {parent: total for parent, total in sums.items() if total != HUNDRED}


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def directive_weights(request: HttpRequest, pk: int) -> HttpResponse:
    directive: Any = get_readable(Directive.objects.all(), request.user, write=True, pk=pk)
    return edit_weights(request, directive, None,
                        reverse("duties:directive_detail", args=[pk]))


def edit_weights(request: HttpRequest, directive: Directive, parent: Task | None,
                 done_url: str) -> HttpResponse:
    """Show and save the weights of every active task under ``parent`` at once."""
    children = list(Task.objects.active().filter(directive=directive, parent=parent)
                    .order_by("code"))
    form = WeightsForm(children, posted(request))
    if request.method == "POST" and form.is_valid():
        done = run_action(form, lambda: actions.set_weights(request.user, directive, parent,
                                                            form.weights()),
                          refusal_on_form=True)
        if done is not None:
            return redirect(done_url)
    owner = parent if parent is not None else directive
    context = {"form": form, "owner": owner, "cancel_url": done_url}
    return render_page(request, "duties/weights.html", context, form)
