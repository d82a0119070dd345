"""Point rules: how many points an event gives, versioned by the day they take effect."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sunshine.audit.models import AuditedModel


class Trigger(models.TextChoices):
    TASK_ON_TIME = "task_on_time", _("task completed by its deadline")
    TASK_OVERDUE = "task_overdue", _("task overdue or completed late")
    AWARD = "award", _("award approved")
    SPOT_CHECK = "spot_check", _("spot check failed")
    PETITION = "petition", _("petition answer rated satisfied")


class PointRuleQuerySet(models.QuerySet):
    def in_force(self, code: str, on: datetime.date) -> "PointRule | None":
        """Return the version of rule ``code`` in force on ``on``, or None before the first."""
        return self.filter(code=code, effective_from__lte=on).order_by("-effective_from").first()


class PointRule(AuditedModel):
    """One version of a point rule.

    A change of points or cap is a new row with a later ``effective_from``;
    rows are never edited, so every ledger entry keeps the version it was
    computed under. ``cap`` limits the points one person gets from this rule
    in one quarter, counted as an absolute value for a negative rule; empty
    means no cap.
    """

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    points = models.IntegerField(_("points"))
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    cap = models.PositiveIntegerField(_("cap per person and quarter"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("legal or policy source"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("created by"))

    objects = PointRuleQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-effective_from"]
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"],
                                    name="point_rule_unique_version"),
            models.CheckConstraint(condition=~Q(points=0), name="point_rule_points_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.points:+d} ({self.effective_from})"
