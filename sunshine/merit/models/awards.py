"""Execution-pioneer awards and the approvals that raise the share of 优秀 grades."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sunshine.audit.models import AuditedModel
from sunshine.merit.models.ledger import PointEntry


class AwardStatus(models.TextChoices):
    NOMINATED = "nominated", pgettext_lazy("award status", "nominated")
    APPROVED = "approved", pgettext_lazy("award status", "approved")
    REJECTED = "rejected", pgettext_lazy("award status", "rejected")


class Award(AuditedModel):
    """An execution-pioneer (执行先锋) nomination and its decision.

    A leader of the person's unit, or of a unit above it, nominates. A
    leader of a unit above ``nominating_unit`` decides; approval posts the
    ``award_pioneer`` points with the award as their cause.
    """

    person = models.ForeignKey("organisation.Person", models.PROTECT, related_name="awards",
                               verbose_name=_("person"))
    reason = models.TextField(_("reason"))
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("nominated by"))
    nominating_unit = models.ForeignKey("organisation.Unit", models.PROTECT, related_name="+",
                                        verbose_name=_("nominating unit"))
    nominated_at = models.DateTimeField(_("nominated at"))
    status = models.CharField(_("status"), max_length=10, choices=AwardStatus.choices,
                              default=AwardStatus.NOMINATED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    entry = models.OneToOneField(PointEntry, models.PROTECT, null=True, blank=True,
                                 related_name="award", verbose_name=_("point entry"))

    scope_region = "person__unit__region"
    scope_unit = "person__unit"

    class Meta:
        ordering = ["-nominated_at", "-id"]
        verbose_name = _("execution pioneer award")
        verbose_name_plural = _("execution pioneer awards")

    def __str__(self) -> str:
        return f"{self.person_id} {self.status}"


class QuotaApproval(AuditedModel):
    """An approval that lets a unit's 优秀 grades reach the higher share for one year.

    The Civil Servant Assessment Provisions (2020) cap 优秀 at 20% of the
    assessed persons, or 25% in special cases with approval; this row is the
    record of that approval, with the document that grants it.
    """

    unit = models.ForeignKey("organisation.Unit", models.PROTECT, related_name="+",
                             verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    document_number = models.CharField(_("approval document number"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    scope_region = "unit__region"
    scope_unit = "unit"

    class Meta:
        ordering = ["-year", "unit_id"]
        verbose_name = _("approval of a higher share of excellent grades")
        verbose_name_plural = _("approvals of a higher share of excellent grades")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="quota_approval_unique"),
            models.CheckConstraint(condition=~Q(document_number=""),
                                   name="quota_approval_has_document"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.document_number}"
