"""Progress reports with their evidence files, and the quarter locks that freeze them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sunshine.audit.models import AuditedModel
from sunshine.duties.models.fields import PercentField
from sunshine.duties.models.tasks import Task


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("report status", "waiting for approval")
    APPROVED = "approved", pgettext_lazy("report status", "approved")
    RETURNED = "returned", pgettext_lazy("report status", "returned")


class ProgressReport(AuditedModel):
    """Progress of a task as an operator reports it, approved or returned by a unit leader.

    ``as_of`` is the day the reported progress was reached; it decides the
    quarter the report belongs to and, at 100%, the task's completion date.
    """

    task = models.ForeignKey(Task, models.PROTECT, related_name="reports", verbose_name=_("task"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    text = models.TextField(_("what was done"))
    as_of = models.DateField(_("progress as of"))
    reason = models.TextField(_("reason for lower progress"), blank=True)
    previous_percent = PercentField(_("approved progress before (%)"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)

    scope_region = "task__lead_unit__region"
    scope_unit = "task__lead_unit"

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_max_100"),
        ]
        indexes = [models.Index(fields=["task", "status"], name="report_task_status_idx")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.percent}% ({self.as_of})"


class Evidence(AuditedModel):
    """A photo or document attached to a progress report.

    The file lies in the default storage under ``stored_name``, a random
    name with the extension of the type detected from its content.
    """

    report = models.ForeignKey(ProgressReport, models.PROTECT, related_name="evidence",
                               verbose_name=_("progress report"))
    stored_name = models.CharField(max_length=200, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    digest = models.CharField(_("SM3 digest"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    scope_region = "report__task__lead_unit__region"
    scope_unit = "report__task__lead_unit"

    class Meta:
        ordering = ["report_id", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name or self.stored_name


class PeriodLock(AuditedModel):
    """An administrator's decision to lock or unlock one quarter of one county.

    The newest row for a county and quarter decides; without any row the
    quarter locks itself a number of days after it ends (the versioned
    setting ``duties.quarter_auto_lock_days``). ``county`` is empty for
    units placed at the city itself.
    """

    county = models.ForeignKey("organisation.Region", models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("county"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    locked = models.BooleanField(_("locked"))
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed at"))

    scope_region = "county"

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("quarter lock")
        verbose_name_plural = _("quarter locks")
        constraints = [
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4),
                                   name="period_lock_quarter_range"),
        ]
        indexes = [models.Index(fields=["county", "year", "quarter"], name="period_lock_idx")]

    def __str__(self) -> str:
        return f"{self.county_id or '-'} {self.year}Q{self.quarter} {self.locked}"
