"""Login and logout of the staff site, both audited."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify

pytestmark = pytest.mark.django_db

PASSWORD = "x-Pass-9271"


def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="zh-hans"' in body
    assert "工作人员登录" in body
    assert "用户名" in body
    assert "密码" in body


def test_login_redirects_to_staff_home_and_audits(client, operator_a):
    response = client.post(reverse("login"), {"username": "operator_a", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert AuditEntry.objects.filter(action="login", actor_id=operator_a.pk).count() == 1
    assert verify() == []


def test_login_follows_next(client, operator_a):
    response = client.post(reverse("login"), {"username": "operator_a", "password": PASSWORD,
                                              "next": "/staff/projects/"})

    assert response["Location"] == "/staff/projects/"


def test_failed_login_shows_chinese_error_and_audits(client, operator_a):
    response = client.post(reverse("login"), {"username": "operator_a", "password": "wrong"})

    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert AuditEntry.objects.filter(action="login_failed",
                                     changes__username="operator_a").count() == 1


def test_session_expires_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_staff_pages_show_logout_form(operator_a):
    client = Client()
    client.force_login(operator_a)

    body = client.get(reverse("funds:home")).content.decode()

    assert f'action="{reverse("logout")}" method="post"' in body
    assert "退出登录" in body


def test_logout_ends_session(operator_a):
    client = Client()
    client.force_login(operator_a)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get(reverse("funds:home")).status_code == 302


def test_logout_rejects_get(operator_a):
    client = Client()
    client.force_login(operator_a)

    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("funds:home")).status_code == 200


@pytest.mark.parametrize("path", ["/accounts/password_reset/", "/accounts/password_reset/done/",
                                  "/accounts/reset/MQ/set-password/", "/accounts/reset/done/",
                                  "/accounts/password_change/"])
def test_django_password_pages_are_not_served(client, path):
    assert client.get(path).status_code == 404
