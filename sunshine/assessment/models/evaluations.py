"""Quarterly third-party evaluations of units and the performance deductions they cause."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sunshine.assessment.models.tenths import MAX_TENTHS, from_tenths
from sunshine.audit.models import AuditedModel

# A quarter is written as 2026Q4, the key of ``sunshine.duties.periods.quarter``.
QUARTER_LENGTH = 6


class Evaluation(AuditedModel):
    """One evaluator's score of one unit for one quarter, 0 to 100 with one decimal place."""

    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("evaluator"))
    unit = models.ForeignKey("organisation.Unit", models.PROTECT, related_name="evaluations",
                             verbose_name=_("unit"))
    quarter = models.CharField(_("quarter"), max_length=QUARTER_LENGTH)
    score_tenths = models.PositiveSmallIntegerField(_("score (tenths)"))
    comments = models.TextField(_("comments"), blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"))

    scope_region = "unit__region"
    scope_unit = "unit"

    class Meta:
        ordering = ["-quarter", "unit_id", "id"]
        verbose_name = _("third-party evaluation")
        verbose_name_plural = _("third-party evaluations")
        constraints = [
            models.UniqueConstraint(fields=["evaluator", "unit", "quarter"],
                                    name="evaluation_unique_per_quarter"),
            models.CheckConstraint(condition=Q(score_tenths__lte=MAX_TENTHS),
                                   name="evaluation_score_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.quarter} {self.score}"

    @property
    def score(self):
        return from_tenths(self.score_tenths)


class DeductionStatus(models.TextChoices):
    ACTIVE = "active", _("in force")
    CANCELLED = "cancelled", _("cancelled")


class Deduction(AuditedModel):
    """Points deducted from a unit's quarter because its mean evaluation was under the line.

    ``evaluation_ids`` are the evaluations the mean was taken over. A
    deduction is never deleted: when later evaluations lift the mean, it is
    cancelled with the reason, and the row stays on record.
    """

    unit = models.ForeignKey("organisation.Unit", models.PROTECT, related_name="deductions",
                             verbose_name=_("unit"))
    quarter = models.CharField(_("quarter"), max_length=QUARTER_LENGTH)
    points_tenths = models.PositiveSmallIntegerField(_("points deducted (tenths)"))
    mean_tenths = models.PositiveSmallIntegerField(_("mean evaluation (tenths)"))
    threshold_tenths = models.PositiveSmallIntegerField(_("threshold (tenths)"))
    evaluation_ids = models.JSONField(_("evaluations"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=DeductionStatus.choices,
                              default=DeductionStatus.ACTIVE)
    recorded_at = models.DateTimeField(_("recorded at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    scope_region = "unit__region"
    scope_unit = "unit"

    class Meta:
        ordering = ["-quarter", "unit_id", "-id"]
        verbose_name = _("performance deduction")
        verbose_name_plural = _("performance deductions")
        constraints = [
            models.UniqueConstraint(fields=["unit", "quarter"], condition=Q(status="active"),
                                    name="deduction_one_active_per_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.quarter} -{self.points}"

    @property
    def points(self):
        return from_tenths(self.points_tenths)

    @property
    def mean(self):
        return from_tenths(self.mean_tenths)

    @property
    def threshold(self):
        return from_tenths(self.threshold_tenths)
