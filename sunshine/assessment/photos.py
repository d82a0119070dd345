"""Checking and storing the photos of a spot-check result.

Only JPEG and PNG are accepted, recognised from the file's content by
``sunshine.duties.evidence.detect`` and never from its name. The size limit
and the number of photos are the versioned settings
``assessment.photo_max_bytes`` and ``assessment.photo_max_files``.
"""

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.duties import evidence
from sunshine.lib.crypto import sm3_hex
from sunshine.rules.values import get_setting

PHOTO_TYPES = ("jpeg", "png")


def check_photo(upload: Any, *, region=None) -> evidence.FileType:
    """Return the type of an uploaded photo; raise ValidationError naming the file."""
    name = upload.name or _("(no name)")
    limit = get_setting("assessment.photo_max_bytes", region=region)
    if upload.size == 0:
        raise ValidationError(_("File “%(name)s” is empty; choose the photo or document again")
                              % {"name": name}, code="empty_file")
    if upload.size > limit:
        raise ValidationError(
            _("Photo “%(name)s” is %(size)s, larger than the limit of %(limit)s; send a smaller "
              "photo") % {"name": name, "size": filesizeformat(upload.size),
                          "limit": filesizeformat(limit)}, code="file_too_large")
    found = evidence.detect(upload)
    if found is None or found.code not in PHOTO_TYPES:
        kind = str(found.label) if found else evidence.describe_content(upload)
        raise ValidationError(
            _("File “%(name)s” is %(kind)s, not a JPEG or PNG photo; attach photos only")
            % {"name": name, "kind": kind}, code="file_type")
    extension = evidence.extension_of(name)
    if extension in evidence.DANGEROUS_EXTENSIONS or (
            extension and extension not in found.extensions
            and any(extension in t.extensions for t in evidence.TYPES.values())):
        raise ValidationError(
            _("File “%(name)s” is named as a .%(extension)s file but its content is "
              "%(kind)s; a disguised file is not accepted, so rename it to .%(real)s or choose "
              "the right file") % {"name": name, "extension": extension, "kind": found.label,
                                   "real": found.extension}, code="file_disguised")
    return found


def check_photos(uploads: list, *, region=None) -> list[evidence.FileType]:
    most = get_setting("assessment.photo_max_files", region=region)
    if len(uploads) > most:
        raise ValidationError(
            _("%(count)s photos were attached, but a result takes at most %(most)s; leave out "
              "the least important") % {"count": len(uploads), "most": most},
            code="too_many_files")
    return [check_photo(upload, region=region) for upload in uploads]


def store(upload: Any, file_type: evidence.FileType) -> dict[str, Any]:
    """Save the photo under a random name; return the SpotCheckPhoto fields describing it."""
    content = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    name = (f"assessment/photos/{timezone.localdate():%Y/%m}/"
            f"{secrets.token_hex(16)}.{file_type.extension}")
    stored = default_storage.save(name, ContentFile(content))
    return {
        "stored_name": stored,
        "original_name": (upload.name or "")[-evidence.NAME_LENGTH:],
        "content_type": file_type.content_type,
        "size": len(content),
        "digest": sm3_hex(content),
        "uploaded_at": timezone.now(),
    }
