"""Unannounced spot checks (四不两直), their inspectors and the photos taken on site.

Until a check is performed it must stay invisible to the unit it targets;
every read goes through ``sunshine.assessment.visibility``.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sunshine.assessment.models.tenths import MAX_TENTHS, from_tenths
from sunshine.audit.models import AuditedModel


class CheckStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    PERFORMED = "performed", _("performed")
    CANCELLED = "cancelled", _("cancelled")


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("excellent")
    GOOD = "good", _("good")
    FAIR = "fair", _("fair")
    POOR = "poor", _("poor")


class SpotCheck(AuditedModel):
    """A check planned by discipline inspectors on one target unit, then performed on site.

    A random draw stores its seed and the candidate unit ids in the order
    they were offered, so ``sunshine.assessment.draw.redraw`` can show that
    the seed picks the stored target. A follow-up (回头看) points at the
    failed check whose rectification it re-checks.
    """

    # More people read the audit log than may see a planned check, so its
    # entries never name the target. The row digests still cover it.
    audit_withheld = ("title", "target_unit", "planned_on", "draw_candidates", "follow_up_of")

    title = models.CharField(_("title"), max_length=200)
    target_unit = models.ForeignKey("organisation.Unit", models.PROTECT,
                                    related_name="spot_checks", verbose_name=_("target unit"))
    planned_on = models.DateField(_("planned date"))
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("planned by"))
    inspectors: "models.ManyToManyField[Any, SpotCheckInspector]" = models.ManyToManyField(settings.AUTH_USER_MODEL, through="SpotCheckInspector",
                                        related_name="+", verbose_name=_("inspectors"))
    status = models.CharField(_("status"), max_length=10, choices=CheckStatus.choices,
                              default=CheckStatus.PLANNED)
    draw_seed = models.CharField(_("draw seed"), max_length=64, blank=True)
    draw_candidates = models.JSONField(_("draw candidates"), default=list, blank=True)
    follow_up_of = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                                     related_name="follow_ups",
                                     verbose_name=_("follow-up review of"))

    performed_at = models.DateTimeField(_("performed at"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    findings = models.TextField(_("findings"), blank=True)
    score_tenths = models.PositiveSmallIntegerField(_("score (tenths)"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices, blank=True)
    responsible_person = models.ForeignKey(
        "organisation.Person", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("responsible person at the target"))
    rectification_task = models.ForeignKey(
        "duties.Task", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("rectification task"))
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    scope_region = "target_unit__region"
    scope_unit = "target_unit"

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        constraints = [
            models.CheckConstraint(condition=Q(score_tenths__isnull=True)
                                   | Q(score_tenths__lte=MAX_TENTHS),
                                   name="spot_check_score_max_100"),
            models.CheckConstraint(condition=~Q(status="performed")
                                   | Q(performed_at__isnull=False, score_tenths__isnull=False),
                                   name="spot_check_performed_has_result"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self):
        return from_tenths(self.score_tenths)

    @property
    def failed(self) -> bool:
        return self.status == CheckStatus.PERFORMED and self.rating == Rating.POOR


class SpotCheckInspector(AuditedModel):
    """An inspector sent on a spot check."""

    spot_check = models.ForeignKey(SpotCheck, models.CASCADE, related_name="assignments",
                                   verbose_name=_("spot check"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                             verbose_name=_("inspector"))

    scope_region = "spot_check__target_unit__region"
    scope_unit = "spot_check__target_unit"

    class Meta:
        ordering = ["spot_check_id", "user_id"]
        verbose_name = _("spot-check inspector")
        verbose_name_plural = _("spot-check inspectors")
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "user"],
                                    name="spot_check_inspector_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.spot_check_id} {self.user_id}"


class SpotCheckPhoto(AuditedModel):
    """A photo taken during a check, stored under a random name with its SM3 digest."""

    spot_check = models.ForeignKey(SpotCheck, models.PROTECT, related_name="photos",
                                   verbose_name=_("spot check"))
    stored_name = models.CharField(max_length=200, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    digest = models.CharField(_("SM3 digest"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    scope_region = "spot_check__target_unit__region"
    scope_unit = "spot_check__target_unit"

    class Meta:
        ordering = ["spot_check_id", "id"]
        verbose_name = _("spot-check photo")
        verbose_name_plural = _("spot-check photos")

    def __str__(self) -> str:
        return self.original_name or self.stored_name
