"""Supervision days (监督日) and reporter reward points (监督积分).

Rows change only through ``sunshine.petitions.supervision_days`` and
``sunshine.petitions.rewards``, which append an audit entry for every
write. Registrants' names and phones are encrypted like a reporter's
(SM4-GCM bound to the registration's reference, HMAC-SM3 of the phone for
the per-phone limit). Reward entries are only ever appended; a correction is
a reversal entry with a reason.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunshine.audit.models import AuditedModel
from sunshine.lib import crypto


class DayState(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class SupervisionDayQuerySet(models.QuerySet):
    def in_region(self, region) -> "SupervisionDayQuerySet":
        return self.filter(region__path__startswith=region.path)

    def upcoming(self, now: datetime.datetime | None = None) -> "SupervisionDayQuerySet":
        """Days that have not ended by ``now``, cancelled ones included so the public learns of them."""
        local = timezone.localtime(now)
        return self.filter(Q(date__gt=local.date()) | Q(date=local.date(), ends_at__gt=local.time()))


class PublicDayManager(models.Manager.from_queryset(SupervisionDayQuerySet)):  # type: ignore[misc]
    def get_queryset(self):
        return super().get_queryset().filter(is_public=True)


class SupervisionDay(AuditedModel):
    """One day on which a township's officials receive citizens in person.

    ``officials`` lists the officials on duty, one per line with their post;
    they are published, because receiving citizens is part of their office.
    """

    region = models.ForeignKey("organisation.Region", models.PROTECT, related_name="+",
                               verbose_name=_("township"))
    unit = models.ForeignKey("organisation.Unit", models.PROTECT, related_name="+",
                             verbose_name=_("organising unit"))
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    officials = models.TextField(
        _("officials on duty"),
        help_text=_("One per line: name and post, for example “王明 镇党委书记”."),
    )
    topic = models.CharField(_("focus"), max_length=200, blank=True,
                             help_text=_("Optional theme of the day, for example rural "
                                         "collective assets."))
    capacity = models.PositiveSmallIntegerField(
        _("registration places"),
        help_text=_("Citizens who may register in advance; walk-ins are received as well."),
    )
    is_public = models.BooleanField(_("published on the portal"), default=True)
    state = models.CharField(_("state"), max_length=10, choices=DayState.choices,
                             default=DayState.PLANNED)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    summary = models.TextField(_("record of the day"), blank=True)
    visitors = models.PositiveIntegerField(_("citizens received"), null=True, blank=True)

    all_objects = SupervisionDayQuerySet.as_manager()
    public_objects = PublicDayManager()

    scope_region = "region"
    scope_unit = "unit"

    class Meta:
        ordering = ["date", "starts_at", "region_id"]
        verbose_name = _("supervision day")
        verbose_name_plural = _("supervision days")
        indexes = [models.Index(fields=["date", "region"], name="supervision_day_date_idx")]
        constraints = [
            models.UniqueConstraint(fields=["region", "date", "starts_at"],
                                    name="supervision_day_unique_start"),
        ]

    def __str__(self) -> str:
        return str(_("Supervision day of %(township)s on %(date)s")
                   % {"township": self.region.name, "date": self.date.isoformat()})

    def officials_list(self) -> list[str]:
        return [line.strip() for line in self.officials.splitlines() if line.strip()]


class SupervisionRegistration(AuditedModel):
    """A citizen's registration for a supervision day, with name and phone encrypted.

    Name, phone and phone hash are erased once the retention period after the
    day has passed (``sunshine.petitions.retention``).
    """

    # Erased after the retention period, so never copied into audit entries.
    audit_withheld = ("name_encrypted", "phone_encrypted", "phone_hash")

    day = models.ForeignKey(SupervisionDay, models.PROTECT, related_name="registrations",
                            verbose_name=_("supervision day"))
    reference = models.CharField(_("registration number"), max_length=16, unique=True,
                                 editable=False)
    name_encrypted = models.TextField(editable=False)
    phone_encrypted = models.TextField(editable=False)
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    topic = models.TextField(_("matter to raise"))
    registered_at = models.DateTimeField(_("registered at"))

    scope_region = "day__region"
    scope_unit = "day__unit"

    class Meta:
        ordering = ["day_id", "registered_at", "id"]
        verbose_name = _("supervision day registration")
        verbose_name_plural = _("supervision day registrations")

    def __str__(self) -> str:
        return self.reference

    def _context(self, field: str) -> str:
        return f"supervision-registration:{self.reference}:{field}"

    def set_identity(self, name: str, phone: str) -> None:
        """Store name and phone encrypted; ``reference`` must be set first."""
        self.name_encrypted = crypto.encrypt(name, context=self._context("name"))
        self.phone_encrypted = crypto.encrypt(phone, context=self._context("phone"))
        self.phone_hash = crypto.keyed_hash(phone)

    @property
    def identity_purged(self) -> bool:
        """Whether name and phone were deleted after the retention period; both are required before."""
        return not self.name_encrypted and not self.phone_encrypted

    def decrypt_identity(self) -> dict[str, str]:
        """Return name and phone, empty once purged; only ``supervision_days.reveal_registrants`` may call this."""
        if self.identity_purged:
            return {"name": "", "phone": ""}
        return {
            "name": crypto.decrypt(self.name_encrypted, context=self._context("name")),
            "phone": crypto.decrypt(self.phone_encrypted, context=self._context("phone")),
        }


class SupervisionMatter(AuditedModel):
    """A matter received on a supervision day, registered as a petition of that channel."""

    day = models.ForeignKey(SupervisionDay, models.PROTECT, related_name="matters",
                            verbose_name=_("supervision day"))
    petition = models.OneToOneField("petitions.Petition", models.PROTECT,
                                    related_name="supervision_matter",
                                    verbose_name=_("petition"))
    registration = models.ForeignKey(SupervisionRegistration, models.PROTECT, null=True,
                                     blank=True, related_name="matters",
                                     verbose_name=_("registration"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("recorded by"))

    scope_region = "day__region"
    scope_unit = "day__unit"

    class Meta:
        ordering = ["day_id", "id"]
        verbose_name = _("matter received on a supervision day")
        verbose_name_plural = _("matters received on supervision days")

    def __str__(self) -> str:
        return f"{self.day_id} {self.petition_id}"


class VerificationResult(models.TextChoices):
    """Outcome of checking the facts a report states."""

    TRUE = "true", _("true")
    PARTLY_TRUE = "partly_true", _("partly true")
    UNTRUE = "untrue", _("untrue")


class Verification(AuditedModel):
    """The recorded result of checking whether a petition's facts are true.

    A later row for the same petition replaces the earlier result; rows are
    never changed.
    """

    petition = models.ForeignKey("petitions.Petition", models.PROTECT,
                                 related_name="verifications", verbose_name=_("petition"))
    result = models.CharField(_("result"), max_length=12, choices=VerificationResult.choices)
    note = models.TextField(_("basis of the finding"))
    verified_on = models.DateField(_("verified on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    scope_region = "petition__region"
    scope_unit = "petition__assigned_unit"

    class Meta:
        ordering = ["petition_id", "recorded_at", "id"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")

    def __str__(self) -> str:
        return f"{self.petition_id} {self.result}"


class RewardConsent(AuditedModel):
    """The reporter's consent to reward points and to the anonymous public listing.

    Personal Information Protection Law arts. 13-15: rewarding reporters is
    not a statutory duty, so it needs consent, which can be withdrawn.
    ``text_version`` names the consent text the reporter was shown
    (``rewards.CONSENT_TEXTS``).
    """

    petition = models.ForeignKey("petitions.Petition", models.PROTECT,
                                 related_name="reward_consents", verbose_name=_("petition"))
    text_version = models.CharField(_("consent text version"), max_length=20)
    given_at = models.DateTimeField(_("given at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("Empty when the reporter consented online with the tracking code."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    scope_region = "petition__region"
    scope_unit = "petition__assigned_unit"

    class Meta:
        ordering = ["petition_id", "given_at", "id"]
        verbose_name = _("reward consent")
        verbose_name_plural = _("reward consents")

    def __str__(self) -> str:
        return f"{self.petition_id} {self.text_version}"


class RewardReporter(AuditedModel):
    """A reporter who earned points, known only by an anonymous number such as 2026-0042.

    ``phone_hash`` is the keyed hash that ``Petition.reporter_phone_hash``
    holds, so the points of several reports by one phone add up.
    """

    number = models.CharField(_("anonymous number"), max_length=12, unique=True)
    phone_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("rewarded reporter")
        verbose_name_plural = _("rewarded reporters")

    def __str__(self) -> str:
        return self.number


class EntryKind(models.TextChoices):
    AWARD = "award", _("points awarded")
    REVERSAL = "reversal", _("points reversed")


class RewardEntry(AuditedModel):
    """One line of a reporter's points; never changed, corrected by a reversal entry.

    ``rule`` is the versioned setting and result the points came from, and
    ``rule_version`` which version of it was in force.
    """

    reporter = models.ForeignKey(RewardReporter, models.PROTECT, related_name="entries",
                                 verbose_name=_("rewarded reporter"))
    petition = models.ForeignKey("petitions.Petition", models.PROTECT,
                                 related_name="reward_entries", verbose_name=_("petition"))
    verification = models.ForeignKey(Verification, models.PROTECT, null=True, blank=True,
                                     related_name="reward_entries",
                                     verbose_name=_("verification"))
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))
    rule = models.CharField(_("point rule"), max_length=80)
    rule_version = models.CharField(_("rule version"), max_length=60)
    reverses = models.OneToOneField("self", models.PROTECT, null=True, blank=True,
                                    related_name="reversal", verbose_name=_("reverses"))
    reason = models.TextField(_("reason"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("recorded by"))

    scope_region = "petition__region"
    scope_unit = "petition__assigned_unit"

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("reward entry")
        verbose_name_plural = _("reward entries")

    def __str__(self) -> str:
        return f"{self.reporter_id} {self.points:+d}"


class PublishedStatistics(models.Model):
    """The public petition statistics as computed once for one cutoff.

    Derived data, not audited: it can be deleted and is then computed again
    from the petitions. Kept so that the published figures do not change
    before the next cutoff when petitions are filed or handled meanwhile.
    """

    as_of = models.DateTimeField(_("figures as of"), unique=True)
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("published petition statistics")
        verbose_name_plural = _("published petition statistics")

    def __str__(self) -> str:
        return timezone.localtime(self.as_of).isoformat()
