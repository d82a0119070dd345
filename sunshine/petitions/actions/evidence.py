"""Attaching evidence files to a petition, with the type checked from the content.

The type is read from the file's content by the progress-report checker
``sunshine.duties.evidence``, never from its name or the browser's declared
type, so a program renamed to ``photo.jpg`` is rejected. The same checker
rejects a disguised name such as ``a.jpg.exe``, and a photo or PDF that is
cut off or damaged. Accepted are JPEG, PNG and PDF, up to the size and
count in the versioned settings
``petitions.evidence_max_bytes`` and ``petitions.evidence_max_files``.

Before a file is stored and its digest taken, its identifying metadata is
removed (``sunshine.lib.file_metadata``): the GPS position, owner and
camera serial number in a photo's Exif and XMP, and the author and
creator program of a PDF. Reporters, anonymous ones included, send photos
straight from their phones, and the handling unit is often the one they
report. Files a clerk attaches at staff intake come from the reporter too
and are stripped alike. Staff evidence elsewhere, such as progress-report
files and spot-check photos, keeps its metadata, because there it shows
where and when the inspector was.
"""

import logging
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from sunshine.audit.actions import create_row
from sunshine.duties import evidence
from sunshine.duties.evidence import FileType
from sunshine.lib.crypto import sm3_hex
from sunshine.lib.file_metadata import PasswordProtected, strip_metadata
from sunshine.petitions.models import Evidence, Petition
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

MAX_BYTES = "petitions.evidence_max_bytes"
MAX_FILES = "petitions.evidence_max_files"


ACCEPTED_TYPES = ("jpeg", "png", "pdf")


def accepted_labels() -> str:
    """Return the accepted types as a list in the current language, e.g. "JPEG, PNG or PDF"."""
    return str(get_text_list([str(evidence.TYPES[code].label) for code in ACCEPTED_TYPES], _("or")))


def check_file(upload: Any, *, region=None) -> FileType:
    """Return the detected type of an uploaded file; raise ValidationError naming the file.

    ``upload`` is a Django UploadedFile (or any file object with ``name``
    and ``size``).
    """
    name = upload.name or _("(no name)")
    limit = get_setting(MAX_BYTES, region=region)
    if upload.size == 0:
        raise ValidationError(_("File “%(name)s” is empty; choose the photo or document "
                                "again.") % {"name": name}, code="empty_file")
    if upload.size > limit:
        raise ValidationError(
            _("File “%(name)s” is %(size)s, larger than the limit of %(limit)s; send a "
              "smaller photo or split the document.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    found = evidence.detect(upload)
    if found is None or found.code not in ACCEPTED_TYPES:
        raise ValidationError(
            _("File “%(name)s” is not a %(types)s file, whatever its name says; only photos "
              "and documents of these types are accepted.")
            % {"name": name, "types": accepted_labels()},
            code="file_type",
        )
    evidence.check_name(name, found)
    evidence.check_complete(upload, name, found)
    return found


def check_files(uploads: list, *, region=None) -> list[FileType]:
    """Check the number of files and each file; raise ValidationError on the first problem."""
    most = get_setting(MAX_FILES, region=region)
    if len(uploads) > most:
        raise ValidationError(
            _("%(count)s files were sent, but at most %(most)s can be attached; leave out "
              "the least important.") % {"count": len(uploads), "most": most},
            code="too_many_files",
        )
    return [check_file(upload, region=region) for upload in uploads]


def _storage_name(file_type: FileType) -> str:
    # A random name keeps the reporter's own file name, which may contain
    # their name, out of the storage path.
    return (f"petitions/evidence/{timezone.localdate():%Y/%m}/"
            f"{secrets.token_hex(16)}.{file_type.extension}")


def _without_metadata(content: bytes, name: str | None, file_type: FileType) -> bytes:
    """Return the file without identifying metadata; raise ValidationError naming the file."""
    name = name or _("(no name)")
    try:
        return strip_metadata(content, file_type.code)
    except PasswordProtected:
        raise ValidationError(
            _("PDF “%(name)s” is protected by a password, so the staff who handle your report "
              "could not open it; save it without the password and attach the new file.")
            % {"name": name}, code="file_password") from None
    except ValueError as error:
        logger.info("petition evidence rejected as damaged: %s: %s", file_type.code, error)
        raise ValidationError(
            _("File “%(name)s” is damaged or incomplete and cannot be opened as %(kind)s; "
              "save or export it again and attach the new file")
            % {"name": name, "kind": file_type.label}, code="file_damaged") from None


def attach_evidence(actor: Any, petition: Petition, upload: Any) -> Evidence:
    """Store one checked file and record it, inside the caller's transaction or a new one.

    ``actor`` is None when the reporter attaches the file on submission.
    """
    file_type = check_file(upload, region=petition.region)
    content = _without_metadata(b"".join(upload.chunks()), upload.name, file_type)
    stored = default_storage.save(_storage_name(file_type), ContentFile(content))
    # NOTE: when an enclosing transaction rolls back after this point, the
    # stored file stays behind without a row; it is never served, because
    # downloads go through the Evidence row.
    try:
        with transaction.atomic():
            evidence = create_row(actor, Evidence(
                petition=petition, stored_name=stored,
                # The file's own name is not kept: reporters name files after themselves,
                # their ID card or the person they accuse, and staff read this list.
                original_name="",
                content_type=file_type.content_type, size=len(content),
                digest=sm3_hex(content), uploaded_at=timezone.now(),
            ))
    except Exception:
        default_storage.delete(stored)
        raise
    logger.info("petition %s: evidence %s attached, %s bytes", petition.pk, evidence.pk,
                len(content))
    return evidence
