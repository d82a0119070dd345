"""Progress reports under maker-checker approval.

An operator submits a report with evidence. A leader of the task's lead
unit, or of a unit above it, approves it or returns it with a reason. The
maker of a report can never approve it. Approval updates the task's
approved progress and, at 100%, its completion date (the report's
``as_of``), then rolls up the parents and posts the merit points of every
task it completed.
"""

import datetime
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit import chain
from sunshine.duties import evidence, locks
from sunshine.duties.actions.batch import Batch
from sunshine.duties.actions.common import is_leader_for, leaders_of, require_write
from sunshine.duties.models import Evidence, ProgressReport, ReportStatus, Task
from sunshine.duties.rollup import refresh_progress
from sunshine.merit.posting import post_task_tree_points
from sunshine.notify.outbox import Message, compose, queue_on_commit

logger = logging.getLogger(__name__)

REPORT_TYPE = chain.object_type_of(ProgressReport)
FULL = 100


def submit_report(actor: Any, task: Task, *, percent: int, text: str, as_of: datetime.date |
                  None = None, reason: str = "", files: list | None = None) -> ProgressReport:
    """Record an operator's report and its evidence files, waiting for a leader's approval."""
    require_write(actor, task)
    today = timezone.localdate()
    as_of = as_of or today
    files = files or []
    check_submission(task, percent=percent, text=text, as_of=as_of, reason=reason, today=today)
    region = task.lead_unit.region
    types = evidence.check_files(files, region=region)

    stored: list[str] = []
    try:
        with transaction.atomic():
            report = _write_report(actor, task, percent, text, as_of, reason, files, types, stored)
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    queue_on_commit(submitted_messages(report))
    logger.info("progress report %s on task %s submitted by user %s", report.pk, task.pk,
                actor.pk)
    return report


def _write_report(actor, task, percent, text, as_of, reason, files, types, stored):
    batch = Batch()
    report = ProgressReport(
        task=task, percent=percent, text=text.strip(), as_of=as_of, reason=(reason or "").strip(),
        previous_percent=task.progress, submitted_by=actor, submitted_at=timezone.now(),
    )
    batch.insert(report)
    for upload, file_type in zip(files, types, strict=True):
        fields = evidence.store(upload, file_type)
        stored.append(fields["stored_name"])
        batch.insert(Evidence(report=report, **fields))
    batch.commit(actor, "submit", object_type=REPORT_TYPE, object_id=report.pk,
                 changes={"task": task.pk, "percent": percent, "as_of": as_of.isoformat(),
                          "files": len(files)})
    return report


def check_submission(task: Task, *, percent: int, text: str, as_of: datetime.date,
                     reason: str, today: datetime.date) -> None:
    """Raise ValidationError for a report that cannot be accepted on the task."""
    check_reportable(task)
    if not 0 <= percent <= FULL:
        raise ValidationError(_("Progress %(value)s%% is outside 0–100%%; a task cannot be more "
                                "than 100%% done") % {"value": percent}, code="percent_range")
    if not (text or "").strip():
        raise ValidationError(_("Describe what was done; a report without text cannot be "
                                "checked"), code="text_missing")
    check_as_of(task, as_of, today)
    if percent < task.progress and not (reason or "").strip():
        raise ValidationError(
            _("Progress %(value)s%% is lower than the approved %(approved)s%%; write the reason "
              "why progress went back")
            % {"value": percent, "approved": f"{task.progress.normalize():f}"},
            code="reason_missing")
    if task.completed_on is not None and percent == FULL:
        raise ValidationError(_("Task “%(task)s” is already complete; report a lower progress "
                                "with a reason to reopen it") % {"task": task},
                              code="already_complete")


def check_reportable(task: Task) -> None:
    if task.cancelled_on is not None:
        raise ValidationError(_("Task “%(task)s” is cancelled; progress is no longer reported "
                                "on it") % {"task": task}, code="cancelled")
    if task.children.filter(cancelled_on__isnull=True).exists():
        raise ValidationError(_("Task “%(task)s” has sub-tasks, so its progress is rolled up "
                                "from them; report progress on the sub-tasks") % {"task": task},
                              code="has_children")
    pending = task.reports.filter(status=ReportStatus.SUBMITTED).first()
    if pending is not None:
        raise ValidationError(
            _("The report of %(date)s on this task is still waiting for approval; wait for the "
              "decision or ask the leader to return it") % {"date": pending.as_of},
            code="pending_report")


def check_as_of(task: Task, as_of: datetime.date, today: datetime.date) -> None:
    if as_of > today:
        raise ValidationError(_("Date %(value)s is in the future; report progress reached by "
                                "today") % {"value": as_of}, code="future")
    last = (task.reports.filter(status=ReportStatus.APPROVED).order_by("-decided_at", "-id")
            .first())
    if last is not None and as_of < last.as_of:
        raise ValidationError(
            _("Date %(value)s is before %(last)s, the date of the last approved report; report "
              "progress as of %(last)s or later") % {"value": as_of, "last": last.as_of},
            code="before_last_report")
    locks.check_open(task, as_of, today)


def approve_report(actor: Any, report: ProgressReport) -> ProgressReport:
    """Approve a submitted report and apply its progress to the task."""
    report = _decidable(actor, report)
    task = report.task
    locks.check_open(task, report.as_of)
    with transaction.atomic():
        _lock_submitted(report)
        batch = Batch()
        report, diff = batch.update(report, {"status": ReportStatus.APPROVED,
                                             "decided_by": actor, "decided_at": timezone.now()})
        batch.commit(actor, "approve", object_type=REPORT_TYPE, object_id=report.pk,
                     changes={**diff, "task": task.pk, "percent": report.percent})
        refresh_progress([task])
        post_task_tree_points(task, actor)
    queue_on_commit([decision_message(report)])
    logger.info("progress report %s approved by user %s", report.pk, actor.pk)
    return report


def return_report(actor: Any, report: ProgressReport, *, reason: str) -> ProgressReport:
    """Send a submitted report back to its maker with the reason; the task is unchanged."""
    report = _decidable(actor, report)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write why the report is returned, so the operator can fix it"),
                              code="reason_missing")
    with transaction.atomic():
        _lock_submitted(report)
        batch = Batch()
        report, diff = batch.update(report, {"status": ReportStatus.RETURNED,
                                             "decided_by": actor, "decided_at": timezone.now(),
                                             "return_reason": reason})
        batch.commit(actor, "return", object_type=REPORT_TYPE, object_id=report.pk,
                     changes=diff)
    queue_on_commit([decision_message(report)])
    return report


def _decidable(actor: Any, report: ProgressReport) -> ProgressReport:
    """Check that ``actor`` may decide the report now; return a fresh copy of it."""
    report = ProgressReport.objects.select_related("task__lead_unit__region").get(pk=report.pk)
    if report.submitted_by_id == actor.pk:
        raise PermissionDenied(_("You submitted this report, so another person must approve "
                                 "or return it (maker-checker rule)."))
    if not is_leader_for(actor, report.task):
        raise PermissionDenied(_("Only a leader of %(unit)s or of a unit above it may approve "
                                 "or return this report.") % {"unit": report.task.lead_unit})
    _check_submitted(report)
    return report


def _check_submitted(report: ProgressReport) -> None:
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("This report was already %(status)s; only a report waiting for "
                                "approval can be decided") % {"status": report.get_status_display()},
                              code="already_decided")


def _lock_submitted(report: ProgressReport) -> None:
    """Check the status again under the row lock, inside the deciding transaction.

    Two leaders deciding at once both pass the check in ``_decidable``; the
    one whose transaction runs second must see the first decision.
    """
    _check_submitted(ProgressReport.objects.select_for_update().get(pk=report.pk))


def submitted_messages(report: ProgressReport) -> list[Message]:
    url = reverse("duties:report_detail", args=[report.pk])
    leaders = [user for user in leaders_of(report.task.lead_unit)
               if user.pk != report.submitted_by_id]

    def build(user: Any) -> Message:
        subject = _("Progress report to approve: %(task)s, %(percent)s%%") % {
            "task": report.task, "percent": report.percent}
        return Message(user, f"report:{report.pk}:submitted", subject, report.text[:500], url)

    return compose(leaders, build)


def decision_message(report: ProgressReport) -> Message:
    url = reverse("duties:report_detail", args=[report.pk])

    def build(user: Any) -> Message:
        if report.status == ReportStatus.APPROVED:
            subject = _("Your progress report on %(task)s was approved") % {"task": report.task}
        else:
            subject = _("Your progress report on %(task)s was returned") % {"task": report.task}
        return Message(user, f"report:{report.pk}:{report.status}", subject,
                       report.return_reason, url)

    [message] = compose([report.submitted_by], build)
    return message
