"""Checking and storing evidence files of progress reports.

A file's type is read from its first bytes (its magic number) and, for
Office files, from the parts inside the zip archive, never from its name
or the browser's declared type. A file whose name claims another accepted
type than its content (a PDF named ``photo.jpg``) or a dangerous type
(``.exe``, ``.js``, ``.html`` …) is rejected as disguised. A photo that does
not decode and a PDF without its end marker are rejected as damaged. Accepted types,
the size limit and the number of files are the versioned settings
``duties.evidence_types``, ``duties.evidence_max_bytes`` and
``duties.evidence_max_files``.
"""

import logging
import secrets
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from sunshine.lib.crypto import sm3_hex
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

NAME_LENGTH = 200
HEAD_BYTES = 16
ZIP_MAGIC = b"PK\x03\x04"
# A PDF ends with a line holding %%EOF (ISO 32000-1 §7.5.5). Some writers append
# a few bytes after it and some pad the file with NUL bytes or spaces, so the marker
# is looked for in the last kilobyte before any padding.
PDF_TAIL_BYTES = 1024
PDF_PADDING = b"\x00\t\n\f\r "
PDF_PADDING_BYTES = 64 * 1024
JPEG_END = b"\xff\xd9"


@dataclass(frozen=True)
class FileType:
    code: str
    content_type: str
    extension: str
    label: str | Promise
    extensions: tuple[str, ...]


# Signatures: JPEG (ISO/IEC 10918-1 SOI marker), PNG (ISO/IEC 15948 §5.2),
# PDF (ISO 32000-1 §7.5.2); .docx and .xlsx are zip archives (ISO/IEC 29500-2)
# holding word/document.xml or xl/workbook.xml.
TYPES = {
    "jpeg": FileType("jpeg", "image/jpeg", "jpg", "JPEG", ("jpg", "jpeg", "jpe")),
    "png": FileType("png", "image/png", "png", "PNG", ("png",)),
    "pdf": FileType("pdf", "application/pdf", "pdf", "PDF", ("pdf",)),
    "docx": FileType("docx", "application/vnd.openxmlformats-officedocument."
                     "wordprocessingml.document", "docx", "Word (.docx)", ("docx",)),
    "xlsx": FileType("xlsx", "application/vnd.openxmlformats-officedocument."
                     "spreadsheetml.sheet", "xlsx", "Excel (.xlsx)", ("xlsx",)),
}
MAGIC = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"%PDF-", "pdf"),
)
OFFICE_PARTS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"))

# Content that is recognised in order to name it in the rejection message.
FORBIDDEN = (
    (b"MZ", gettext_lazy("a Windows program")),
    (b"\x7fELF", gettext_lazy("a Linux program")),
    (b"#!", gettext_lazy("a script")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", gettext_lazy("an old Office 97-2003 file")),
    (b"Rar!", gettext_lazy("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("a 7-Zip archive")),
)
DANGEROUS_EXTENSIONS = frozenset({
    "exe", "dll", "com", "bat", "cmd", "msi", "scr", "ps1", "vbs", "js", "jar", "sh", "py",
    "php", "html", "htm", "svg", "xhtml", "hta", "lnk",
})


def allowed_types(region=None) -> list[FileType]:
    return [TYPES[code] for code in get_setting("duties.evidence_types", region=region)
            if code in TYPES]


def allowed_labels(region=None) -> str:
    return "、".join(str(t.label) for t in allowed_types(region))


def detect(upload: Any) -> FileType | None:
    """Return the accepted-kind type of the file's content, or None."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    for magic, code in MAGIC:
        if head.startswith(magic):
            return TYPES[code]
    if head.startswith(ZIP_MAGIC):
        return _office_type(upload)
    return None


def _office_type(upload: Any) -> FileType | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    finally:
        upload.seek(0)
    for part, code in OFFICE_PARTS:
        if part in names and "[Content_Types].xml" in names:
            return TYPES[code]
    return None


def describe_content(upload: Any) -> str:
    """Name what a rejected file contains, for the message."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    for magic, label in FORBIDDEN:
        if head.startswith(magic):
            return str(label)
    text = head.lstrip().lower()
    if text.startswith((b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script")):
        return _("a web page or script")
    if head.startswith(ZIP_MAGIC):
        return _("a zip archive")
    return _("of an unknown type")


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_file(upload: Any, *, region=None) -> FileType:
    """Return the type of an uploaded evidence file; raise ValidationError naming the file."""
    name = upload.name or _("(no name)")
    limit = get_setting("duties.evidence_max_bytes", region=region)
    if upload.size == 0:
        raise ValidationError(_("File “%(name)s” is empty; choose the photo or document again")
                              % {"name": name}, code="empty_file")
    if upload.size > limit:
        raise ValidationError(
            _("File “%(name)s” is %(size)s, larger than the limit of %(limit)s; send a smaller "
              "photo or split the document")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large")
    found = detect(upload)
    if found is None or found not in allowed_types(region):
        kind = str(found.label) if found else describe_content(upload)
        raise ValidationError(
            _("File “%(name)s” is %(kind)s, which is not accepted as evidence whatever its name "
              "says; attach %(types)s files")
            % {"name": name, "kind": kind, "types": allowed_labels(region)},
            code="file_type")
    check_name(name, found)
    check_complete(upload, name, found)
    return found


def check_complete(upload: Any, name: str, found: FileType) -> None:
    """Reject a photo or PDF that is cut off or damaged, naming the file.

    A file cut off in transfer or by a full phone still starts with the
    right signature, so the type check alone would store evidence that
    cannot be opened later. The checks read the file's structure and never decode
    the pixels, so a photo costs little memory or CPU time: a PNG's chunks
    and checksums up to IEND, a JPEG's headers and the end marker after its
    first scan, a PDF's %%EOF. Damaged pixel data inside an intact
    structure is not found. Photos above Pillow's ``MAX_IMAGE_PIXELS`` are
    rejected from their header.
    """
    try:
        if found.code == "png":
            with _open_image(upload) as image:
                image.verify()
        elif found.code == "jpeg":
            with _open_image(upload):
                pass
            _check_jpeg_end(upload)
        elif found.code == "pdf" and not _has_pdf_end(upload):
            raise ValueError("no %%EOF marker")
    # Pillow warns between the limit and twice it; where warnings are errors, that arrives here.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("Photo “%(name)s” has more than %(pixels)s pixels; send a smaller photo or a "
              "screenshot of it") % {"name": name, "pixels": f"{Image.MAX_IMAGE_PIXELS:,}"},
            code="image_too_large") from None
    except (OSError, SyntaxError, ValueError) as error:
        logger.info("evidence file rejected as damaged: %s: %s", found.code, error)
        raise ValidationError(
            _("File “%(name)s” is damaged or incomplete and cannot be opened as %(kind)s; "
              "save or export it again and attach the new file")
            % {"name": name, "kind": found.label},
            code="file_damaged") from None
    finally:
        upload.seek(0)


def _open_image(upload: Any) -> Image.Image:
    """Open an image from its header, raising DecompressionBombError above Pillow's pixel limit."""
    upload.seek(0)
    image = Image.open(upload)  # raises DecompressionBombError only above twice the limit
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and image.width * image.height > limit:
        # Not image.close(): that would close the upload, which the caller rewinds afterwards.
        raise Image.DecompressionBombError(f"{image.width}x{image.height} pixels")
    return image


def _check_jpeg_end(upload: Any) -> None:
    """Raise ValueError unless an end-of-image marker follows the first scan.

    The headers are walked by their lengths, so the end marker of an Exif
    thumbnail inside them does not count. Data after the marker, such as
    the video of a motion photo, is allowed.
    """
    upload.seek(0)
    data = upload.read()
    position = 2  # after the start-of-image marker
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise ValueError(f"no JPEG marker at byte {position}")
        marker = data[position + 1]
        if marker == 0xFF:  # a fill byte before a marker
            position += 1
        elif marker == 0xDA:  # start of scan
            if data.find(JPEG_END, position) < 0:
                raise ValueError("no end-of-image marker after the scan")
            return
        else:
            position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
    raise ValueError("no start-of-scan marker")


def _has_pdf_end(upload: Any) -> bool:
    upload.seek(max(0, upload.size - PDF_TAIL_BYTES - PDF_PADDING_BYTES))
    tail = upload.read().rstrip(PDF_PADDING)
    return b"%%EOF" in tail[-PDF_TAIL_BYTES:]


def check_name(name: str, found: FileType) -> None:
    """Reject a dangerous extension, or one that claims another accepted type than the content."""
    extension = extension_of(name)
    claimed = next((t for t in TYPES.values() if extension in t.extensions), None)
    if extension in DANGEROUS_EXTENSIONS or (claimed is not None and claimed != found):
        raise ValidationError(
            _("File “%(name)s” is named as a .%(extension)s file but its content is "
              "%(kind)s; a disguised file is not accepted, so rename it to .%(real)s or choose "
              "the right file")
            % {"name": name, "extension": extension, "kind": found.label,
               "real": found.extension},
            code="file_disguised")


def check_files(uploads: list, *, region=None) -> list[FileType]:
    most = get_setting("duties.evidence_max_files", region=region)
    if len(uploads) > most:
        raise ValidationError(
            _("%(count)s files were attached, but a report takes at most %(most)s; leave out the "
              "least important") % {"count": len(uploads), "most": most},
            code="too_many_files")
    return [check_file(upload, region=region) for upload in uploads]


def store(upload: Any, file_type: FileType) -> dict[str, Any]:
    """Save the file under a random name; return the Evidence fields describing it."""
    content = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    # A random name keeps the uploader's file name, which may name people,
    # out of the storage path.
    name = (f"duties/evidence/{timezone.localdate():%Y/%m}/"
            f"{secrets.token_hex(16)}.{file_type.extension}")
    stored = default_storage.save(name, ContentFile(content))
    return {
        "stored_name": stored,
        "original_name": (upload.name or "")[-NAME_LENGTH:],
        "content_type": file_type.content_type,
        "size": len(content),
        "digest": sm3_hex(content),
        "uploaded_at": timezone.now(),
    }
