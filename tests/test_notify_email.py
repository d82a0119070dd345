"""The e-mail sender of the outbox, through Django's test e-mail backend."""

import pytest
from django.core import mail

from sunshine.notify.models import Channel, DeliveryStatus, Notification
from sunshine.notify.outbox import Message, deliver_due, queue
from tests.duties_data import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_email_is_sent_to_recipient(operator_a, settings):
    settings.DEFAULT_FROM_EMAIL = "sunshine@example.gov.cn"
    operator_a.email = "a@example.gov.cn"
    operator_a.save()
    queue([Message(operator_a, "k1", "任务即将到期", body="请尽快办理。", url="/staff/duties/",
                   channel=Channel.EMAIL)])

    counts = deliver_due()

    assert counts["sent"] == 1
    assert Notification.objects.get().status == DeliveryStatus.SENT
    sent = mail.outbox[0]
    assert sent.to == ["a@example.gov.cn"]
    assert sent.from_email == "sunshine@example.gov.cn"
    assert sent.subject == "任务即将到期"
    assert sent.body == "请尽快办理。\n\n/staff/duties/"


def test_recipient_without_address_is_retried(operator_a):
    queue([Message(operator_a, "k1", "任务即将到期", channel=Channel.EMAIL)])

    counts = deliver_due()

    row = Notification.objects.get()
    assert counts["retry"] == 1
    assert "no e-mail address" in row.last_error
    assert mail.outbox == []


def test_smtp_failure_is_retried(operator_a, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9
    settings.EMAIL_TIMEOUT = 2
    operator_a.email = "a@example.gov.cn"
    operator_a.save()
    queue([Message(operator_a, "k1", "任务即将到期", channel=Channel.EMAIL)])

    counts = deliver_due()

    assert counts["retry"] == 1
    assert "e-mail to user" in Notification.objects.get().last_error
