"""Staff pages for the Excel project ledger: upload, progress, template and export."""

import logging
import tempfile
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from sunshine.funds.ledger.jobs import start_job
from sunshine.funds.ledger.report import LedgerReport
from sunshine.funds.ledger.upload import (
    LedgerUploadForm,
    store_upload,
    too_large_message,
    upload_limit,
)
from sunshine.funds.ledger.writer import export_projects, other_currencies, write_template
from sunshine.funds.models import Project
from sunshine.funds.models_ledger import ImportJob
from sunshine.funds.views.access import can_write, staff_only
from sunshine.organisation.models import Level, Region
from sunshine.organisation.scoping import scope_for, scoped

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Room for the multipart boundaries and the CSRF field around the file.
FORM_OVERHEAD = 64 * 1024
RECENT_JOBS = 10


@require_safe
@staff_only()
def ledger_home(request: HttpRequest) -> HttpResponse:
    return _render_home(request, LedgerUploadForm())


def _render_home(request: HttpRequest, form: LedgerUploadForm, *, status: int = 200,
                 upload_error: str = "") -> HttpResponse:
    context = {
        "form": form,
        "upload_error": upload_error,
        "can_write": can_write(request.user),
        "jobs": _recent_jobs(request.user),
        "regions": _export_regions(request.user),
        "other_currency_note": _other_currency_note(request.user),
        "upload_limit": upload_limit(),
    }
    return render(request, "funds/ledger/home.html", context, status=status)


def _recent_jobs(user: Any) -> list[ImportJob]:
    return list(ImportJob.objects.filter(user=user)[:RECENT_JOBS])


def _other_currency_note(user: Any) -> str:
    """Return the note that an export leaves out the user's projects kept in other currencies."""
    currencies = other_currencies(scoped(Project.all_objects.all(), user))
    count = sum(currencies.values())
    if not count:
        return ""
    return ngettext(
        "%(count)s of the projects you may read is kept in another currency than yuan "
        "(%(currencies)s). The ledger holds amounts in yuan only, so an export leaves it out; "
        "the project list (CSV) gives its amounts with their currency.",
        "%(count)s of the projects you may read are kept in other currencies than yuan "
        "(%(currencies)s). The ledger holds amounts in yuan only, so an export leaves them out; "
        "the project list (CSV) gives their amounts with their currency.",
        count,
    ) % {"count": count, "currencies": ", ".join(currencies)}


def _export_regions(user: Any) -> list[Region]:
    """Return the counties and townships a user may export, for the region menu."""
    scope = scope_for(user)
    regions = Region.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP]).order_by("path")
    if scope.everything:
        return list(regions)
    return [r for r in regions if scope.contains_region(r)]


@csrf_exempt
@require_POST
@staff_only(write=True)
def ledger_upload(request: HttpRequest) -> HttpResponse:
    # Checked before anything reads the body: CsrfViewMiddleware would
    # otherwise parse the whole multipart upload first. The CSRF check
    # follows in _accept_upload.
    if _content_length(request) > upload_limit() + FORM_OVERHEAD:
        return _render_home(request, LedgerUploadForm(), status=400,
                            upload_error=too_large_message())
    return _accept_upload(request)


@csrf_protect
def _accept_upload(request: HttpRequest) -> HttpResponse:
    form = LedgerUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_home(request, form, status=400)
    upload = form.cleaned_data["file"]
    job = start_job(request.user, upload.name, store_upload(upload), translation.get_language())
    return redirect("funds:ledger_job", pk=job.pk)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@require_safe
@staff_only()
def ledger_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    context = {
        "job": job,
        "report": LedgerReport.from_dict(job.report) if job.report else None,
        "progress_message": _progress_message(job),
    }
    return render(request, "funds/ledger/job.html", context)


@require_safe
@staff_only()
def ledger_job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    job = _own_job(request, pk)
    return JsonResponse({
        "status": job.status,
        "status_label": job.get_status_display(),
        "finished": job.finished,
        "done": job.done_rows,
        "total": job.total_rows,
        "message": _progress_message(job),
    })


def _own_job(request: HttpRequest, pk: int) -> ImportJob:
    """Return the user's own job; another user's job is reported as not found."""
    job = get_object_or_404(ImportJob, pk=pk)
    if job.user_id != request.user.pk:
        raise Http404
    return job


def _progress_message(job: ImportJob) -> str:
    if job.finished:
        return job.get_status_display()
    if job.total_rows and job.done_rows >= job.total_rows:
        return _("All %(total)s rows checked; writing to the database.") % {
            "total": job.total_rows}
    if job.total_rows:
        return _("Checked %(done)s of %(total)s rows.") % {"done": job.done_rows,
                                                          "total": job.total_rows}
    return _("Opening the workbook.")


@require_safe
@staff_only()
def ledger_template(request: HttpRequest) -> FileResponse:
    return _xlsx_response(write_template, _("project-ledger-template"))


@require_safe
@staff_only()
def ledger_export(request: HttpRequest) -> FileResponse:
    projects = Project.all_objects.all()
    code = request.GET.get("region", "").strip()
    if code:
        region = get_object_or_404(Region, code=code)
        scope = scope_for(request.user)
        if not (scope.everything or scope.contains_region(region)):
            raise PermissionDenied(_("%(region)s is outside the regions you may read.")
                                   % {"region": region.name})
        projects = projects.in_region(region)
    visible = scoped(projects, request.user)
    logger.info("ledger export by user %s, region %s", request.user.pk, code or "all")
    return _xlsx_response(lambda target: export_projects(request.user, target, visible),
                          _("project-ledger"))


def _xlsx_response(write, name: str) -> FileResponse:
    # FileResponse closes the file once it has been sent, which deletes it.
    target = tempfile.TemporaryFile()  # noqa: SIM115
    write(target)
    target.seek(0)
    filename = f"{name}-{timezone.localdate().isoformat()}.xlsx"
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
