"""Tasks and progress reports in the JSON API under /api/v1/; every endpoint needs a token.

- ``GET /tasks/``, ``GET /tasks/{id}/``: tasks inside the token user's scope,
  with the status derived on the day of the request.
- ``GET /tasks/{id}/progress-reports/``, ``POST`` the same path: list or
  submit progress reports (without evidence files, which the staff page takes).
- ``POST /progress-reports/{id}/approve/`` and ``…/return/``: a leader's
  decision; the maker of a report gets 403.

A task outside the scope is 404 like an unknown id, as elsewhere in the API.
"""

import datetime
import functools
from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from sunshine.api.pagination import BoundedPagination
from sunshine.api.responses import method_not_allowed
from sunshine.api.schemas import ErrorOut
from sunshine.duties import actions
from sunshine.duties.models import ProgressReport, Task, TaskQuerySet, TaskStatus
from sunshine.organisation.scoping import region_in_scope, scope_for, scoped

router = Router(tags=["tasks and progress reports"])

PERCENT = "Decimal string with two places, e.g. \"62.50\"."


def private_answers(run: Callable) -> Callable:
    """Keep every response of this router out of the shared public cache, because all depend on the token."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        response.public_cacheable = False  # type: ignore[attr-defined]
        return response

    return wrapper


router.add_decorator(private_answers, mode="view")


class TaskOut(Schema):
    id: int
    directive: str = Field(description="Document number (文号) of the directive.")
    code: str
    name: str
    parent_id: int | None
    lead_unit_id: int
    lead_unit: str
    cooperating_units: list[str]
    responsible_person: str | None
    start: datetime.date
    deadline: datetime.date
    weight: str = Field(description="Share of the parent's progress in percent. " + PERCENT)
    progress: str = Field(description="Approved progress in percent, rolled up for a parent. "
                                      + PERCENT)
    completed_on: datetime.date | None
    cancelled_on: datetime.date | None
    status: TaskStatus = Field(description="Derived on the day of the request.")
    status_label: str

    @staticmethod
    def resolve_directive(task: Task) -> str:
        return task.directive.document_number

    @staticmethod
    def resolve_lead_unit(task: Task) -> str:
        return task.lead_unit.name

    @staticmethod
    def resolve_cooperating_units(task: Task) -> list[str]:
        return [unit.name for unit in task.cooperating_units.all()]

    @staticmethod
    def resolve_responsible_person(task: Task) -> str | None:
        return task.responsible_person.name if task.responsible_person else None

    @staticmethod
    def resolve_weight(task: Task) -> str:
        return f"{task.weight:.2f}"

    @staticmethod
    def resolve_progress(task: Task) -> str:
        return f"{task.progress:.2f}"

    @staticmethod
    def resolve_status_label(task: Task) -> str:
        return task.get_status_display()


class ReportOut(Schema):
    id: int
    task_id: int
    percent: int
    text: str
    as_of: datetime.date
    reason: str
    status: str = Field(description="submitted, approved or returned.")
    status_label: str
    submitted_by: str
    submitted_at: datetime.datetime
    decided_by: str | None
    decided_at: datetime.datetime | None
    return_reason: str
    evidence_files: int

    @staticmethod
    def resolve_status_label(report: ProgressReport) -> str:
        return report.get_status_display()

    @staticmethod
    def resolve_submitted_by(report: ProgressReport) -> str:
        return report.submitted_by.get_username()

    @staticmethod
    def resolve_decided_by(report: ProgressReport) -> str | None:
        return report.decided_by.get_username() if report.decided_by else None

    @staticmethod
    def resolve_evidence_files(report: ProgressReport) -> int:
        return report.evidence.count()


class ProgressReportIn(Schema):
    percent: int = Field(description="Progress reached, 0 to 100.")
    text: str = Field(description="What was done.")
    as_of: datetime.date | None = Field(None, description="Day the progress was reached; "
                                                          "today when left out.")
    reason: str = Field("", description="Why progress went back; required when it is lower "
                                        "than the approved progress.")


class ReturnIn(Schema):
    reason: str = Field(description="Why the report goes back to the operator.")


class TaskFilter(Schema):
    status: TaskStatus | None = None
    region: str = Field("", description="Statistical code of a region in scope.")
    q: str = Field("", description="Part of a task number or name.")


def staff_user(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not user.is_authenticated:
        raise HttpError(401, _("This endpoint needs a token: send “Authorization: Bearer "
                               "<token>”, made with “sunshine create_token USERNAME”."))
    return user


def visible_tasks(user: Any):
    tasks = Task.objects.select_related("directive", "lead_unit", "responsible_person")
    return cast(TaskQuerySet, scoped(tasks.prefetch_related("cooperating_units"), user)).with_status()


def get_task(user: Any, task_id: int) -> Task:
    task = visible_tasks(user).filter(pk=task_id).first()
    if task is None:
        raise HttpError(404, _("No task %(id)s is visible to you.") % {"id": task_id})
    return task


def rejected(error: ValidationError | PermissionDenied) -> HttpError:
    if isinstance(error, PermissionDenied):
        return HttpError(403, str(error))
    return HttpError(400, " ".join(error.messages))


@router.get("/tasks/", response={200: list[TaskOut], 400: ErrorOut, 401: ErrorOut},
            url_name="tasks")
@paginate(BoundedPagination)
def list_tasks(request: HttpRequest, filters: TaskFilter = Query(...)):  # noqa: B008
    """List the tasks inside the token user's scope, by deadline."""
    user = staff_user(request)
    tasks = visible_tasks(user)
    if filters.region:
        try:
            region = region_in_scope(user, filters.region)
        except ValidationError as error:
            raise rejected(error) from None
        tasks = tasks.in_region(region)
    if filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.q:
        tasks = tasks.filter(name__icontains=filters.q) | tasks.filter(code__icontains=filters.q)
    return tasks.order_by("deadline", "pk")


@router.get("/tasks/{task_id}/", response={200: TaskOut, 401: ErrorOut, 404: ErrorOut},
            url_name="task")
def task_detail(request: HttpRequest, task_id: int):
    """Return one task with its approved progress and derived status."""
    return get_task(staff_user(request), task_id)


@router.get("/tasks/{task_id}/progress-reports/",
            response={200: list[ReportOut], 401: ErrorOut, 404: ErrorOut},
            url_name="task_reports")
def task_reports(request: HttpRequest, task_id: int):
    """List the progress reports of a task, newest first."""
    task = get_task(staff_user(request), task_id)
    return task.reports.select_related("submitted_by", "decided_by")


@router.post("/tasks/{task_id}/progress-reports/",
             response={201: ReportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
                       404: ErrorOut})
def submit_report(request: HttpRequest, task_id: int, body: ProgressReportIn):
    """Submit a progress report for a leader of the lead unit to approve."""
    user = staff_user(request)
    task = get_task(user, task_id)
    if not scope_for(user, write=True).contains(task):
        raise HttpError(403, _("Your roles allow reading this task, not reporting on it."))
    try:
        report = actions.submit_report(user, task, percent=body.percent, text=body.text,
                                       as_of=body.as_of or timezone.localdate(),
                                       reason=body.reason)
    except (ValidationError, PermissionDenied) as error:
        raise rejected(error) from None
    return Status(201, report)


def get_report(user: Any, report_id: int) -> ProgressReport:
    report = scoped(ProgressReport.objects.select_related("task", "submitted_by"), user).filter(
        pk=report_id).first()
    if report is None:
        raise HttpError(404, _("No progress report %(id)s is visible to you.") % {"id": report_id})
    return report


@router.post("/progress-reports/{report_id}/approve/",
             response={200: ReportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
                       404: ErrorOut})
def approve_report(request: HttpRequest, report_id: int):
    """Approve a submitted report; the maker of the report gets 403."""
    user = staff_user(request)
    try:
        return actions.approve_report(user, get_report(user, report_id))
    except (ValidationError, PermissionDenied) as error:
        raise rejected(error) from None


@router.post("/progress-reports/{report_id}/return/",
             response={200: ReportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
                       404: ErrorOut})
def return_report(request: HttpRequest, report_id: int, body: ReturnIn):
    """Return a submitted report to its maker with the reason."""
    user = staff_user(request)
    try:
        return actions.return_report(user, get_report(user, report_id), reason=body.reason)
    except (ValidationError, PermissionDenied) as error:
        raise rejected(error) from None


@router.api_operation(["POST", "PUT", "PATCH", "DELETE"], "/tasks/", include_in_schema=False,
                      auth=None)
def reject_tasks(request: HttpRequest):
    return method_not_allowed(request, "GET")


@router.api_operation(["POST", "PUT", "PATCH", "DELETE"], "/tasks/{task_id}/",
                      include_in_schema=False, auth=None)
def reject_task(request: HttpRequest, task_id: str):
    return method_not_allowed(request, "GET")


@router.api_operation(["PUT", "PATCH", "DELETE"], "/tasks/{task_id}/progress-reports/",
                      include_in_schema=False, auth=None)
def reject_task_reports(request: HttpRequest, task_id: str):
    return method_not_allowed(request, "GET, POST")


@router.api_operation(["GET", "PUT", "PATCH", "DELETE"], "/progress-reports/{report_id}/approve/",
                      include_in_schema=False, auth=None)
def reject_approve(request: HttpRequest, report_id: str):
    return method_not_allowed(request, "POST")


@router.api_operation(["GET", "PUT", "PATCH", "DELETE"], "/progress-reports/{report_id}/return/",
                      include_in_schema=False, auth=None)
def reject_return(request: HttpRequest, report_id: str):
    return method_not_allowed(request, "POST")
