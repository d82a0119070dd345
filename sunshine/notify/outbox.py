"""Queuing notifications and delivering the ones that are due.

``compose`` builds each message in its recipient's language, and
``queue`` is idempotent per recipient, channel and key, so callers may
run it again after a crash or on the next day without sending twice.
``deliver_due`` hands each pending row to its channel's sender; a failure
is retried with a doubling wait until ``notify.max_attempts``. A deferral
(a DingTalk robot over its rate limit, or the 浙政钉 gateway not yet
configured) waits until the time the sender names and does not count as an
attempt.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone, translation

from sunshine.notify import reach
from sunshine.notify.channels import SENDERS
from sunshine.notify.errors import DeliveryDeferred, DeliveryError
from sunshine.notify.models import Channel, DeliveryStatus, Notification
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

BATCH = 500
SUBJECT_LENGTH = 200


@dataclass(frozen=True)
class Message:
    """A message to one user. ``confidential`` keeps it off group chats and e-mail (``reach``)."""

    recipient: Any
    key: str
    subject: str
    body: str = ""
    url: str = ""
    channel: str = Channel.IN_APP
    confidential: bool = False


def compose(recipients: Iterable[Any], build: Callable[[Any], Message]) -> list[Message]:
    """Build one message per recipient with ``build``, each in the recipient's language.

    Every place that writes notifications builds them through this, so that
    a user who works in English gets them in English on every channel. The
    recipients' preferences are read in one query, or in none when the
    caller loaded them with ``select_related("preference")``.
    """
    users = list(recipients)
    prefetch_related_objects(users, "preference")
    messages = []
    for user in users:
        with translation.override(language_of(user)):
            messages.append(build(user))
    return messages


def language_of(user: Any) -> str:
    """Return the language the user chose (``UserPreference``), else the site language."""
    preference = getattr(user, "preference", None)
    return preference.language if preference is not None else settings.LANGUAGE_CODE


def queue(messages: Iterable[Message]) -> int:
    """Queue messages not queued before; return how many of the given messages were new.

    Each inbox message also goes out on the recipient's other channels
    (``reach.with_copies``). Those copies are queued too but not counted,
    so the count matches the messages a caller made.
    """
    originals = list(messages)
    original_keys = {(m.recipient.pk, m.channel, m.key) for m in originals}
    now = timezone.now()
    rows = [
        Notification(recipient=m.recipient, channel=m.channel, key=m.key,
                     subject=m.subject[:SUBJECT_LENGTH], body=m.body, url=m.url,
                     status=DeliveryStatus.PENDING, next_attempt_at=now, created_at=now)
        for m in reach.with_copies(originals)
    ]
    if not rows:
        return 0
    keys = {(row.recipient.pk, row.channel, row.key) for row in rows}
    before = _existing(keys)
    # ignore_conflicts keeps a concurrent run from failing on the unique key.
    Notification.objects.bulk_create(
        [row for row in rows if (row.recipient.pk, row.channel, row.key) not in before],
        batch_size=BATCH, ignore_conflicts=True,
    )
    after = _existing(keys)
    created = len(after & original_keys) - len(before & original_keys)
    logger.info("notifications queued: %s new of %s, with %s new copies on other channels",
                created, len(original_keys), len(after) - len(before) - created)
    return created


def _existing(keys: set[tuple[int, str, str]]) -> set[tuple[int, str, str]]:
    found: set[tuple[int, str, str]] = set()
    names = sorted({key for _r, _c, key in keys})
    for start in range(0, len(names), BATCH):
        rows = Notification.objects.filter(key__in=names[start:start + BATCH]).values_list(
            "recipient_id", "channel", "key")
        found.update(row for row in rows if row in keys)
    return found


def queue_on_commit(messages: list[Message]) -> None:
    """Queue the messages once the surrounding transaction commits, never if it rolls back."""
    transaction.on_commit(lambda: queue(messages))


def deliver_due(now: datetime.datetime | None = None) -> dict[str, int]:
    """Send every pending notification whose attempt time has come; return counts by outcome."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0, "deferred": 0, "no_sender": 0}
    due = Notification.objects.due(now).select_related("recipient").order_by("id")
    for notification in due.iterator(chunk_size=BATCH):
        counts[_deliver(notification, now)] += 1
    return counts


def _deliver(notification: Notification, now: datetime.datetime) -> str:
    sender = SENDERS.get(notification.channel)
    if sender is None:
        return "no_sender"
    notification.attempts += 1
    try:
        sender(notification)
    except DeliveryDeferred as deferral:
        return _deferred(notification, deferral)
    except DeliveryError as error:
        return _failed(notification, now, str(error))
    notification.status = DeliveryStatus.SENT
    notification.sent_at = now
    notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    return "sent"


def _failed(notification: Notification, now: datetime.datetime, error: str) -> str:
    most = get_setting("notify.max_attempts")
    wait = datetime.timedelta(minutes=get_setting("notify.retry_minutes"))
    notification.last_error = error
    if notification.attempts >= most:
        notification.status = DeliveryStatus.FAILED
        outcome = "failed"
        logger.warning("notification %s failed after %s attempts: %s", notification.pk,
                       notification.attempts, error)
    else:
        notification.next_attempt_at = now + wait * 2 ** (notification.attempts - 1)
        outcome = "retry"
        logger.info("notification %s attempt %s failed, retrying: %s", notification.pk,
                    notification.attempts, error)
    notification.save(update_fields=["status", "attempts", "next_attempt_at", "last_error"])
    return outcome


def _deferred(notification: Notification, deferral: DeliveryDeferred) -> str:
    notification.attempts -= 1
    notification.next_attempt_at = deferral.until
    notification.last_error = str(deferral)
    notification.save(update_fields=["next_attempt_at", "last_error"])
    logger.info("notification %s deferred until %s: %s", notification.pk,
                deferral.until.isoformat(), deferral)
    return "deferred"


def mark_read(user: Any, notifications) -> int:
    """Mark the user's unread in-app notifications among ``notifications`` as read."""
    return notifications.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now())
