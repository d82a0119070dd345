"""DingTalk robots in the admin: superusers only, credentials write-only and masked."""

import pytest
from django.test import Client
from django.urls import reverse

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.notify.models import DingTalkRobot

pytestmark = pytest.mark.django_db

WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789abcdef"
SECRET = "SECa1b2c3d4e5f6g7h8i9"
ADD = reverse("admin:notify_dingtalkrobot_add")
LIST = reverse("admin:notify_dingtalkrobot_changelist")


@pytest.fixture
def superuser_client(django_user_model):
    user = django_user_model.objects.create_superuser("root", password="x-Pass-9271")
    client = Client()
    client.force_login(user)
    return client


def form(unit_a, **extra) -> dict:
    data = {"name": "椒江区政府群", "unit": unit_a.pk, "region": "", "is_active": "on",
            "webhook": WEBHOOK, "secret": SECRET}
    data.update(extra)
    return data


def test_admin_adds_robot_and_masks_credentials(superuser_client, unit_a):
    response = superuser_client.post(ADD, form(unit_a))

    assert response.status_code == 302
    robot = DingTalkRobot.objects.get()
    assert robot.webhook() == WEBHOOK
    assert robot.secret() == SECRET
    page = superuser_client.get(LIST).content.decode()
    assert "abcdef0123456789abcdef" not in page
    assert SECRET not in page
    assert "access_token=abcd…cdef" in page
    assert "SECa…h8i9" in page
    assert AuditEntry.objects.filter(object_type="notify.dingtalkrobot").count() == 1
    assert verify() == []


def test_change_page_never_shows_secret(superuser_client, unit_a):
    superuser_client.post(ADD, form(unit_a))
    robot = DingTalkRobot.objects.get()

    page = superuser_client.get(reverse("admin:notify_dingtalkrobot_change",
                                        args=[robot.pk])).content.decode()

    assert SECRET not in page
    assert "abcdef0123456789abcdef" not in page


def test_empty_credentials_keep_stored_ones(superuser_client, unit_a):
    superuser_client.post(ADD, form(unit_a))
    robot = DingTalkRobot.objects.get()
    change = reverse("admin:notify_dingtalkrobot_change", args=[robot.pk])

    response = superuser_client.post(change, form(unit_a, name="新名称", webhook="", secret="",
                                                  loaded_version=robot.version))

    stored = DingTalkRobot.objects.get()
    assert response.status_code == 302
    assert stored.name == "新名称"
    assert stored.secret() == SECRET
    assert stored.webhook() == WEBHOOK
    assert verify() == []


@pytest.mark.parametrize(("extra", "message"), [
    ({"secret": "abc"}, "必须以 SEC 开头"),
    ({"webhook": "https://oapi.dingtalk.com/robot/send"}, "没有 access_token"),
    ({"region": "331002"}, "单位和行政区划只能选择其一"),
])
def test_invalid_robot_is_rejected(superuser_client, unit_a, extra, message):
    response = superuser_client.post(ADD, form(unit_a, **extra))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert DingTalkRobot.objects.count() == 0


def test_operator_cannot_open_robots(operator_a):
    client = Client()
    client.force_login(operator_a)

    assert client.get(LIST).status_code in (302, 403)
