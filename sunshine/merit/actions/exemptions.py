"""Error-tolerance exemptions (容错纠错): a request with the checklist, then a reviewer's decision.

The checklist follows the Zhejiang reading of the 2018 opinion on
encouraging cadres to take responsibility: a shortfall is not held against
a cadre who followed the decision procedure, sought no private gain and
did nothing a superior had explicitly prohibited. An approved exemption
posts an offsetting entry; the required correction stays on the record.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit.actions import create_row, update_row
from sunshine.merit.actions.corrections import (
    cancel_entry,
    check_cancellable,
    check_quarter_open,
    require_reason,
)
from sunshine.merit.models import EntryKind, Exemption, ExemptionStatus, PointEntry
from sunshine.merit.permissions import is_person_of, is_reviewer_for
from sunshine.merit.text import clean_text

logger = logging.getLogger(__name__)


def request_exemption(actor: Any, entry: PointEntry, *, reason: str, followed_procedure: bool,
                      private_gain: bool, prohibited_by_superior: bool,
                      correction: str = "") -> Exemption:
    """Record a request to exempt a negative entry, by the person concerned or a reviewer."""
    if not (is_person_of(actor, entry.person) or is_reviewer_for(actor, entry.person)):
        raise PermissionDenied(_("Only %(person)s or a leader or discipline inspector above "
                                 "their unit may ask to exempt this entry.")
                               % {"person": entry.person})
    reason = require_reason(reason)
    check_exemptible(entry)
    exemption = Exemption(
        entry=entry, reason=reason, followed_procedure=followed_procedure,
        private_gain=private_gain, prohibited_by_superior=prohibited_by_superior,
        correction=clean_text(correction), requested_by=actor, requested_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            create_row(actor, exemption, action="request_exemption")
    except IntegrityError:
        # A simultaneous request on the same entry won the unique constraint; report it.
        check_exemptible(entry)
        raise
    return exemption


def check_exemptible(entry: PointEntry) -> None:
    if entry.points >= 0:
        raise ValidationError(
            _("Entry #%(id)s gives %(points)+d points; only an entry that takes points away can "
              "be exempted") % {"id": entry.pk, "points": entry.points},
            code="not_negative")
    check_cancellable(entry)
    live = entry.exemptions.exclude(status=ExemptionStatus.REJECTED).first()
    if live is not None:
        raise ValidationError(
            _("Entry #%(id)s already has an exemption request (%(status)s); wait for its "
              "decision") % {"id": entry.pk, "status": live.get_status_display()},
            code="exemption_exists")


def decide_exemption(actor: Any, exemption: Exemption, *, approve: bool,
                     note: str = "") -> Exemption:
    """Approve (posting the offset) or reject a pending exemption request."""
    exemption = Exemption.objects.select_related("entry__person__unit__region").get(
        pk=exemption.pk)
    check_decidable(actor, exemption)
    note = clean_text(note)
    if approve:
        check_checklist(exemption)
    elif not note:
        raise ValidationError(_("Write why the exemption is rejected"), code="reason_missing")

    with transaction.atomic():
        changes: dict[str, Any] = {"decided_by": actor, "decided_at": timezone.now(),
                                   "decision_note": note}
        if approve:
            changes["offset"] = cancel_entry(actor, exemption.entry, kind=EntryKind.EXEMPTION,
                                             reason=exemption.reason, cause=exemption)
        changes["status"] = ExemptionStatus.APPROVED if approve else ExemptionStatus.REJECTED
        exemption = update_row(actor, exemption, changes, expected_version=exemption.version)
    logger.info("exemption %s %s by user %s", exemption.pk, exemption.status, actor.pk)
    return exemption


def check_decidable(actor: Any, exemption: Exemption) -> None:
    if not is_reviewer_for(actor, exemption.entry.person):
        raise PermissionDenied(_("Only a leader or discipline inspector above %(person)s's unit "
                                 "may decide this exemption, and never their own.")
                               % {"person": exemption.entry.person})
    if exemption.requested_by_id == actor.pk:
        raise PermissionDenied(_("You asked for this exemption, so another reviewer must decide "
                                 "it."))
    if exemption.status != ExemptionStatus.PENDING:
        raise ValidationError(_("This exemption was already %(status)s") % {
            "status": exemption.get_status_display()}, code="already_decided")
    check_quarter_open(exemption.entry)


def check_checklist(exemption: Exemption) -> None:
    """Raise ValidationError naming every check that rules the exemption out."""
    failed = []
    if not exemption.followed_procedure:
        failed.append(_("the decision did not follow the required procedure"))
    if exemption.private_gain:
        failed.append(_("someone sought private gain"))
    if exemption.prohibited_by_superior:
        failed.append(_("a superior had explicitly prohibited what was done"))
    if failed:
        raise ValidationError(
            _("The exemption cannot be approved because %(checks)s; reject it with a reason")
            % {"checks": _("; ").join(str(item) for item in failed)},
            code="checklist_failed")
