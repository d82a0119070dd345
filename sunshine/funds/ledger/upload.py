"""Accepting a ledger upload on the staff site: size and file type checks.

The type check reads the file itself, not its name or the browser's
content type: an .xlsx workbook is a zip archive with ``xl/workbook.xml``.
"""

import tempfile
import zipfile
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ZIP_SIGNATURE = b"PK\x03\x04"
# Excel 97-2003 (.xls) files are OLE compound documents.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_PART = "xl/workbook.xml"


def upload_limit() -> int:
    return settings.SUNSHINE_MAX_UPLOAD_BYTES


def too_large_message() -> str:
    return _("The file is larger than %(limit)s; split the ledger into several workbooks.") % {
        "limit": filesizeformat(upload_limit())
    }


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Ledger workbook (.xlsx)"),
        error_messages={
            "required": gettext_lazy("Choose an .xlsx file to upload."),
            "empty": gettext_lazy("The chosen file is empty; choose the filled-in ledger "
                                  "workbook."),
        },
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > upload_limit():
            raise forms.ValidationError(too_large_message())
        check_xlsx(upload)
        return upload


def check_xlsx(upload: Any) -> None:
    """Raise ValidationError unless the upload is an .xlsx workbook."""
    upload.seek(0)
    head = upload.read(len(OLE_SIGNATURE))
    upload.seek(0)
    if head.startswith(OLE_SIGNATURE):
        raise forms.ValidationError(_(
            "“%(name)s” is an old Excel 97-2003 (.xls) file; open it in Excel, save it as "
            "“Excel Workbook (*.xlsx)” and upload that file."
        ) % {"name": upload.name})
    if not head.startswith(ZIP_SIGNATURE) or not _has_workbook_part(upload):
        raise forms.ValidationError(_(
            "“%(name)s” is not an Excel .xlsx workbook; download the template, fill it in and "
            "upload it."
        ) % {"name": upload.name})


def _has_workbook_part(upload: Any) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return WORKBOOK_PART in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def store_upload(upload: UploadedFile) -> str:
    """Copy the upload to a temporary file that outlives the request; return its path."""
    with tempfile.NamedTemporaryFile(prefix="sunshine-ledger-", suffix=".xlsx",
                                     delete=False) as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return target.name
