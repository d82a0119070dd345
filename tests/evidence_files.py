"""Small evidence files for upload tests: complete JPEG, PNG and PDF files, and bad ones.

The photos are 8 × 8 pixels, written by Pillow. The PDF is one empty page.
The truncated copies start with the right signature but are cut off, as a
file interrupted in transfer is. The trailer and padding variants are
complete files with extra bytes at the end, as some phones and writers
produce.
"""

import io

from PIL import Image


def _photo(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 60, 40)).save(buffer, image_format)
    return buffer.getvalue()


JPEG = _photo("JPEG")
PNG = _photo("PNG")
PDF = (b"%PDF-1.4\n"
       b"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
       b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
       b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>> endobj\n"
       b"trailer <</Root 1 0 R>>\n"
       b"%%EOF\n")
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64

TRUNCATED_JPEG = JPEG[: len(JPEG) // 2]
JPEG_WITHOUT_END = JPEG[:-2]
# A motion photo carries a video after the end of the JPEG image.
JPEG_WITH_TRAILER = JPEG + b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
PADDED_PDF = PDF + b"\x00" * 2048
TRUNCATED_PNG = PNG[: len(PNG) - 20]
TRUNCATED_PDF = PDF[: PDF.index(b"trailer")]
