"""Exceptions a sender raises to have the outbox try a notification again."""

import datetime


class DeliveryError(Exception):
    """Raised by a sender when the message could not be handed over; counts as a failed attempt."""


class DeliveryDeferred(DeliveryError):
    """Raised when the channel requires a wait, such as a rate limit; not a failed attempt.

    ``until`` is the earliest time the outbox tries the notification again.
    """

    def __init__(self, message: str, until: datetime.datetime) -> None:
        super().__init__(message)
        self.until = until
