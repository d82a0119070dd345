"""Project list, detail, create and edit pages of the staff site."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sunshine.audit.models import AuditEntry
from sunshine.funds import actions
from sunshine.funds.forms import ProjectFilterForm, ProjectForm
from sunshine.funds.models import (
    Allocation,
    Award,
    Bid,
    Contract,
    Disbursement,
    Procurement,
    Project,
    paid_beyond_arrival,
)
from sunshine.funds.views.access import (
    can_write,
    create_or_form_error,
    get_readable,
    paginate,
    posted,
    render_form,
    save_form,
    staff_only,
)
from sunshine.organisation.scoping import scoped

HISTORY_LIMIT = 100
CHILD_TYPES: dict[str, Any] = {
    "funds.allocation": Allocation,
    "funds.disbursement": Disbursement,
    "funds.procurement": Procurement,
    "funds.contract": Contract,
}


def filtered_projects(request: HttpRequest) -> tuple[ProjectFilterForm, QuerySet]:
    """Return the filter form and the user's projects narrowed by it.

    An invalid filter leaves the list unfiltered; the form carries the errors.
    """
    form = ProjectFilterForm(request.user, request.GET or None)
    projects: Any = scoped(Project.all_objects.select_related("region", "owner_unit"),
                           request.user)
    if form.is_bound and form.is_valid():
        projects = form.apply(projects)
    return form, projects


def with_flags(projects: QuerySet) -> QuerySet:
    """Annotate ``is_overdue`` and ``is_overpaid``, computed on the day of the request."""
    overdue = Project.all_objects.overdue(timezone.localdate()).filter(pk=OuterRef("pk"))
    return projects.annotate(
        is_overdue=Exists(overdue),
        is_overpaid=paid_beyond_arrival(),
    )


@require_safe
@staff_only()
def project_list(request: HttpRequest) -> HttpResponse:
    form, projects = filtered_projects(request)
    page = paginate(request, with_flags(projects))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(),
               "can_write": can_write(request.user)}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "funds/project_list.html", context, status=status)


@require_safe
@staff_only()
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project: Any = get_readable(project_details(), request.user, pk=pk)
    context = {
        "project": project,
        "history": project_history(project),
        "can_write": can_write(request.user)
        and scoped(Project.all_objects.filter(pk=pk), request.user, write=True).exists(),
        "is_overdue": Project.all_objects.overdue().filter(pk=pk).exists(),
    }
    return render(request, "funds/project_detail.html", context)


def project_details() -> QuerySet:
    bids = Bid.objects.select_related("supplier")
    awards = Award.objects.prefetch_related("suppliers")
    return Project.all_objects.select_related(
        "region", "owner_unit", "responsible_person__unit",
    ).prefetch_related(
        "allocations",
        Prefetch("disbursements", Disbursement.objects.select_related("supplier")),
        Prefetch("procurements", Procurement.objects.prefetch_related(
            Prefetch("bids", bids), Prefetch("awards", awards))),
        Prefetch("contracts", Contract.objects.select_related("supplier")),
    )


@dataclass
class HistoryRow:
    """An audit entry with its changes as (field, before, after) or (field, value) tuples."""

    entry: AuditEntry
    fields: list[tuple]


def project_history(project: Project) -> list[HistoryRow]:
    """Return the newest audit entries of the project and of the money rows under it.

    Update entries of child rows name only the changed fields, so they are
    found through the ids of the children that exist now. Create and delete
    entries carry ``project_id`` in their snapshot, which finds deleted
    children too.
    """
    condition = Q(object_type="funds.project", object_id=str(project.pk))
    for object_type, model in CHILD_TYPES.items():
        children = model._default_manager.filter(project=project)
        ids = [str(pk) for pk in children.values_list("pk", flat=True)]
        condition |= Q(object_type=object_type, object_id__in=ids)
        condition |= Q(object_type=object_type, changes__project_id=project.pk)
    entries = AuditEntry.objects.filter(condition).order_by("-id")[:HISTORY_LIMIT]
    return [describe(entry) for entry in entries]


def describe(entry: AuditEntry) -> HistoryRow:
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    if entry.action == "update":
        fields = [(name, *pair) for name, pair in changes.items()
                  if isinstance(pair, list) and len(pair) == 2]
    else:
        fields = [(name, value) for name, value in changes.items()]
    return HistoryRow(entry, fields)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.user, posted(request))
    context = {"form": form, "title": _("New project"), "cancel_url": reverse("funds:project_list")}
    if request.method == "POST" and form.is_valid():
        project = create_or_form_error(
            form, lambda: actions.create_project(request.user, **form.changes()))
        if project is not None:
            return redirect("funds:project_detail", pk=project.pk)
    return render_form(request, context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project: Any = get_readable(Project.all_objects.all(), request.user, write=True, pk=pk)
    form = ProjectForm(request.user, posted(request), project=project,
                       initial=project_initial(project))
    context = {"form": form, "title": _("Edit project %(code)s") % {"code": project.code},
               "cancel_url": reverse("funds:project_detail", args=[pk])}
    return save_form(
        request, form, context,
        lambda: actions.update_project(request.user, project, form.changes(),
                                       expected_version=form.expected_version),
        success_url=reverse("funds:project_detail", args=[pk]),
        current=lambda: Project.all_objects.get(pk=pk),
    )


def project_initial(project: Project) -> dict[str, Any]:
    names = [name for name in ProjectForm.base_fields if name != "version"]
    initial = {name: getattr(project, name) for name in names}
    initial["version"] = project.version
    return initial
