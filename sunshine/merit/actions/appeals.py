"""Appeals: a cadre disputes one of their own entries and a reviewer upholds or rejects it."""

import datetime
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit.actions import create_row, update_row
from sunshine.merit.actions.corrections import cancel_entry, check_cancellable, check_quarter_open
from sunshine.merit.models import Appeal, AppealStatus, EntryKind, PointEntry
from sunshine.merit.permissions import is_person_of, is_reviewer_for
from sunshine.merit.text import clean_text
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

APPEAL_DAYS = "merit.appeal_days"


def file_appeal(actor: Any, entry: PointEntry, *, reason: str) -> Appeal:
    """Record the cadre's dispute of their own posting; one appeal per entry may be open."""
    if not is_person_of(actor, entry.person):
        raise PermissionDenied(_("You may appeal only against your own entries."))
    reason = clean_text(reason)
    if not reason:
        raise ValidationError(_("Write why you dispute entry #%(id)s; an appeal without a "
                                "reason cannot be decided") % {"id": entry.pk},
                              code="reason_missing")
    check_cancellable(entry)
    check_appeal_window(entry)
    open_appeal = ValidationError(_("Entry #%(id)s already has an open appeal; wait for its "
                                    "decision") % {"id": entry.pk}, code="appeal_open")
    if entry.appeals.filter(status=AppealStatus.OPEN).exists():
        raise open_appeal
    appeal = Appeal(entry=entry, reason=reason, filed_by=actor, filed_at=timezone.now())
    try:
        with transaction.atomic():
            create_row(actor, appeal, action="file_appeal")
    except IntegrityError:
        # A simultaneous appeal on the same entry won the unique constraint on open appeals.
        raise open_appeal from None
    return appeal


def appeal_last_day(entry: PointEntry) -> tuple[int, datetime.date]:
    """Return the ``merit.appeal_days`` setting and the last day on which ``entry`` may be appealed."""
    days = get_setting(APPEAL_DAYS, region=entry.person.unit.region)
    return days, timezone.localdate(entry.created_at) + datetime.timedelta(days=days)


def check_appeal_window(entry: PointEntry) -> None:
    """Reject an appeal filed more than ``merit.appeal_days`` days after the entry was posted."""
    days, last = appeal_last_day(entry)
    posted = timezone.localdate(entry.created_at)
    if timezone.localdate() > last:
        raise ValidationError(
            _("Entry #%(id)s was posted on %(posted)s, and appeals are accepted for %(days)s "
              "days after posting, until %(last)s; ask a leader or discipline inspector above "
              "your unit to reverse it if it is wrong") % {
                "id": entry.pk, "posted": posted.isoformat(), "days": days,
                "last": last.isoformat()},
            code="appeal_too_late")


def decide_appeal(actor: Any, appeal: Appeal, *, uphold: bool, reason: str) -> Appeal:
    """Uphold an open appeal, reversing the entry, or reject it; both need a reason."""
    appeal = Appeal.objects.select_related("entry__person__unit__region").get(pk=appeal.pk)
    if not is_reviewer_for(actor, appeal.entry.person):
        raise PermissionDenied(_("Only a leader or discipline inspector above %(person)s's unit "
                                 "may decide this appeal, and never their own.")
                               % {"person": appeal.entry.person})
    if appeal.status != AppealStatus.OPEN:
        raise ValidationError(_("This appeal was already %(status)s") % {
            "status": appeal.get_status_display()}, code="already_decided")
    check_quarter_open(appeal.entry)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError(_("Write the reason for the decision; the cadre is told it"),
                              code="reason_missing")

    with transaction.atomic():
        changes: dict[str, Any] = {"decided_by": actor, "decided_at": timezone.now(),
                                   "decision_reason": reason}
        if uphold:
            changes["reversal"] = cancel_entry(actor, appeal.entry, kind=EntryKind.REVERSAL,
                                               reason=reason, cause=appeal)
        changes["status"] = AppealStatus.UPHELD if uphold else AppealStatus.REJECTED
        appeal = update_row(actor, appeal, changes, expected_version=appeal.version)
    logger.info("appeal %s %s by user %s", appeal.pk, appeal.status, actor.pk)
    return appeal
