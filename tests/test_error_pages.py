"""Error pages 400, 403 (also for a failed CSRF check), 404, 413 and 500 in Chinese and
English, and the 413 API response."""

import json

import pytest
from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from sunshine.api.api import api

pytestmark = pytest.mark.django_db

OVER_LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
LOCK_MESSAGE_ZH = "只有管理员可以锁定或解锁季度。"
LOCK_MESSAGE_EN = "Only administrators may lock or unlock quarters."


def logged_in(user, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def test_403_page_shows_the_chinese_reason(operator_a):
    response = logged_in(operator_a).get(reverse("duties:quarter_locks"))

    page = response.content.decode()
    assert response.status_code == 403
    assert LOCK_MESSAGE_ZH in page
    assert "无权访问" in page
    assert '<html lang="zh-hans">' in page


def test_403_page_follows_the_english_language(operator_a):
    client = logged_in(operator_a, HTTP_ACCEPT_LANGUAGE="en")

    response = client.get(reverse("duties:quarter_locks"))

    page = response.content.decode()
    assert response.status_code == 403
    assert LOCK_MESSAGE_EN in page
    assert "Access denied" in page


def test_403_page_without_a_message_still_explains(rf):
    with translation.override("zh-hans"):
        response = defaults.permission_denied(rf.get("/staff/"), PermissionError())

    assert response.status_code == 403
    assert "管理员" in response.content.decode()


def test_404_page_names_the_address(client):
    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page
    assert "/no-such-page/" in page


def test_404_page_keeps_large_type(client):
    client.cookies["sunshine_large_type"] = "1"

    page = client.get("/no-such-page/").content.decode()

    assert '<body class="error-page large-type">' in page


@pytest.mark.parametrize(("language", "heading"), [
    ("zh-hans", "服务器出错"), ("en", "Server error")])
def test_500_page_renders_without_a_request(language, heading):
    with translation.override(language):
        response = defaults.server_error(RequestFactory().get("/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert heading in page
    assert "language-switch" not in page


@pytest.mark.parametrize(("language", "heading"), [
    ("zh-hans", "请求无法处理"), ("en", "Bad request")])
def test_400_page_renders_without_a_request(language, heading):
    with translation.override(language):
        response = defaults.bad_request(RequestFactory().get("/"), ValueError("secret detail"))

    page = response.content.decode()
    assert response.status_code == 400
    assert heading in page
    assert "secret detail" not in page


def test_form_without_csrf_cookie_gets_the_site_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("petitions:report_new"), {"text": "村口道路塌陷。"})

    page = response.content.decode()
    assert response.status_code == 403
    assert "表单未能提交" in page
    assert "请允许本网站使用 Cookie" in page
    assert "DEBUG" not in page


def test_stale_csrf_token_gets_the_site_page_in_english():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.get(reverse("petitions:report_new"))  # sets the CSRF cookie

    response = client.post(reverse("petitions:report_new"),
                           {"text": "Road collapsed.", "csrfmiddlewaretoken": "x" * 64})

    page = response.content.decode()
    assert response.status_code == 403
    assert "The form was not sent" in page
    assert "reload the page and send it again" in page
    assert "CSRF" not in page


def test_oversized_form_gets_the_413_page():
    client = Client(raise_request_exception=False)

    response = client.post(reverse("petitions:report_new"), {"text": "字" * OVER_LIMIT})

    page = response.content.decode()
    assert response.status_code == 413
    assert "请求过大" in page
    assert "5.0" in page


def test_oversized_form_checked_for_csrf_gets_413():
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(reverse("petitions:report_new"))  # sets the CSRF cookie
    body = "text=" + "a" * OVER_LIMIT

    response = client.post(reverse("petitions:report_new"), body,
                           content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413


def oversized_report() -> str:
    return json.dumps({"kind": "report", "category": "other", "region": "331002",
                       "text": "a" * OVER_LIMIT})


def test_oversized_api_body_gets_413_in_chinese():
    client = Client(raise_request_exception=False)

    body = oversized_report()

    response = client.post("/api/v1/reports/", body, content_type="application/json")

    assert response.status_code == 413
    detail = response.json()["detail"]
    assert f"请求正文有 {len(body.encode())} 字节" in detail
    assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in detail
    assert "Traceback" not in response.content.decode()


def test_oversized_api_body_gets_413_in_english():
    client = Client(raise_request_exception=False)

    body = oversized_report()

    response = client.post("/api/v1/reports/?lang=en", body, content_type="application/json")

    assert response.status_code == 413
    assert f"The request body has {len(body.encode())} bytes" in response.json()["detail"]


@pytest.mark.parametrize("enforce_csrf", [False, True])
def test_oversized_form_gets_413_page_in_debug(settings, enforce_csrf):
    settings.DEBUG = True
    client = Client(enforce_csrf_checks=enforce_csrf, raise_request_exception=False)
    client.get(reverse("petitions:report_new"))  # sets the CSRF cookie

    response = client.post(reverse("petitions:report_new"), "text=" + "a" * OVER_LIMIT,
                           content_type="application/x-www-form-urlencoded")

    page = response.content.decode()
    assert response.status_code == 413
    assert "请求过大" in page
    assert "Traceback" not in page


def test_oversized_api_body_gets_json_413_in_debug(settings):
    settings.DEBUG = True
    client = Client(raise_request_exception=False)

    response = client.post("/api/v1/reports/", oversized_report(), content_type="application/json")

    assert response.status_code == 413
    assert "请求正文有" in response.json()["detail"]


def many_files(count: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"p{i}.jpg", b"x", content_type="image/jpeg")
            for i in range(count)]


@pytest.mark.parametrize("debug", [False, True])
def test_too_many_files_name_the_form_limit(settings, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)

    response = client.post(reverse("petitions:report_new"),
                           {"text": "道路塌陷", "evidence": many_files(101)})

    page = response.content.decode()
    assert response.status_code == 400
    assert "超过 100 个文件" in page
    assert "最多附 5 个文件" in page
    assert "重新填写" in page
    assert "Traceback" not in page


def test_too_many_fields_name_the_limit():
    client = Client(raise_request_exception=False)
    body = "&".join(f"f{i}=1" for i in range(1500))

    response = client.post(reverse("petitions:report_new"), body,
                           content_type="application/x-www-form-urlencoded")

    page = response.content.decode()
    assert response.status_code == 400
    assert "超过 1000 个字段" in page
    assert "重新加载" in page


def test_too_many_files_english_no_limit(settings):
    settings.DEBUG = True
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")

    response = client.post(reverse("login"), {"evidence": many_files(101)})

    page = response.content.decode()
    assert response.status_code == 400
    assert "more than 100 files" in page
    assert "attach fewer files" in page


def test_open311_too_many_fields_is_an_open311_error():
    client = Client(raise_request_exception=False)
    body = "&".join(f"f{i}=1" for i in range(1500))

    response = client.post("/open311/v2/requests.json", body,
                           content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
    assert "超过 1000 个表单字段" in response.json()[0]["description"]


def test_api_too_many_files_is_json_400(rf):
    request = rf.post("/api/v1/reports/")

    with translation.override("zh-hans"):
        response = api.on_exception(request, TooManyFilesSent("too many"))

    assert response.status_code == 400
    assert "超过 100 个文件" in json.loads(response.content)["detail"]
