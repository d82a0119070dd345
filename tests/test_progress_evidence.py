"""Evidence files: type from the content, disguised and forbidden files, size and count limits."""

import datetime
import io
import warnings

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import translation
from PIL import Image

from sunshine.audit.verify import verify
from sunshine.duties import actions, evidence
from sunshine.duties.models import Evidence, Task
from sunshine.lib.crypto import sm3_hex
from sunshine.rules.models import Setting
from tests.duties_data import (
    EXE,
    HTML,
    JPEG,
    NOW,
    PDF,
    PNG,
    TODAY,
    make_directive,
    make_task,
    office_file,
    upload,
)
from tests.evidence_files import (
    JPEG_WITH_TRAILER,
    JPEG_WITHOUT_END,
    PADDED_PDF,
    TRUNCATED_JPEG,
    TRUNCATED_PDF,
    TRUNCATED_PNG,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path, time_machine):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def task(operator_a, unit_a):
    return make_task(operator_a, make_directive(operator_a, unit_a), "1")


def submit(user, task, files):
    return actions.submit_report(user, Task.objects.get(pk=task.pk), percent=30,
                                 text="完成清运", as_of=TODAY, files=files)


@pytest.mark.parametrize(("name", "content", "code"), [
    ("现场.jpg", JPEG, "jpeg"),
    ("现场.png", PNG, "png"),
    ("验收单.pdf", PDF, "pdf"),
    ("总结.docx", office_file("word/document.xml"), "docx"),
    ("台账.xlsx", office_file("xl/workbook.xml"), "xlsx"),
    ("no-extension", PDF, "pdf"),
])
def test_accepted_types_are_read_from_the_content(name, content, code):
    assert evidence.check_file(upload(name, content)).code == code


@pytest.mark.parametrize(("name", "content"), [
    ("现场.jpg", TRUNCATED_JPEG),
    ("结尾.jpg", JPEG_WITHOUT_END),
    ("现场.png", TRUNCATED_PNG),
    ("验收单.pdf", TRUNCATED_PDF),
])
def test_damaged_file_is_rejected(name, content):
    with pytest.raises(ValidationError) as error:
        evidence.check_file(upload(name, content))

    assert error.value.code == "file_damaged"
    assert name in error.value.messages[0]
    assert "损坏" in error.value.messages[0]


@pytest.mark.parametrize(("name", "content", "code"), [
    ("动态照片.jpg", JPEG_WITH_TRAILER, "jpeg"),
    ("扫描件.pdf", PADDED_PDF, "pdf"),
])
def test_complete_file_with_extra_bytes_passes(name, content, code):
    assert evidence.check_file(upload(name, content)).code == code


def test_photo_below_twice_pixel_limit_rejected(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    photo = io.BytesIO()
    Image.new("L", (40, 40), 128).save(photo, "JPEG")

    # Pillow only warns between the limit and twice it; a server does not turn that into an error.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with pytest.raises(ValidationError) as error:
            evidence.check_file(upload("现场.jpg", photo.getvalue()))

    assert error.value.code == "image_too_large"


def test_photo_above_pixel_limit_is_rejected(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 32)

    with pytest.raises(ValidationError) as error:
        evidence.check_file(upload("现场.png", PNG))

    assert error.value.code == "image_too_large"
    assert "现场.png" in error.value.messages[0]


def test_damaged_file_stores_nothing(operator_a, task):
    with pytest.raises(ValidationError):
        submit(operator_a, task, [upload("现场.jpg", JPEG), upload("验收单.pdf", TRUNCATED_PDF)])

    assert not Evidence.objects.exists()


def test_report_stores_files_with_digest(operator_a, task):
    report = submit(operator_a, task, [upload("现场.jpg", JPEG), upload("验收单.pdf", PDF)])

    stored = list(Evidence.objects.filter(report=report).order_by("id"))
    assert [item.content_type for item in stored] == ["image/jpeg", "application/pdf"]
    assert stored[0].digest == sm3_hex(JPEG)
    assert stored[0].original_name == "现场.jpg"
    assert stored[0].stored_name.endswith(".jpg")
    assert "现场" not in stored[0].stored_name
    with default_storage.open(stored[0].stored_name) as handle:
        assert handle.read() == JPEG
    assert verify() == []


@pytest.mark.parametrize(("name", "content", "words"), [
    ("photo.jpg", EXE, "Windows program"),
    ("page.pdf", HTML, "web page"),
    ("setup.exe", EXE, "Windows program"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32, "Office 97-2003"),
    ("data.zip", office_file("other.xml"), "zip archive"),
    ("blob.bin", b"\x00\x01\x02\x03", "unknown type"),
])
def test_forbidden_content_is_rejected_whatever_the_name(name, content, words):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        evidence.check_file(upload(name, content))

    message = caught.value.messages[0]
    assert caught.value.code == "file_type"
    assert name in message
    assert words in message
    assert "JPEG" in message


@pytest.mark.parametrize("name", ["scan.jpg", "scan.png", "run.js", "index.html"])
def test_a_name_claiming_another_type_is_disguised(name):
    with pytest.raises(ValidationError) as caught:
        evidence.check_file(upload(name, PDF))

    assert caught.value.code == "file_disguised"
    assert name in caught.value.messages[0]


def test_disguised_message_in_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        evidence.check_file(upload("scan.jpg", PDF))

    assert "伪装" in caught.value.messages[0]


def test_types_follow_the_versioned_setting():
    Setting.objects.create(key="duties.evidence_types", value=["pdf"],
                           effective_from=datetime.date(2025, 1, 1))

    with pytest.raises(ValidationError) as caught:
        evidence.check_file(upload("photo.jpg", JPEG))

    assert caught.value.code == "file_type"
    assert evidence.check_file(upload("scan.pdf", PDF)).code == "pdf"


def test_size_limit_from_the_setting():
    Setting.objects.create(key="duties.evidence_max_bytes", value=50,
                           effective_from=datetime.date(2025, 1, 1))

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        evidence.check_file(upload("big.jpg", JPEG))

    assert caught.value.code == "file_too_large"
    assert "big.jpg" in caught.value.messages[0]
    assert "50" in caught.value.messages[0]


def test_empty_file_is_rejected():
    with pytest.raises(ValidationError) as caught:
        evidence.check_file(upload("empty.pdf", b""))

    assert caught.value.code == "empty_file"


def test_file_count_limit(operator_a, task):
    Setting.objects.create(key="duties.evidence_max_files", value=1,
                           effective_from=datetime.date(2025, 1, 1))

    with pytest.raises(ValidationError) as caught:
        submit(operator_a, task, [upload("a.pdf", PDF), upload("b.pdf", PDF)])

    assert caught.value.code == "too_many_files"


def test_a_bad_file_rejects_the_whole_report(operator_a, task, tmp_path):
    with pytest.raises(ValidationError):
        submit(operator_a, task, [upload("a.pdf", PDF), upload("b.jpg", EXE)])

    assert not Task.objects.get(pk=task.pk).reports.exists()
    assert not list(tmp_path.rglob("*.pdf"))
