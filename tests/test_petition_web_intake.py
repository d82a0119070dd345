"""The public report form at /reports/new/: validation, evidence files, receipt and limits."""

import datetime
import io
import re

import pikepdf
import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sunshine.audit.verify import verify
from sunshine.organisation import actions as org_actions
from sunshine.petitions import tracking
from sunshine.petitions.models import Channel, Evidence, Kind, Petition, State
from sunshine.rules.models import Setting
from tests.evidence_files import TRUNCATED_PNG
from tests.petition_web_data import (
    EXE,
    JPEG,
    NOW,
    PDF,
    PHONE,
    PNG,
    make_categories,
    report_form,
)

pytestmark = pytest.mark.django_db

URL = reverse("petitions:report_new")


@pytest.fixture(autouse=True)
def setup(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def categories(db):
    return make_categories()


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def set_value(key: str, value) -> None:
    Setting.objects.create(key=key, value=value, effective_from=datetime.date(2020, 1, 1))


def page(response) -> str:
    return response.content.decode()


def only_petition() -> Petition:
    return Petition.all_objects.get()


def test_it_shows_the_form_in_chinese_with_the_privacy_notice(client, categories):
    response = client.get(URL)

    text = page(response)
    assert response.status_code == 200
    assert "个人信息" in text
    assert "个人信息保护法" in text
    assert "道路交通" in text
    assert "内部事项" not in text
    assert "id_number" not in text
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_follows_the_large_type_cookie(client, categories):
    client.cookies["sunshine_large_type"] = "1"

    text = page(client.get(URL))

    assert '<body class="portal large-type">' in text


def test_it_speaks_english_when_asked(client, categories):
    text = page(client.get(URL, HTTP_ACCEPT_LANGUAGE="en"))

    assert "Send a report or petition" in text
    assert "Notice on personal information" in text


def test_it_files_an_anonymous_report_and_shows_code_and_secret(client, categories):
    response = client.post(URL, report_form())

    assert response.status_code == 201
    petition = only_petition()
    text = page(response)
    code = tracking.format_code(petition.tracking_code)
    assert code in text
    secret = re.search(r'id="tracking-secret">([A-Z0-9-]+)<', text).group(1)
    assert tracking.lookup(code, secret, client_ip="203.0.113.5") == petition
    assert "2026-03-17" in text
    assert petition.channel == Channel.WEB
    assert petition.is_anonymous
    assert petition.reporter_name_encrypted == ""
    assert "no-store" in response["Cache-Control"]
    assert verify() == []


def test_it_routes_the_report_to_the_township(client, categories, township_unit):
    client.post(URL, report_form())

    petition = only_petition()
    assert petition.assigned_unit == township_unit
    assert petition.state == State.RECEIVED


def test_it_keeps_the_report_when_no_unit_handles_it(client, categories):
    response = client.post(URL, report_form("lamps", kind=Kind.SUGGESTION))

    assert response.status_code == 201
    petition = only_petition()
    assert petition.assigned_unit is None
    assert petition.assign_due == datetime.date(2026, 3, 17)


def test_it_stores_a_named_reporter_encrypted(client, categories):
    response = client.post(URL, report_form(identity="named", reporter_name="王五",
                                            reporter_phone="138 1234 5678"))

    assert response.status_code == 201
    petition = only_petition()
    assert not petition.is_anonymous
    assert petition.decrypt_reporter() == {"name": "王五", "phone": PHONE}


def test_it_accepts_a_landline_with_area_code(client, categories):
    response = client.post(URL, report_form(identity="named", reporter_name="王五",
                                            reporter_phone="0576-88123456"))

    assert response.status_code == 201
    assert only_petition().decrypt_reporter()["phone"] == "057688123456"


@pytest.mark.parametrize("phone", ["12345", "23812345678", "88123456", "1381234567x"])
def test_it_rejects_an_invalid_phone_naming_it(client, categories, phone):
    response = client.post(URL, report_form(identity="named", reporter_name="王五",
                                            reporter_phone=phone))

    assert response.status_code == 400
    assert phone in page(response)
    assert "手机号码" in page(response) or "电话号码" in page(response)
    assert not Petition.all_objects.exists()


@pytest.mark.parametrize("phone", ["12345", "1234567", "１３８１２３４５６７", "138٣1234567"])
def test_it_gives_one_message_for_every_invalid_phone(client, categories, phone):
    response = client.post(URL, report_form(identity="named", reporter_name="王五",
                                            reporter_phone=phone))

    assert response.status_code == 400
    assert "请填写 11 位手机号码" in page(response)
    assert "7 至 15 位" not in page(response)


def test_it_rounds_coordinates_to_six_places(client, categories):
    response = client.post(URL, report_form(latitude="28.6803125", longitude="121.44207849"))

    assert response.status_code == 201
    assert str(only_petition().latitude) == "28.680312"
    assert str(only_petition().longitude) == "121.442078"


def test_out_of_range_latitude_is_explained_in_chinese(client, categories):
    response = client.post(URL, report_form(latitude="95", longitude="121.44"))

    assert response.status_code == 400
    assert "“95”超出了 -90 至 90 的范围" in page(response)
    assert "Ensure this value" not in page(response)


def test_it_needs_name_and_phone_for_a_named_report(client, categories):
    response = client.post(URL, report_form(identity="named"))

    text = page(response)
    assert response.status_code == 400
    assert "姓名" in text
    assert "电话" in text


def test_it_drops_a_name_typed_before_choosing_anonymous(client, categories):
    client.post(URL, report_form(reporter_name="王五", reporter_phone=PHONE))

    petition = only_petition()
    assert petition.is_anonymous
    assert petition.reporter_phone_hash == ""


def test_it_rejects_empty_text(client, categories):
    response = client.post(URL, report_form(text="   "))

    assert response.status_code == 400
    assert "请描述" in page(response) or "描述为空" in page(response)
    assert not Petition.all_objects.exists()


def test_it_rejects_an_unknown_category_naming_it(client, categories):
    response = client.post(URL, report_form("nosuch"))

    assert response.status_code == 400
    assert "nosuch" in page(response)


def test_it_rejects_a_category_not_offered_to_the_public(client, categories):
    response = client.post(URL, report_form("internal"))

    assert response.status_code == 400
    assert "internal" in page(response)


def test_it_rejects_a_unit_outside_the_region(client, categories, unit_b):
    response = client.post(URL, report_form(target_unit=unit_b.pk))

    assert response.status_code == 400
    assert "黄岩区人民政府" in page(response)


def test_it_links_the_person_concerned_in_the_unit(client, categories, unit_a):
    person = org_actions.create_person(None, name="赵六", unit=unit_a, post="科员")

    client.post(URL, report_form("graft", kind=Kind.ACCUSATION, target_unit=unit_a.pk,
                                 person_name="赵六"))

    petition = only_petition()
    assert petition.target_person == person
    assert petition.target_unit == unit_a


def test_it_keeps_an_unknown_person_in_the_text(client, categories, unit_a):
    client.post(URL, report_form("graft", kind=Kind.ACCUSATION, target_unit=unit_a.pk,
                                 person_name="钱七"))

    petition = only_petition()
    assert petition.target_person is None
    assert "钱七" in petition.text


@pytest.mark.parametrize("typed", ["赵　六", "赵 六", "赵\u200b六", "赵六\ufe0f", " 赵六\u3000"])
def test_it_links_a_person_named_with_spaces(client, categories, unit_a, typed):
    person = org_actions.create_person(None, name="赵六", unit=unit_a, post="科员")

    client.post(URL, report_form("graft", kind=Kind.ACCUSATION, target_unit=unit_a.pk,
                                 person_name=typed))

    assert only_petition().target_person == person


@pytest.mark.parametrize("typed", ["赵六书记", "赵六（纪委）", "赵六同志", "纪委赵 六主任", "赵·六",
                                   "赵-六", "赵.六", "赵、六", "趙六", "Zhao Liu", "zhaoliu",
                                   "ZHAO LIU shuji"])
def test_it_links_a_person_named_with_a_title(client, categories, unit_a, typed):
    person = org_actions.create_person(None, name="赵六", unit=unit_a, post="科员")

    client.post(URL, report_form("graft", kind=Kind.ACCUSATION, person_name=typed))

    assert only_petition().target_person == person


def persons_concerned(petition: Petition) -> list[str]:
    return [person.name for person in Petition.all_objects.get(pk=petition.pk).persons_concerned]


@pytest.mark.parametrize(("name", "typed"), [("单海", "Shan Hai"), ("曾海", "Zeng Hai"),
                                            ("解强", "xieqiang"), ("单海", "单海主任 Shan"),
                                            ("王海", "Wáng Hǎi"), ("王海", "Hai Wang"),
                                            ("吕强", "Lü Qiang"), ("吕强", "Lu Qiang"),
                                            ("欧阳娜娜", "Nana Ouyang")])
def test_it_links_a_surname_by_its_name_reading(client, categories, unit_a, name, typed):
    person = org_actions.create_person(None, name=name, unit=unit_a, post="科员")

    client.post(URL, report_form("graft", kind=Kind.ACCUSATION, person_name=typed))

    assert only_petition().target_person == person


def test_it_links_every_official_a_name_contains(client, categories, unit_a, township_unit):
    org_actions.create_person(None, name="赵六", unit=unit_a, post="科员")
    org_actions.create_person(None, name="钱七", unit=township_unit, post="科员")

    response = client.post(URL, report_form("graft", kind=Kind.ACCUSATION,
                                            target_unit=township_unit.pk,
                                            person_name="钱七赵六"))

    assert response.status_code == 201
    assert sorted(persons_concerned(only_petition())) == ["赵六", "钱七"]
    assert verify() == []


@pytest.mark.parametrize("typed", ["赵六、钱七", "赵六，钱七", "赵六, 钱七", "赵六;钱七",
                                   "赵六/钱七", "Zhao Liu, Qian Qi", "赵六、钱七、赵六"])
def test_it_links_each_official_of_a_list(client, categories, unit_a, township_unit, typed):
    org_actions.create_person(None, name="赵六", unit=unit_a, post="科员")
    org_actions.create_person(None, name="钱七", unit=township_unit, post="科员")

    response = client.post(URL, report_form("graft", kind=Kind.ACCUSATION, person_name=typed))

    petition = only_petition()
    assert response.status_code == 201
    assert persons_concerned(petition) == ["赵六", "钱七"]
    assert petition.target_person.name == "赵六"
    assert "反映的人员" not in petition.text


def test_unknown_name_keeps_list_in_text(client, categories, unit_a):
    org_actions.create_person(None, name="赵六", unit=unit_a, post="科员")

    client.post(URL, report_form("graft", kind=Kind.ACCUSATION, person_name="赵六、孙九"))

    petition = only_petition()
    assert persons_concerned(petition) == ["赵六"]
    assert "赵六、孙九" in petition.text


def test_it_keeps_run_together_names_in_the_text(client, categories, unit_a):
    org_actions.create_person(None, name="赵六", unit=unit_a, post="科员")

    client.post(URL, report_form("graft", kind=Kind.ACCUSATION, person_name="赵六孙九"))

    petition = only_petition()
    assert persons_concerned(petition) == ["赵六"]
    assert "赵六孙九" in petition.text


def test_shared_name_in_list_needs_unit(client, categories, unit_a,
                                                     township_unit):
    org_actions.create_person(None, name="赵六", unit=unit_a, post="科员")
    org_actions.create_person(None, name="赵六", unit=township_unit, post="科员")
    org_actions.create_person(None, name="钱七", unit=township_unit, post="科员")

    response = client.post(URL, report_form("graft", kind=Kind.ACCUSATION,
                                            person_name="钱七、赵六"))

    assert response.status_code == 400
    assert "不止一位" in page(response)
    assert not Petition.all_objects.exists()


def test_stored_name_with_a_dot_is_matched(client, categories, unit_a):
    person = org_actions.create_person(None, name="阿依古丽·买买提", unit=unit_a, post="科员")

    client.post(URL, report_form("graft", kind=Kind.ACCUSATION, person_name="阿依古丽买买提"))

    assert only_petition().target_person == person


def test_exact_name_wins_over_a_contained_one(client, categories, unit_a):
    org_actions.create_person(None, name="赵六", unit=unit_a, post="科员")
    person = org_actions.create_person(None, name="赵六一", unit=unit_a, post="科员")

    client.post(URL, report_form("graft", kind=Kind.ACCUSATION, person_name="赵六一"))

    assert only_petition().target_person == person


def test_it_links_a_person_outside_the_chosen_unit(client, categories, unit_a, township_unit):
    person = org_actions.create_person(None, name="赵六", unit=unit_a, post="科员")

    client.post(URL, report_form("graft", kind=Kind.ACCUSATION, target_unit=township_unit.pk,
                                 person_name="赵六"))

    petition = only_petition()
    assert person.unit != township_unit
    assert petition.target_person == person
    assert petition.target_unit == township_unit


def test_it_links_the_person_concerned_without_a_unit(client, categories, unit_a):
    person = org_actions.create_person(None, name="赵六", unit=unit_a, post="科员")

    client.post(URL, report_form("graft", kind=Kind.ACCUSATION, person_name="赵六"))

    petition = only_petition()
    assert petition.target_person == person
    assert petition.target_unit is None


def test_it_ignores_a_namesake_in_another_county(client, categories, unit_b):
    org_actions.create_person(None, name="赵六", unit=unit_b, post="科员")

    client.post(URL, report_form("graft", kind=Kind.ACCUSATION, person_name="赵六"))

    petition = only_petition()
    assert petition.target_person is None
    assert "赵六" in petition.text


def test_shared_person_name_needs_unit(client, categories, unit_a, township_unit):
    org_actions.create_person(None, name="赵六", unit=unit_a, post="科员")
    org_actions.create_person(None, name="赵六", unit=township_unit, post="科员")

    response = client.post(URL, report_form("graft", kind=Kind.ACCUSATION, person_name="赵六"))

    assert response.status_code == 400
    assert "不止一位" in page(response)
    assert not Petition.all_objects.exists()


def test_it_refuses_a_suggestion_in_a_report_category(client, categories):
    response = client.post(URL, report_form("graft", kind=Kind.SUGGESTION))

    assert response.status_code == 400
    assert "类别“违纪违法”只受理检举控告" in page(response)
    assert not Petition.all_objects.exists()


def test_report_category_message_has_no_nested_brackets(client, categories):
    response = client.post(URL, report_form("graft", kind=Kind.SUGGESTION),
                           HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "takes only the kind “report (accusation)”; choose that kind" in page(response)


def test_it_rejects_an_unknown_project_code(client, categories):
    response = client.post(URL, report_form(project_code="NO-SUCH-1"))

    assert response.status_code == 400
    assert "NO-SUCH-1" in page(response)


def test_tampered_location_is_named_in_the_summary(client, categories):
    response = client.post(URL, report_form(latitude="91", longitude="121.44"))

    assert response.status_code == 400
    assert "您所在位置的纬度：" in page(response)
    assert not Petition.all_objects.exists()


def test_it_asks_for_files_again_after_another_error(client, categories):
    files = [upload("photo.jpg", JPEG), upload("scan.png", PNG, "image/png")]

    response = client.post(URL, {**report_form(text=""), "evidence": files})

    assert response.status_code == 400
    assert "表单未能提交，您附上的 2 个文件没有保留，请重新选择。" in page(response)
    assert '<a href="#id_evidence">' in page(response)
    assert not Petition.all_objects.exists()


def test_it_asks_for_files_again_in_english(client, categories):
    response = client.post(URL, {**report_form(consent=""), "evidence": [upload("photo.jpg", JPEG)]},
                           HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert ("The file you attached was not kept because the form was not sent; choose it again."
            in page(response))


@pytest.mark.parametrize(("name", "content", "content_type", "extension"), [
    ("photo.jpg", JPEG, "image/jpeg", "jpg"),
    ("scan.png", PNG, "image/png", "png"),
    ("letter.pdf", PDF, "application/pdf", "pdf"),
    ("IMG_0001.JPEG", JPEG, "image/jpeg", "jpg"),
])
def test_it_stores_evidence_by_its_content(client, categories, name, content, content_type,
                                           extension):
    response = client.post(URL, {**report_form(), "evidence": [upload(name, content)]})

    assert response.status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.content_type == content_type
    assert evidence.stored_name.endswith("." + extension)
    assert evidence.original_name == ""
    with default_storage.open(evidence.stored_name, "rb") as stored:
        kept = stored.read()
    assert evidence.size == len(kept)
    # Photos without metadata stay byte for byte; a PDF is rewritten without its metadata.
    if extension == "pdf":
        with pikepdf.open(io.BytesIO(kept)) as pdf:
            assert len(pdf.pages) == 1
    else:
        assert kept == content
    assert verify() == []


@pytest.mark.parametrize(("name", "content", "extension"), [
    ("a.jpg.exe", JPEG, "exe"),
    ("letter.jpg", PDF, "jpg"),
    ("scan.png", JPEG, "png"),
    ("photo.html", JPEG, "html"),
])
def test_it_rejects_a_disguised_name(client, categories, name, content, extension):
    response = client.post(URL, {**report_form(), "evidence": [upload(name, content)]})

    text = page(response)
    assert response.status_code == 400
    assert name in text
    assert f".{extension}" in text
    assert "伪装" in text
    assert "或选择正确的文件。" in text
    assert not Petition.all_objects.exists()
    assert not Evidence.objects.exists()


def test_it_rejects_a_truncated_photo(client, categories):
    files = [upload("photo.jpg", JPEG), upload("scan.png", TRUNCATED_PNG)]

    response = client.post(URL, {**report_form(), "evidence": files})

    text = page(response)
    assert response.status_code == 400
    assert "scan.png" in text
    assert "损坏" in text
    assert "后再上传新文件。" in text
    assert not Petition.all_objects.exists()
    assert not Evidence.objects.exists()


def test_type_message_lists_types_per_language(client, categories):
    renamed = {"evidence": upload("photo.jpg", EXE)}

    chinese = page(client.post(URL, {**report_form(), **renamed}))
    english = page(client.post(URL, {**report_form(), "evidence": upload("photo.jpg", EXE)},
                               HTTP_ACCEPT_LANGUAGE="en"))

    assert "不是 JPEG、PNG 或 PDF 文件" in chinese
    assert "JPEG, PNG or PDF" in english


def test_it_explains_the_kinds_with_chinese_colons(client, categories):
    text = page(client.get(URL))

    assert "<strong>建议意见</strong>：" in text
    assert "<strong>申诉求决</strong>：" in text


def test_it_rejects_a_disguised_program(client, categories):
    response = client.post(URL, {**report_form(), "evidence": [upload("photo.jpg", EXE)]})

    text = page(response)
    assert response.status_code == 400
    assert "photo.jpg" in text
    assert "不是 JPEG、PNG 或 PDF 文件" in text
    assert not Petition.all_objects.exists()
    assert not Evidence.objects.exists()


def test_it_rejects_an_oversized_file(client, categories):
    set_value("petitions.evidence_max_bytes", 50)

    response = client.post(URL, {**report_form(), "evidence": [upload("big.jpg", JPEG)]})

    assert response.status_code == 400
    assert "big.jpg" in page(response)
    assert not Petition.all_objects.exists()


def test_it_names_an_empty_file(client, categories):
    files = [upload("photo.jpg", JPEG), upload("blank.jpg", b"")]

    response = client.post(URL, {**report_form(), "evidence": files})

    assert response.status_code == 400
    assert "文件“blank.jpg”是空的" in page(response)
    assert not Petition.all_objects.exists()


def test_it_rejects_too_many_files(client, categories):
    set_value("petitions.evidence_max_files", 2)
    files = [upload(f"p{i}.jpg", JPEG) for i in range(3)]

    response = client.post(URL, {**report_form(), "evidence": files})

    assert response.status_code == 400
    assert not Petition.all_objects.exists()


def test_error_summary_links_fields(client, categories):
    response = client.post(URL, report_form(text="", reporter_phone="12345",
                                            identity="named"))

    text = page(response)
    assert response.status_code == 400
    assert 'id="error-summary"' in text
    assert '<a href="#id_text">' in text
    assert '<a href="#id_reporter_name">' in text
    assert "您的姓名：" in text


def test_error_summary_explains_damaged_submission(client, categories):
    response = client.post(URL, report_form(submission="not-a-uuid"))

    text = page(response)
    assert response.status_code == 400
    assert "重新加载页面" in text
    assert "隐藏的提交编号" in text
    assert not Petition.all_objects.exists()


def test_it_requires_the_privacy_notice_to_be_read(client, categories):
    data = report_form()
    del data["consent"]

    response = client.post(URL, data)

    assert response.status_code == 400
    assert not Petition.all_objects.exists()


def test_it_requires_a_csrf_token(categories):
    response = Client(enforce_csrf_checks=True).post(URL, report_form())

    assert response.status_code == 403
    assert not Petition.all_objects.exists()


def test_it_limits_reports_per_address(client, categories):
    set_value("petitions.intake_max_per_ip", 2)

    statuses = [client.post(URL, report_form()).status_code for _ in range(3)]

    assert statuses == [201, 201, 429]
    assert Petition.all_objects.count() == 2


def test_it_files_a_resent_form_once(client, categories):
    data = report_form(submission="0f0e0d0c-0b0a-4908-8706-050403020100")

    first = client.post(URL, data)
    second = client.post(URL, data)

    assert first.status_code == 201
    assert second.status_code == 409
    assert tracking.format_code(only_petition().tracking_code) in page(second)


def test_it_prefills_the_project_from_the_address(client, categories):
    text = page(client.get(URL + "?project=JJ-2025-001"))

    assert 'value="JJ-2025-001"' in text


def test_it_rejects_other_methods(client, categories):
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405
