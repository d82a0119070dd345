"""The outbox: one row per message to one recipient over one channel.

Rows are queued as ``pending`` and handed to the channel's sender by
``sunshine.notify.outbox.deliver_due``. A failed attempt is retried later,
until the versioned limit ``notify.max_attempts`` is reached. Only the
in-app channel has a sender so far; DingTalk, 浙政钉 and e-mail senders
plug into ``sunshine.notify.channels.SENDERS``.

Notifications are not governed records: they are not covered by the audit
chain, because delivery bookkeeping would flood it. The actions that queue
them record what they did in the chain.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("in-app message")
    DINGTALK = "dingtalk", _("DingTalk robot")
    ZZD = "zzd", _("Zhejiang government DingTalk")
    EMAIL = "email", _("e-mail")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class NotificationQuerySet(models.QuerySet):
    def inbox(self, user) -> "NotificationQuerySet":
        """In-app messages delivered to ``user``, newest first."""
        return self.filter(recipient=user, channel=Channel.IN_APP,
                           status=DeliveryStatus.SENT).order_by("-created_at", "-id")

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def due(self, now) -> "NotificationQuerySet":
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)


class Notification(models.Model):
    """A message queued for one recipient.

    ``key`` makes queuing idempotent: a second message with the same key
    for the same recipient and channel is not queued, for example one
    deadline reminder per task, deadline and threshold.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                                  related_name="notifications", verbose_name=_("recipient"))
    channel = models.CharField(_("delivery channel"), max_length=10, choices=Channel.choices,
                               default=Channel.IN_APP)
    key = models.CharField(_("deduplication key"), max_length=120)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "channel", "key"],
                                    name="notification_unique_key"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
            models.Index(fields=["recipient", "channel", "status"],
                         name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.channel} {self.key}"
