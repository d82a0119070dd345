"""The outbox: one row per message to one recipient over one channel, and DingTalk robots.

Rows are queued as ``pending`` and handed to the channel's sender by
``sunshine.notify.outbox.deliver_due``. A failed attempt is retried later,
until the versioned limit ``notify.max_attempts`` is reached. The senders
are in ``sunshine.notify.channels.SENDERS``.

Notifications are not governed records: they are not covered by the audit
chain, because delivery bookkeeping would flood it. The actions that queue
them record what they did in the chain. DingTalk robots are configuration
that contains credentials, so every change to them is audited.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sunshine.audit.models import AuditedModel
from sunshine.lib import crypto


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


class DingTalkRobot(AuditedModel):
    """A DingTalk group robot (custom robot with signing) for one unit or one region.

    A notification goes to the robot of the recipient's unit or its
    nearest parent unit, else to the robot of the nearest region above
    that unit (``sunshine.notify.dingtalk.robot_for``). The webhook address
    contains the robot's access token, so it is stored SM4-encrypted like
    the signing secret; the admin shows both masked.
    """

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey("organisation.Unit", models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("unit"))
    region = models.ForeignKey("organisation.Region", models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("region"))
    webhook_encrypted = models.TextField(editable=False)
    secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("DingTalk robot")
        verbose_name_plural = _("DingTalk robots")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False, region__isnull=True)
                | models.Q(unit__isnull=True, region__isnull=False),
                name="dingtalk_robot_unit_or_region",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def set_credentials(self, *, webhook: str | None = None, secret: str | None = None) -> None:
        """Store the webhook address and signing secret encrypted; None keeps a value."""
        if webhook is not None:
            self.webhook_encrypted = crypto.encrypt(webhook, context=CREDENTIAL_CONTEXT + "webhook")
        if secret is not None:
            self.secret_encrypted = crypto.encrypt(secret, context=CREDENTIAL_CONTEXT + "secret")

    def webhook(self) -> str:
        return crypto.decrypt(self.webhook_encrypted, context=CREDENTIAL_CONTEXT + "webhook")

    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted, context=CREDENTIAL_CONTEXT + "secret")


CREDENTIAL_CONTEXT = "notify.dingtalk-robot:"
