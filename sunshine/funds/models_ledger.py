"""Ledger uploads from the staff site, processed in the background.

A job row is the only channel between the request that starts an import
and the pages that poll its progress, so it works the same with one or
several server processes.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("waiting to start")
    RUNNING = "running", _("checking and importing")
    SUCCEEDED = "succeeded", _("imported")
    FAILED = "failed", _("rejected")


class ImportJob(models.Model):
    """One uploaded ledger workbook and the outcome of importing it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                             related_name="ledger_import_jobs", verbose_name=_("user"))
    file_name = models.CharField(_("file name"), max_length=255)
    # The upload, kept in a temporary file until the job finishes.
    upload_path = models.CharField(max_length=500, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices,
                              default=ImportStatus.QUEUED)
    done_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    more_problems = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
