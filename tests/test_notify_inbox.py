"""The in-app inbox: own delivered messages only, mark read, methods and login."""

import pytest
from django.test import Client
from django.urls import reverse

from sunshine.notify.models import Channel, Notification
from sunshine.notify.outbox import Message, deliver_due, queue
from tests.duties_data import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def messages(operator_a, operator_b):
    queue([Message(operator_a, "a1", "任务“1 道路硬化”还有 3 天到期", url="/staff/duties/tasks/1/"),
           Message(operator_a, "a2", "钉钉消息", channel=Channel.DINGTALK),
           Message(operator_b, "b1", "黄岩的消息"),
           Message(operator_a, "a3", "外部链接", url="https://example.org/")])
    deliver_due()
    return {row.key: row for row in Notification.objects.all()}


def test_inbox_lists_own_in_app_messages(operator_a, messages):
    response = logged_in(operator_a).get(reverse("notify:inbox"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "还有 3 天到期" in html
    assert "钉钉消息" not in html
    assert "黄岩的消息" not in html
    assert response.context["unread"] == 2


def test_reading_marks_read_and_follows_the_link(operator_a, messages):
    response = logged_in(operator_a).post(reverse("notify:read", args=[messages["a1"].pk]))

    assert response.status_code == 302
    assert response["Location"] == "/staff/duties/tasks/1/"
    assert Notification.objects.get(key="a1").read_at is not None


def test_outside_link_is_not_followed(operator_a, messages):
    response = logged_in(operator_a).post(reverse("notify:read", args=[messages["a3"].pk]))

    assert response["Location"] == reverse("notify:inbox")


def test_another_users_message_is_404(operator_a, messages):
    response = logged_in(operator_a).post(reverse("notify:read", args=[messages["b1"].pk]))

    assert response.status_code == 404
    assert Notification.objects.get(key="b1").read_at is None


def test_read_all(operator_a, messages):
    logged_in(operator_a).post(reverse("notify:read_all"))

    assert not Notification.objects.filter(recipient=operator_a, channel=Channel.IN_APP,
                                           read_at__isnull=True).exists()
    assert Notification.objects.get(key="b1").read_at is None


def test_methods_and_login(client, operator_a, messages):
    assert logged_in(operator_a).get(reverse("notify:read", args=[messages["a1"].pk])
                                     ).status_code == 405
    assert logged_in(operator_a).post(reverse("notify:inbox")).status_code == 405
    assert client.get(reverse("notify:inbox")).status_code == 302
