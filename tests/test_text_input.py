"""Report text that shows nothing, and text with a NUL character, on the portal form and the API.

Text made only of spaces, of invisible format characters (the zero-width
space U+200B, the byte order mark U+FEFF) or of control characters is
empty; control characters other than tab and line breaks are removed. A NUL character gets a
message that names the field and its position, not Django's message, whose
Chinese translation means "empty strings are not allowed".
"""

import pytest
from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from sunshine.lib.text_input import is_blank
from sunshine.petitions.actions._common import required_text
from sunshine.petitions.models import Petition
from tests.petition_web_data import NOW, TOWNSHIP, make_categories, report_form

pytestmark = pytest.mark.django_db

FORM = reverse("petitions:report_new")
REPORTS = "/api/v1/reports/"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
INVISIBLE = "\u200b\u200b\u200b\ufeff"
CONTROLS = "\x01\x02\x03\x7f\x1f\x85"
EMPTY_ZH = "描述为空，请写明发生了什么、在哪里、什么时间。"
EMPTY_EN = "The description is empty; write what happened, where and when."


@pytest.fixture(autouse=True)
def setup(db, time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    make_categories()
    yield
    cache.clear()


def post(client, **extra):
    data = {"kind": "request", "category": "roads", "region": TOWNSHIP, "text": "村口道路塌陷。"}
    data.update(extra)
    return client.post(REPORTS, data, content_type="application/json", **ENGLISH)


@pytest.mark.parametrize("value", ["", " \n\t", "\u3000", INVISIBLE, "\u200c\u200d\u2060",
                                   " \u200b\u3000\ufeff ", CONTROLS, "\u3164\u3164", "\u2800"])
def test_is_blank_format_characters(value):
    assert is_blank(value)


@pytest.mark.parametrize("value", ["a", "\u200b路\u200b", "\ufeff0", "。"])
def test_is_blank_visible_text(value):
    assert not is_blank(value)


@pytest.mark.parametrize("value", ["   ", INVISIBLE])
def test_required_text_rejects_invisible_text(value):
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        required_text(value, "The reply text")

    assert raised.value.messages == [
        "The reply text is missing; fill it in."]


def test_required_text_keeps_inner_format_characters():
    assert required_text(" 路\u200b面 ", "The reply text") == "路\u200b面"


@pytest.mark.parametrize("text", ["   ", "\u3000\u3000", INVISIBLE, "\u3000\u200b \ufeff"])
def test_api_rejects_invisible_text(client, text):
    response = post(client, text=text)

    assert response.status_code == 400
    assert response.json()["errors"] == {"text": [EMPTY_EN]}
    assert not Petition.all_objects.exists()


def test_api_keeps_inner_format_characters(client):
    response = post(client, text="路面\u200b塌陷")

    assert response.status_code == 201
    assert Petition.all_objects.get().text == "路面\u200b塌陷"


def test_api_rejects_control_only_text(client):
    response = post(client, text=CONTROLS)

    assert response.status_code == 400
    assert response.json()["errors"] == {"text": [EMPTY_EN]}
    assert not Petition.all_objects.exists()


def test_api_strips_terminal_escapes(client):
    response = post(client, text="路面\x1b[31m塌陷\r\n\t三处\x07")

    assert response.status_code == 201
    assert Petition.all_objects.get().text == "路面[31m塌陷\r\n\t三处"


def test_api_strips_bidirectional_controls(client):
    response = post(client, text="\u202a路面\u202e塌陷\u2066三处\u2069\u202c")

    assert response.status_code == 201
    assert Petition.all_objects.get().text == "路面塌陷三处"


def test_api_rejects_bidirectional_only_text(client):
    response = post(client, text="\u202e\u2067")

    assert response.status_code == 400
    assert response.json()["errors"] == {"text": [EMPTY_EN]}


def test_api_drops_invisible_subject(client):
    response = post(client, title=INVISIBLE)

    assert response.status_code == 201
    assert Petition.all_objects.get().title == ""


def test_api_rejects_invisible_reporter_name(client):
    response = post(client, anonymous=False, name="\u200b", phone="13800138000")

    assert response.status_code == 400
    assert "Your name is missing" in " ".join(response.json()["errors"]["name"])


def test_api_nul_in_text_message(client):
    english = post(client, text="路面\u0000塌陷")
    chinese = client.post(REPORTS, {"kind": "request", "category": "roads", "region": TOWNSHIP,
                                    "text": "路面\u0000塌陷"}, content_type="application/json")

    assert english.status_code == 400
    assert english.json()["errors"] == {"text": [
        "“What happened? What do you ask for?” contains a NUL control character (U+0000) at "
        "character 3, which text may not contain; remove it and send again."]}
    assert chinese.status_code == 400
    assert "第 3 个字符是 NUL 控制字符（U+0000）" in chinese.json()["detail"]
    assert "空字符串" not in chinese.json()["detail"]
    assert not Petition.all_objects.exists()


def test_api_nul_in_name_message(client):
    response = post(client, anonymous=False, name="\u0000张三", phone="13800138000")

    assert response.status_code == 400
    assert response.json()["errors"]["name"] == [
        "“Your name” contains a NUL control character (U+0000) at character 1, which text "
        "may not contain; remove it and send again."]


def test_form_rejects_invisible_text(client):
    spaces = client.post(FORM, report_form(text="   "))
    invisible = client.post(FORM, report_form(text=INVISIBLE))

    assert spaces.status_code == 400
    assert invisible.status_code == 400
    assert EMPTY_ZH in spaces.content.decode()
    assert EMPTY_ZH in invisible.content.decode()
    assert not Petition.all_objects.exists()


def test_form_rejects_control_only_text(client):
    response = client.post(FORM, report_form(text=CONTROLS))

    assert response.status_code == 400
    assert EMPTY_ZH in response.content.decode()
    assert not Petition.all_objects.exists()


def test_form_nul_in_text_message(client):
    response = client.post(FORM, report_form(text="路面\u0000塌陷"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "第 3 个字符是 NUL 控制字符（U+0000），文本中不能含有该字符，请删除后再提交。" in page
    assert "空字符串" not in page
    assert not Petition.all_objects.exists()


def test_django_nul_message_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        forms.CharField().clean("a\u0000b")

    assert raised.value.messages == ["文本中含有 NUL 控制字符（U+0000），不能保存，请删除后再提交。"]
