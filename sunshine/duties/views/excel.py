"""Staff pages for the duty workbook: upload, template and export."""

import logging
import os
import tempfile
from typing import Any

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sunshine.duties.excel.importer import LedgerError, import_workbook
from sunshine.duties.excel.writer import export_workbook, write_template
from sunshine.duties.models import Directive, Duty, Task
from sunshine.duties.views.common import can_write, staff_only
from sunshine.funds.ledger.upload import check_xlsx, upload_limit
from sunshine.organisation.scoping import scoped

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Duty workbook (.xlsx)"),
        error_messages={"required": gettext_lazy("Choose an .xlsx file to upload."),
                        "empty": gettext_lazy("The chosen file is empty; choose the filled-in "
                                              "workbook.")})

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > upload_limit():
            raise forms.ValidationError(_(
                "The file is larger than %(limit)s; split the duty list into several "
                "workbooks, for example one per unit.") % {
                "limit": filesizeformat(upload_limit())})
        check_xlsx(upload)
        return upload


@require_safe
@staff_only()
def excel_home(request: HttpRequest) -> HttpResponse:
    return render(request, "duties/excel.html", {"form": WorkbookForm(),
                                                 "can_write": can_write(request.user)})


@require_POST
@staff_only(write=True)
def excel_upload(request: HttpRequest) -> HttpResponse:
    form = WorkbookForm(request.POST, request.FILES)
    context: dict[str, Any] = {"form": form, "can_write": True}
    if not form.is_valid():
        return render(request, "duties/excel.html", context, status=400)
    path = store(form.cleaned_data["file"])
    try:
        context["report"] = import_workbook(request.user, path,
                                            language=translation.get_language())
    except LedgerError as error:
        context["error"] = error
        return render(request, "duties/excel.html", context, status=400)
    finally:
        os.unlink(path)
    return render(request, "duties/excel.html", context)


def store(upload: Any) -> str:
    with tempfile.NamedTemporaryFile(prefix="sunshine-duties-", suffix=".xlsx",
                                     delete=False) as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return target.name


@require_safe
@staff_only()
def excel_template(request: HttpRequest) -> FileResponse:
    return xlsx_response(write_template, _("duty-workbook-template"))


@require_safe
@staff_only()
def excel_export(request: HttpRequest) -> FileResponse:
    user = request.user
    logger.info("duty export by user %s", user.pk)
    return xlsx_response(lambda target: export_workbook(
        user, target, directives=scoped(Directive.objects.all(), user),
        duties=scoped(Duty.all_objects.all(), user), tasks=scoped(Task.objects.all(), user)),
        _("duty-workbook"))


def xlsx_response(write: Any, name: str) -> FileResponse:
    # FileResponse closes the file once it has been sent, which deletes it.
    target = tempfile.TemporaryFile()  # noqa: SIM115
    write(target)
    target.seek(0)
    filename = f"{name}-{timezone.localdate().isoformat()}.xlsx"
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
