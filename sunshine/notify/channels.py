"""Senders of the outbox, one per channel.

A sender takes a ``Notification`` and returns when the message was handed
over. It raises ``DeliveryError`` to have the message retried with a
growing wait, or ``DeliveryDeferred`` to have it sent later without
counting an attempt. An in-app message is delivered by being stored, so
its sender has nothing to do.

浙政钉 (Zhejiang government DingTalk) work notices go through the province's
open platform gateway (``sunshine.notify.zzd``). Until its app key, app
secret and tenant id are set, that sender defers its rows, so they stay
pending without counting attempts.
"""

from collections.abc import Callable

from sunshine.notify import dingtalk, email, zzd
from sunshine.notify.errors import DeliveryDeferred, DeliveryError
from sunshine.notify.models import Channel, Notification

__all__ = ["SENDERS", "DeliveryDeferred", "DeliveryError", "deliver_in_app"]


def deliver_in_app(notification: Notification) -> None:
    """Deliver nothing: the inbox page reads the stored row."""


SENDERS: dict[str, Callable[[Notification], None]] = {
    Channel.IN_APP: deliver_in_app,
    Channel.DINGTALK: dingtalk.deliver,
    Channel.ZZD: zzd.deliver,
    Channel.EMAIL: email.deliver,
}
