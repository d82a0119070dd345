"""Sending notifications by e-mail through Django's configured e-mail backend."""

import smtplib

from django.conf import settings
from django.core.mail import send_mail

from sunshine.notify.errors import DeliveryError
from sunshine.notify.models import Notification


def deliver(notification: Notification) -> None:
    """Send the notification to the recipient's e-mail address; raise DeliveryError on failure."""
    address = notification.recipient.email
    if not address:
        raise DeliveryError(f"user {notification.recipient_id} has no e-mail address; "
                            f"enter one in the admin")
    text = "\n\n".join(part for part in [notification.body, notification.url] if part)
    try:
        send_mail(notification.subject, text, settings.DEFAULT_FROM_EMAIL, [address])
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"e-mail to user {notification.recipient_id} failed: {error}") from None
