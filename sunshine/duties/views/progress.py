"""Progress report pages: submit with evidence, the approval queue, approve or return,
and downloading evidence."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sunshine.duties import actions
from sunshine.duties.actions.common import is_leader_for, unit_prefixes
from sunshine.duties.evidence import allowed_labels
from sunshine.duties.forms import ReasonForm, ReportForm
from sunshine.duties.models import Evidence, ProgressReport, ReportStatus, Task
from sunshine.duties.views.common import (
    get_readable,
    paginate,
    posted,
    render_page,
    run_action,
    staff_only,
)
from sunshine.organisation.models import Assignment, Role
from sunshine.organisation.scoping import scoped
from sunshine.rules.values import get_setting


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    task: Any = get_readable(Task.objects.select_related("lead_unit__region", "directive"),
                           request.user, write=True, pk=pk)
    form = ReportForm(posted(request), request.FILES if request.method == "POST" else None,
                      initial={"as_of": timezone.localdate(), "percent": int(task.progress)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = run_action(form, lambda: actions.submit_report(
            request.user, task, percent=data["percent"], text=data["text"], as_of=data["as_of"],
            reason=data["reason"], files=data["evidence"]))
        if report is not None:
            return redirect("duties:report_detail", pk=report.pk)
    region = task.lead_unit.region
    context = {"form": form, "task": task, "types": allowed_labels(region),
               "max_bytes": get_setting("duties.evidence_max_bytes", region=region)}
    return render_page(request, "duties/report_form.html", context, form)


@require_safe
@staff_only()
def report_list(request: HttpRequest) -> HttpResponse:
    """Reports waiting for approval by the user, then the user's own recent reports."""
    reports = scoped(ProgressReport.objects.select_related("task__lead_unit", "submitted_by"),
                     request.user)
    context = {
        "to_decide": awaiting(request.user, reports),
        "page": paginate(request, reports.filter(submitted_by=request.user)),
    }
    return render(request, "duties/report_list.html", context)


def awaiting(user: Any, reports) -> list[ProgressReport]:
    """Return submitted reports of units the user leads (or units below them), not their own."""
    led = Assignment.objects.filter(user=user, role=Role.LEADER).values_list("unit__path",
                                                                            flat=True)
    pending = reports.filter(status=ReportStatus.SUBMITTED).exclude(submitted_by=user)
    return [report for report in pending.order_by("submitted_at")
            if any(path in unit_prefixes(report.task.lead_unit) for path in led)
            or user.is_superuser]


@require_safe
@staff_only()
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return show_report(request, pk)


def show_report(request: HttpRequest, pk: int, *, return_form: ReasonForm | None = None,
                error: Any = None) -> HttpResponse:
    queryset = ProgressReport.objects.select_related("task__lead_unit__region", "submitted_by",
                                                     "decided_by")
    report: Any = get_readable(queryset, request.user, pk=pk)
    may_decide = (report.status == ReportStatus.SUBMITTED
                  and report.submitted_by_id != request.user.pk
                  and is_leader_for(request.user, report.task))
    context = {
        "report": report,
        "evidence": report.evidence.all(),
        "may_decide": may_decide,
        "own_report": report.submitted_by_id == request.user.pk,
        "return_form": return_form or ReasonForm(),
        "error": error,
    }
    invalid = error is not None or (return_form is not None and return_form.errors)
    return render(request, "duties/report_detail.html", context, status=400 if invalid else 200)


@require_POST
@staff_only(write=True)
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    report: Any = get_readable(ProgressReport.objects.all(), request.user, pk=pk)
    try:
        actions.approve_report(request.user, report)
    except ValidationError as error:
        return show_report(request, pk, error=" ".join(error.messages))
    return redirect("duties:report_detail", pk=pk)


@require_POST
@staff_only(write=True)
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report: Any = get_readable(ProgressReport.objects.all(), request.user, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        done = run_action(form, lambda: actions.return_report(
            request.user, report, reason=form.cleaned_data["reason"]))
        if done is not None:
            return redirect("duties:report_detail", pk=pk)
    return show_report(request, pk, return_form=form)


@require_safe
@staff_only()
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    item: Any = get_readable(Evidence.objects.all(), request.user, pk=pk)
    if not default_storage.exists(item.stored_name):
        raise Http404
    response = FileResponse(default_storage.open(item.stored_name, "rb"), as_attachment=True,
                            filename=item.original_name or item.stored_name.rsplit("/", 1)[-1],
                            content_type=item.content_type)
    return response
