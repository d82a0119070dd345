"""Weights of the composite score, in force from a date for all regions or for one."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sunshine.audit.models import AuditedModel
from sunshine.duties.models.fields import PercentField

COMPONENTS = ("satisfaction", "execution", "evaluation", "spot_check")


class AssessmentWeights(AuditedModel):
    """The share, in percent, of each component in the composite score; the four sum to 100.

    Without ``region`` the row applies to every region that has no row of
    its own; the row of the nearest region above a unit wins.
    """

    region = models.ForeignKey("organisation.Region", models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("region"))
    effective_from = models.DateField(_("effective from"))
    satisfaction = PercentField(_("citizen satisfaction (%)"))
    execution = PercentField(_("execution rate (%)"))
    evaluation = PercentField(_("third-party evaluation (%)"))
    spot_check = PercentField(_("spot checks (%)"))
    reason = models.TextField(_("reason"), blank=True)

    scope_region = "region"

    class Meta:
        ordering = ["region_id", "-effective_from"]
        verbose_name = _("assessment weights")
        verbose_name_plural = _("assessment weights")
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"],
                                    name="assessment_weights_unique_version"),
            models.UniqueConstraint(fields=["effective_from"], condition=Q(region__isnull=True),
                                    name="assessment_weights_unique_default_version"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id or '*'} {self.effective_from}"

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in COMPONENTS}
