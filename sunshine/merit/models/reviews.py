"""Exemptions (容错纠错) and appeals against ledger entries, each decided by a reviewer."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sunshine.audit.models import AuditedModel
from sunshine.merit.models.ledger import PointEntry


class ExemptionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("exemption status", "waiting for a decision")
    APPROVED = "approved", pgettext_lazy("exemption status", "approved")
    REJECTED = "rejected", pgettext_lazy("exemption status", "rejected")
    # The entry was cancelled by a reversal while the request waited, so it had nothing to exempt.
    MOOT = "moot", pgettext_lazy("exemption status", "closed: the entry was reversed")


class Exemption(AuditedModel):
    """A request to exempt a negative entry under the error-tolerance rules, and its decision.

    The three checks follow the Zhejiang reading of the 2018 opinion on
    encouraging cadres (“three distinctions”): the decision followed the
    required procedure, nobody sought private gain, and a superior had not
    explicitly prohibited what was done. An exemption can be approved only
    when all three hold; approval posts an offsetting entry. ``correction``
    keeps what the person must still put right (纠错).
    """

    entry = models.ForeignKey(PointEntry, models.PROTECT, related_name="exemptions",
                              verbose_name=_("point entry"))
    reason = models.TextField(_("reason"))
    followed_procedure = models.BooleanField(_("the decision followed the required procedure"))
    private_gain = models.BooleanField(_("someone sought private gain"))
    prohibited_by_superior = models.BooleanField(
        _("a superior had explicitly prohibited what was done"))
    correction = models.TextField(_("correction required"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ExemptionStatus.choices,
                              default=ExemptionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reason for the decision"), blank=True)
    offset = models.OneToOneField(PointEntry, models.PROTECT, null=True, blank=True,
                                  related_name="exemption_offset_of",
                                  verbose_name=_("offsetting entry"))

    scope_region = "entry__person__unit__region"
    scope_unit = "entry__person__unit"

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        constraints = [
            models.UniqueConstraint(fields=["entry"], condition=~Q(status="rejected"),
                                    name="exemption_one_live_per_entry"),
        ]

    def __str__(self) -> str:
        return str(_("exemption no. %(id)s of point entry no. %(entry)s")
                   % {"id": self.pk, "entry": self.entry_id})

    @property
    def checklist_passed(self) -> bool:
        return self.followed_procedure and not self.private_gain and not self.prohibited_by_superior


class AppealStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("appeal status", "open")
    UPHELD = "upheld", pgettext_lazy("appeal status", "upheld")
    REJECTED = "rejected", pgettext_lazy("appeal status", "rejected")


class Appeal(AuditedModel):
    """A cadre's dispute of one of their own entries; upholding it posts a reversal."""

    entry = models.ForeignKey(PointEntry, models.PROTECT, related_name="appeals",
                              verbose_name=_("point entry"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=AppealStatus.choices,
                              default=AppealStatus.OPEN)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                 verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    reversal = models.OneToOneField(PointEntry, models.PROTECT, null=True, blank=True,
                                    related_name="appeal_reversal_of",
                                    verbose_name=_("reversal entry"))

    scope_region = "entry__person__unit__region"
    scope_unit = "entry__person__unit"

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(fields=["entry"], condition=Q(status="open"),
                                    name="appeal_one_open_per_entry"),
        ]

    def __str__(self) -> str:
        return str(_("appeal no. %(id)s against point entry no. %(entry)s")
                   % {"id": self.pk, "entry": self.entry_id})

    @property
    def closed_by_correction(self) -> bool:
        """Whether a reversal or exemption offset made outside this appeal closed it."""
        if self.reversal is None:
            return False
        own_type = ContentType.objects.get_for_model(Appeal)
        return (self.reversal.cause_type_id, self.reversal.cause_id) != (own_type.pk, self.pk)
