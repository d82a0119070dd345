"""Identifying metadata removed from a citizen's evidence files before they are stored.

The files are built here with the metadata a phone or an office program
writes: Exif with GPS, owner and camera serial number, XMP, comments and
PNG text chunks in photos, the document information dictionary and XMP in
PDF files. The stored copy must lack all of it, still open, and show the
same picture. Staff progress-report evidence keeps its metadata.
"""

import io

import pikepdf
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from sunshine.duties import evidence as progress_evidence
from sunshine.lib.crypto import sm3_hex
from sunshine.lib.file_metadata import strip_metadata
from sunshine.petitions import actions
from sunshine.petitions.models import Evidence
from tests.petition_web_data import NOW, make_categories, register, report_form

pytestmark = pytest.mark.django_db

OWNER = "Zhang San 张三"
PHONE = "13812345678"
SERIAL = "SN-4711-0815"
COMMENT = b"taken at home"
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
       b'22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
       b'dc:creator="Zhang San"/></rdf:RDF></x:xmpmeta>')
GPS_IFD = 0x8825
ORIENTATION = 0x0112
ROTATED_RIGHT = 6
IDENTIFYING = (b"Zhang", OWNER.encode(), SERIAL.encode(), COMMENT, b"xmpmeta", PHONE.encode())


@pytest.fixture(autouse=True)
def setup(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


def picture(mode: str = "RGB") -> Image.Image:
    image = Image.new(mode, (48, 32))
    for x in range(48):
        for y in range(32):
            value = (x * 5, y * 7, (x + y) * 3, 90)
            image.putpixel((x, y), value[:len(mode)] if len(mode) > 1 else value[0])
    return image


def phone_exif(orientation: int = ROTATED_RIGHT) -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = OWNER  # Artist
    exif[0xA431] = SERIAL  # BodySerialNumber
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (28.0, 40.0, 43.0)
    gps[3], gps[4] = "E", (121.0, 25.0, 52.0)
    return exif


def phone_jpeg(**options) -> bytes:
    buffer = io.BytesIO()
    picture(options.pop("mode", "RGB")).save(buffer, "JPEG", exif=phone_exif(), comment=COMMENT,
                                             xmp=XMP, quality=90, **options)
    return buffer.getvalue()


def phone_png() -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", OWNER)
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    text.add_text("Comment", COMMENT.decode())
    buffer = io.BytesIO()
    picture().save(buffer, "PNG", pnginfo=text, exif=phone_exif())
    return buffer.getvalue()


def office_pdf(**save_options) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 300))
    pdf.add_blank_page(page_size=(200, 300))
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = ["Zhang San"]
    pdf.docinfo["/Author"] = f"Zhang San {PHONE}"
    pdf.docinfo["/Creator"] = "WPS Office"
    buffer = io.BytesIO()
    pdf.save(buffer, **save_options)
    return buffer.getvalue()


def photo_pdf(photo: bytes, filters: pikepdf.Object = pikepdf.Name.DCTDecode) -> bytes:
    """Return a one-page PDF that shows ``photo`` as a DCT image with an XMP stream of its own."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(48, 32))
    image = pikepdf.Stream(pdf, photo, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                           Width=48, Height=32, ColorSpace=pikepdf.Name.DeviceRGB,
                           BitsPerComponent=8, Filter=filters,
                           DecodeParms=pikepdf.Dictionary(ColorTransform=1))
    image.Metadata = pikepdf.Stream(pdf, XMP, Type=pikepdf.Name.Metadata,
                                    Subtype=pikepdf.Name.XML)
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pdf.make_stream(b"q 48 0 0 32 0 0 cm /Im0 Do Q")
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def pixels(content: bytes) -> bytes:
    with Image.open(io.BytesIO(content)) as image:
        return image.convert("RGBA").tobytes()


def stored(evidence: Evidence) -> bytes:
    with default_storage.open(evidence.stored_name, "rb") as file:
        return file.read()


def attach(name: str, content: bytes) -> Evidence:
    petition, _secret = register(make_categories()["roads"])
    return actions.attach_evidence(None, petition, SimpleUploadedFile(name, content))


def assert_nothing_identifying(content: bytes) -> None:
    for marker in IDENTIFYING:
        assert marker not in content, marker


def test_jpeg_loses_exif_gps_xmp_and_comment():
    original = phone_jpeg()
    assert SERIAL.encode() in original

    evidence = attach("IMG_0001.jpg", original)
    kept = stored(evidence)

    assert_nothing_identifying(kept)
    with Image.open(io.BytesIO(kept)) as image:
        exif = image.getexif()
        assert dict(exif) == {ORIENTATION: ROTATED_RIGHT}
        assert exif.get_ifd(GPS_IFD) == {}
        assert image.size == (48, 32)
        assert "comment" not in image.info


def test_jpeg_keeps_its_picture_byte_for_byte():
    original = phone_jpeg()

    kept = stored(attach("IMG_0001.jpg", original))

    assert pixels(kept) == pixels(original)
    scan_start = original.index(b"\xff\xda")
    assert kept[kept.index(b"\xff\xda"):] == original[scan_start:]


def test_stored_size_and_digest_describe_the_stripped_file():
    evidence = attach("IMG_0001.jpg", phone_jpeg())
    kept = stored(evidence)

    assert evidence.size == len(kept)
    assert evidence.digest == sm3_hex(kept)


def test_upright_photo_gets_no_exif_at_all():
    buffer = io.BytesIO()
    picture().save(buffer, "JPEG", exif=phone_exif(orientation=1))

    kept = strip_metadata(buffer.getvalue(), "jpeg")

    assert b"Exif" not in kept
    assert pixels(kept) == pixels(buffer.getvalue())


@pytest.mark.parametrize("options", [
    {"progressive": True},
    {"restart_marker_blocks": 1},
    {"mode": "CMYK"},
    {"mode": "L"},
], ids=["progressive", "restart-markers", "cmyk-adobe", "grey"])
def test_jpeg_variants_keep_their_picture(options):
    original = phone_jpeg(**options)

    kept = strip_metadata(original, "jpeg")

    assert_nothing_identifying(kept)
    assert pixels(kept) == pixels(original)


def test_jpeg_drops_the_video_after_a_motion_photo():
    original = phone_jpeg() + b"\x00\x00\x00\x18ftypmp42" + OWNER.encode() + b"\x00" * 64

    kept = strip_metadata(original, "jpeg")

    assert kept.endswith(b"\xff\xd9")
    assert b"ftypmp42" not in kept
    assert pixels(kept) == pixels(original)


def test_png_loses_text_xmp_and_exif():
    original = phone_png()
    assert b"Zhang" in original

    kept = stored(attach("screenshot.png", original))

    assert_nothing_identifying(kept)
    with Image.open(io.BytesIO(kept)) as image:
        image.load()
        assert image.text == {}
        assert dict(image.getexif()) == {ORIENTATION: ROTATED_RIGHT}
    assert pixels(kept) == pixels(original)


def test_pdf_loses_document_information_and_xmp():
    original = office_pdf()
    assert PHONE.encode() in original

    kept = stored(attach("举报材料.pdf", original))

    assert_nothing_identifying(kept)
    assert b"WPS Office" not in kept
    with pikepdf.open(io.BytesIO(kept)) as pdf:
        assert len(pdf.pages) == 2
        assert "/Info" not in pdf.trailer
        assert "/Metadata" not in pdf.Root
        assert pdf.pages[0].mediabox == [0, 0, 200, 300]


@pytest.mark.parametrize("filters", [
    pikepdf.Name.DCTDecode,
    pikepdf.Array([pikepdf.Name.DCTDecode]),
], ids=["name", "array"])
def test_pdf_photo_loses_exif_gps_and_xmp(filters):
    photo = phone_jpeg()
    original = photo_pdf(photo, filters)
    assert SERIAL.encode() in original
    assert b"Exif\x00\x00" in original

    kept = stored(attach("现场照片.pdf", original))

    assert_nothing_identifying(kept)
    assert b"Exif\x00\x00" not in kept
    with pikepdf.open(io.BytesIO(kept)) as pdf:
        image = pdf.pages[0].Resources.XObject.Im0
        assert "/Metadata" not in image
        assert image.Filter == filters
        assert image.DecodeParms.ColorTransform == 1
        data = image.read_raw_bytes()
        assert data.startswith(b"\xff\xd8")
        assert data[data.index(b"\xff\xda"):] == photo[photo.index(b"\xff\xda"):]
        rendered = pikepdf.PdfImage(image).as_pil_image()
        assert rendered.size == (48, 32)
        assert rendered.convert("RGBA").tobytes() == pixels(photo)


def test_pdf_photo_without_metadata_is_kept_as_is():
    buffer = io.BytesIO()
    picture().save(buffer, "JPEG")
    original = photo_pdf(buffer.getvalue())

    kept = strip_metadata(original, "pdf")

    with pikepdf.open(io.BytesIO(kept)) as pdf:
        assert pdf.pages[0].Resources.XObject.Im0.read_raw_bytes() == buffer.getvalue()


def test_pdf_with_damaged_photo_is_rejected():
    original = photo_pdf(phone_jpeg()[:600])

    with pytest.raises(ValidationError) as raised:
        attach("现场照片.pdf", original)

    assert raised.value.code == "file_damaged"
    assert not Evidence.objects.exists()


def test_pdf_owner_password_is_removed():
    original = office_pdf(encryption=pikepdf.Encryption(user="", owner="owner-secret"))

    kept = strip_metadata(original, "pdf")

    with pikepdf.open(io.BytesIO(kept)) as pdf:
        assert not pdf.is_encrypted
        assert len(pdf.pages) == 2
    assert PHONE.encode() not in kept


def test_pdf_user_password_is_rejected():
    original = office_pdf(encryption=pikepdf.Encryption(user="open-me", owner="owner-secret"))

    with pytest.raises(ValidationError) as raised:
        attach("合同.pdf", original)

    assert raised.value.code == "file_password"
    assert "合同.pdf" in raised.value.messages[0]
    assert not Evidence.objects.exists()


def test_unreadable_pdf_is_rejected_as_damaged():
    with pytest.raises(ValidationError) as raised:
        attach("letter.pdf", b"%PDF-1.4\nnot a document at all\n%%EOF\n")

    assert raised.value.code == "file_damaged"
    assert "letter.pdf" in raised.value.messages[0]


def test_handling_unit_downloads_the_stripped_photo(client, township_operator):
    make_categories()
    photo = SimpleUploadedFile("IMG_0001.jpg", phone_jpeg(), content_type="image/jpeg")
    response = client.post(reverse("petitions:report_new"),
                           {**report_form(), "evidence": [photo]})
    assert response.status_code == 201
    evidence = Evidence.objects.get()

    client.force_login(township_operator)
    download = client.get(reverse("petitions:staff_evidence",
                                  args=[evidence.petition_id, evidence.pk]))

    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert_nothing_identifying(content)
    assert pixels(content) == pixels(phone_jpeg())


def test_public_form_says_metadata_is_removed(client):
    make_categories()

    page = client.get(reverse("petitions:report_new")).content.decode()

    assert "照片和 PDF 文件内部记录的位置、作者和设备信息会在保存前删除" in page


def test_progress_report_evidence_keeps_its_metadata():
    original = phone_jpeg()
    upload = SimpleUploadedFile("site.jpg", original)

    fields = progress_evidence.store(upload, progress_evidence.TYPES["jpeg"])

    with default_storage.open(fields["stored_name"], "rb") as file:
        assert file.read() == original
