"""Accepting a ledger upload on the staff site: size and file type checks.

The type check reads the file itself, not its name or the browser's
content type: an .xlsx workbook is a zip archive with ``xl/workbook.xml``.
The archive's unpacked size is checked from its directory before any part
is read, because the workbook readers hold the unpacked XML in memory: a
1 MB upload that unpacks to 1 GB took 3 GB of memory in the reader.
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
# Real workbooks unpack to about 5 to 10 times their size, so 10 times the upload limit
# (500 MB by default) leaves room for every ledger the upload limit admits.
UNPACKED_PER_UPLOADED_BYTE = 10


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
    parts = _archive_parts(upload) if head.startswith(ZIP_SIGNATURE) else None
    if parts is None or WORKBOOK_PART not in parts:
        raise forms.ValidationError(_(
            "“%(name)s” is not an Excel .xlsx workbook; download the template, fill it in and "
            "upload it."
        ) % {"name": upload.name})
    unpacked, limit = sum(parts.values()), upload_limit() * UNPACKED_PER_UPLOADED_BYTE
    if unpacked > limit:
        raise forms.ValidationError(_(
            "“%(name)s” unpacks to %(size)s, more than the %(limit)s a workbook may hold; it may "
            "contain very long texts or many empty formatted cells. Copy only the filled-in "
            "rows into the template and upload that file."
        ) % {"name": upload.name, "size": filesizeformat(unpacked),
             "limit": filesizeformat(limit)})


def _archive_parts(upload: Any) -> dict[str, int] | None:
    """Return the unpacked size of each part of the zip archive, or None for a damaged one."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return {info.filename: info.file_size for info in archive.infolist()}
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)


def store_upload(upload: UploadedFile) -> str:
    """Copy the upload to a temporary file that outlives the request; return its path."""
    with tempfile.NamedTemporaryFile(prefix="sunshine-ledger-", suffix=".xlsx",
                                     delete=False) as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return target.name
