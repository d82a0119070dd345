"""Senders of the outbox, one per channel.

A sender takes a ``Notification`` and returns when the message was
handed over, or raises ``DeliveryError`` to have it retried. An in-app
message is delivered by being stored, so its sender has nothing to do.

TODO: add senders for DingTalk robots (signed webhook, at most 20
messages a minute per robot), 浙政钉 work notices and e-mail. Until then,
rows queued for those channels stay pending.
"""

from collections.abc import Callable

from sunshine.notify.models import Channel, Notification


class DeliveryError(Exception):
    """Raised by a sender when the message could not be handed over."""


def deliver_in_app(notification: Notification) -> None:
    """Deliver nothing: the inbox page reads the stored row."""


SENDERS: dict[str, Callable[[Notification], None]] = {
    Channel.IN_APP: deliver_in_app,
}
