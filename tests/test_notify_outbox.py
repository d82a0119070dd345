"""The outbox: idempotent queuing, delivery through channel senders, retries and failure."""

import datetime

import pytest
from django.utils import timezone

from sunshine.notify import channels
from sunshine.notify.models import Channel, DeliveryStatus, Notification
from sunshine.notify.outbox import Message, deliver_due, queue
from tests.duties_data import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_queue_is_idempotent_per_recipient_channel_and_key(operator_a, operator_b):
    messages = [Message(operator_a, "k1", "主题"), Message(operator_b, "k1", "主题")]

    assert queue(messages) == 2
    assert queue(messages) == 0
    assert queue([Message(operator_a, "k1", "主题", channel=Channel.EMAIL)]) == 1


def test_in_app_messages_are_delivered_at_once(operator_a):
    queue([Message(operator_a, "k1", "主题")])

    counts = deliver_due()

    row = Notification.objects.get()
    assert counts["sent"] == 1
    assert row.status == DeliveryStatus.SENT
    assert row.sent_at == timezone.now()


def test_channel_without_sender_stays_pending(operator_a, monkeypatch):
    monkeypatch.delitem(channels.SENDERS, Channel.ZZD)
    queue([Message(operator_a, "k1", "主题", channel=Channel.ZZD)])

    assert deliver_due()["no_sender"] == 1
    assert Notification.objects.get().status == DeliveryStatus.PENDING


def test_failures_retry_with_a_growing_wait_then_fail(operator_a, monkeypatch, time_machine):
    def broken(notification):
        raise channels.DeliveryError("robot answered errcode 310000")

    monkeypatch.setitem(channels.SENDERS, Channel.DINGTALK, broken)
    queue([Message(operator_a, "k1", "主题", channel=Channel.DINGTALK)])

    assert deliver_due()["retry"] == 1
    row = Notification.objects.get()
    assert row.next_attempt_at == NOW + datetime.timedelta(minutes=10)
    assert deliver_due()["retry"] == 0

    for _attempt in range(4):
        time_machine.move_to(Notification.objects.get().next_attempt_at, tick=False)
        deliver_due()

    row = Notification.objects.get()
    assert row.status == DeliveryStatus.FAILED
    assert row.attempts == 5
    assert "310000" in row.last_error
