"""Removing identifying metadata from JPEG, PNG and PDF files without touching their content.

Phones and scanners write into a file who made it, with what and where.
Photos carry Exif and XMP (GPS position, owner's name, camera serial
number, a thumbnail of the uncropped picture), PNG files text chunks, and
PDF files a document information dictionary and XMP (author, creator
program, dates). ``strip_metadata`` removes them.

- JPEG and PNG files are rewritten segment by segment (ISO/IEC 10918-1
  markers, ISO/IEC 15948 chunks), so the compressed picture is copied byte
  for byte and no quality is lost. Kept are only the segments needed to
  show the picture as it was: the JFIF header, the colour profile (ICC),
  the Adobe colour-transform marker, and the PNG chunks that set colour,
  transparency, pixel size and animation. Everything after the end of the
  picture is dropped, such as the video of a motion photo.
- The Exif orientation is the one value carried over, in a new Exif
  segment that contains nothing else, so a photo taken with the phone turned
  is still shown upright. The pixels are not rotated, because that would
  need a lossy re-encode.
- PDF files are rewritten by qpdf (pikepdf) without the document
  information dictionary, without any XMP ``/Metadata`` stream (of the
  document, a page or an image) and without ``/PieceInfo`` (private data
  of the program that made the file). Embedded JPEG images (DCTDecode
  streams) lose their Exif, XMP and comment segments like photo files, and
  their compressed picture is copied byte for byte.
  Only objects still referenced are written, so the metadata of earlier
  revisions goes too, and encryption without a user password is removed.

NOTE: the authors of PDF comments (annotations' ``/T``) are kept, because
the same key names form fields, and so are the contents of embedded files.
"""

import io
import struct
import zlib

import pikepdf
from PIL import Image

ORIENTATION_TAG = 0x0112
UPRIGHT = 1

JPEG_SOI = b"\xff\xd8"
JPEG_EOI = 0xD9
JPEG_SOS = 0xDA
JPEG_COM = 0xFE
JPEG_APP0, JPEG_APP2, JPEG_APP14 = 0xE0, 0xE2, 0xEE
# Markers without a length field: TEM and the restart markers RST0-RST7.
JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
# The application segments that are kept, by marker and the identifier their data starts with.
JPEG_KEPT_APPS = {JPEG_APP0: b"JFIF\x00", JPEG_APP2: b"ICC_PROFILE\x00", JPEG_APP14: b"Adobe"}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEPT_CHUNKS = frozenset({
    b"IHDR", b"PLTE", b"IDAT", b"IEND",  # the picture
    b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"cICP", b"mDCV", b"cLLI",
    b"bKGD", b"pHYs",  # colour, transparency, background and pixel size
    b"acTL", b"fcTL", b"fdAT",  # animation (APNG)
})

PDF_METADATA_KEYS = ("/Metadata", "/PieceInfo")


class PasswordProtected(ValueError):
    """A PDF that cannot be read without its password."""


def strip_metadata(content: bytes, code: str) -> bytes:
    """Return the file with its identifying metadata removed; ``code`` is jpeg, png or pdf.

    Other codes return the content unchanged. Raises PasswordProtected for a
    PDF with a user password, and ValueError for a file whose structure
    cannot be read.
    """
    if code == "jpeg":
        return _strip_jpeg(content)
    if code == "png":
        return _strip_png(content)
    if code == "pdf":
        return _strip_pdf(content)
    return content


def _orientation(content: bytes) -> int:
    """Return the Exif orientation (1 to 8) of a photo, 1 when it has none or an invalid one."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            value = image.getexif().get(ORIENTATION_TAG, UPRIGHT)
    except (OSError, SyntaxError, ValueError):
        return UPRIGHT
    return value if isinstance(value, int) and 1 <= value <= 8 else UPRIGHT


def _orientation_exif(orientation: int) -> bytes:
    """Return Exif data, starting with ``Exif\\0\\0``, that contains only the orientation."""
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = orientation
    return exif.tobytes()


def _strip_jpeg(content: bytes) -> bytes:
    orientation = _orientation(content)
    segments = _kept_jpeg_segments(content)
    if orientation != UPRIGHT:
        exif = _orientation_exif(orientation)
        segment = bytes([0xFF, 0xE1]) + (len(exif) + 2).to_bytes(2, "big") + exif
        # After the JFIF header, where readers look for Exif, or else after the start marker.
        at = 2 if len(segments) > 1 and segments[1][1] == JPEG_APP0 else 1
        segments.insert(at, segment)
    return b"".join(segments)


def _kept_jpeg_segments(content: bytes) -> list[bytes]:
    """Return the markers and segments of a JPEG file that show its picture, up to its end marker."""
    if not content.startswith(JPEG_SOI):
        raise ValueError("no JPEG start-of-image marker")
    segments = [JPEG_SOI]
    position = len(JPEG_SOI)
    while True:
        if position + 2 > len(content) or content[position] != 0xFF:
            raise ValueError(f"no JPEG marker at byte {position}")
        marker = content[position + 1]
        if marker == 0xFF:  # a fill byte before a marker
            position += 1
            continue
        if marker == JPEG_EOI:
            segments.append(content[position:position + 2])
            break
        if marker in JPEG_STANDALONE:
            segments.append(content[position:position + 2])
            position += 2
            continue
        end = position + 2 + int.from_bytes(content[position + 2:position + 4], "big")
        if end > len(content):
            raise ValueError(f"JPEG segment at byte {position} runs past the end")
        if marker == JPEG_SOS:
            end = _scan_end(content, end)
            segments.append(content[position:end])
        elif _keeps_jpeg_segment(marker, content[position + 4:end]):
            segments.append(content[position:end])
        position = end
    return segments


def _keeps_jpeg_segment(marker: int, data: bytes) -> bool:
    if marker in JPEG_KEPT_APPS:
        return data.startswith(JPEG_KEPT_APPS[marker])
    return not (0xE0 <= marker <= 0xEF or marker == JPEG_COM)


def _scan_end(content: bytes, position: int) -> int:
    """Return where the compressed data of a scan starting at ``position`` ends.

    Inside the data a 0xFF byte is followed by 0x00 (a stuffed byte), by a
    restart marker or by another fill byte. Any other pair is the next marker.
    """
    while True:
        found = content.find(b"\xff", position)
        if found < 0 or found + 1 >= len(content):
            raise ValueError("JPEG scan data runs past the end")
        following = content[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position = found + 2
        elif following == 0xFF:
            position = found + 1
        else:
            return found


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _strip_png(content: bytes) -> bytes:
    if not content.startswith(PNG_SIGNATURE):
        raise ValueError("no PNG signature")
    chunks = [PNG_SIGNATURE]
    orientation = _orientation(content)
    position = len(PNG_SIGNATURE)
    while True:
        if position + 12 > len(content):
            raise ValueError("PNG ends before its IEND chunk")
        length = int.from_bytes(content[position:position + 4], "big")
        kind = content[position + 4:position + 8]
        end = position + 12 + length
        if end > len(content):
            raise ValueError(f"PNG chunk {kind!r} at byte {position} runs past the end")
        if kind == b"IDAT" and orientation != UPRIGHT:
            # eXIf data is the Exif payload without its "Exif\0\0" header (PNG 3rd edition).
            chunks.append(_png_chunk(b"eXIf", _orientation_exif(orientation)[6:]))
            orientation = UPRIGHT
        if kind in PNG_KEPT_CHUNKS:
            chunks.append(content[position:end])
        position = end
        if kind == b"IEND":
            return b"".join(chunks)


def _strip_pdf(content: bytes) -> bytes:
    try:
        pdf = pikepdf.open(io.BytesIO(content))
    except pikepdf.PasswordError as error:
        raise PasswordProtected(str(error)) from None
    except pikepdf.PdfError as error:
        raise ValueError(str(error)) from None
    with pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        for item in pdf.objects:
            if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
                for key in PDF_METADATA_KEYS:
                    if key in item:
                        del item[key]
            if isinstance(item, pikepdf.Stream) and _is_jpeg_stream(item):
                _strip_jpeg_stream(item)
        written = io.BytesIO()
        # No XMP is left for qpdf to update, and the saved file is not encrypted.
        pdf.save(written, fix_metadata_version=False, encryption=False)
    return written.getvalue()


def _is_jpeg_stream(stream: pikepdf.Stream) -> bool:
    """Return whether the stream's data is a JPEG file as stored, its only filter being DCTDecode.

    NOTE: a JPEG under a further filter, such as [/FlateDecode /DCTDecode],
    keeps its metadata segments, because qpdf cannot decode such a chain
    without also decoding the JPEG.
    """
    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array):
        return len(filters) == 1 and filters[0] == pikepdf.Name.DCTDecode
    return filters == pikepdf.Name.DCTDecode


def _strip_jpeg_stream(stream: pikepdf.Stream) -> None:
    """Rewrite a JPEG image stream without Exif, XMP and comments, keeping its filter and parameters.

    Unlike a photo file, the stream keeps no Exif orientation, because PDF
    readers place the picture by the page's transformation and ignore it.
    """
    content = stream.read_raw_bytes()
    try:
        stripped = b"".join(_kept_jpeg_segments(content))
    except ValueError as error:
        raise ValueError(f"JPEG image in PDF object {stream.objgen}: {error}") from None
    if stripped == content:
        return
    filters, parameters = stream.Filter, stream.get("/DecodeParms")
    stream.write(stripped, filter=pikepdf.Name.DCTDecode)
    # write() replaces /Filter and removes /DecodeParms, so the original entries are put back.
    stream.Filter = filters
    if parameters is not None:
        stream.DecodeParms = parameters
