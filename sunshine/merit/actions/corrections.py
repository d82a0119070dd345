"""Reversal entries: the only way to correct the ledger.

A reversal copies the rule version, quarter and day of the entry it
cancels with the points negated, so every total that included the entry
nets to zero without it. An entry is cancelled once, by a reversal or an
exemption offset; the database enforces this with a unique ``reverses``.

Cancelling an entry that has an open appeal closes the appeal as upheld,
because the cadre got what the appeal asked for. Otherwise the appeal
would stay open with only a rejection left to decide. For the same reason
a pending exemption request of the entry is closed as moot: a reviewer
cannot exempt an entry that no longer counts.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit.actions import create_row, update_row
from sunshine.duties import locks
from sunshine.duties.periods import parse_period
from sunshine.merit.models import (
    Appeal,
    AppealStatus,
    EntryKind,
    Exemption,
    ExemptionStatus,
    PointEntry,
)
from sunshine.merit.permissions import is_reviewer_for
from sunshine.merit.posting import cause_label_of
from sunshine.merit.text import clean_text
from sunshine.organisation.models import Person

logger = logging.getLogger(__name__)


def reverse_entry(actor: Any, entry: PointEntry, *, reason: str) -> PointEntry:
    """Cancel a wrong posting with a reversal entry; a reviewer of the person must give a reason."""
    if not is_reviewer_for(actor, entry.person):
        raise PermissionDenied(_("Only a leader or discipline inspector above %(person)s's unit "
                                 "may reverse this entry, and never their own.")
                               % {"person": entry.person})
    return cancel_entry(actor, entry, kind=EntryKind.REVERSAL, reason=reason, cause=entry)


def cancel_entry(actor: Any, entry: PointEntry, *, kind: str, reason: str,
                 cause: models.Model) -> PointEntry:
    """Insert the entry that cancels ``entry``; callers have checked the actor's right."""
    reason = require_reason(reason)
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=entry.person_id).exists()
        entry = PointEntry.objects.select_related("person").get(pk=entry.pk)
        check_cancellable(entry)
        correction = PointEntry(
            person=entry.person, rule_id=entry.rule_id, rule_code=entry.rule_code, kind=kind,
            points=-entry.points, rule_points=-entry.rule_points, cap=entry.cap,
            period=entry.period, occurred_on=entry.occurred_on, cause=cause,
            cause_label=cause_label_of(cause), reverses=entry, reason=reason, created_by=actor,
            created_at=timezone.now(),
        )
        create_row(actor, correction, action=kind)
        close_open_appeal(actor, correction)
        close_pending_exemption(actor, correction)
    logger.info("point entry %s cancelled by entry %s (%s)", entry.pk, correction.pk, kind)
    return correction


def close_open_appeal(actor: Any, correction: PointEntry) -> None:
    """Mark the open appeal on the cancelled entry as upheld by ``correction``.

    The appeal whose own decision posted ``correction`` is left to that decision.
    """
    appeal = (Appeal.objects.select_for_update()
              .filter(entry_id=correction.reverses_id, status=AppealStatus.OPEN).first())
    if appeal is None or correction.cause == appeal:
        return
    update_row(actor, appeal, {"status": AppealStatus.UPHELD, "decided_by": actor,
                               "decided_at": correction.created_at,
                               "decision_reason": correction.reason, "reversal": correction},
               expected_version=None)
    logger.info("appeal %s closed by entry %s", appeal.pk, correction.pk)


def close_pending_exemption(actor: Any, correction: PointEntry) -> None:
    """Close the pending exemption request of the cancelled entry as moot, naming ``correction``.

    The exemption whose own approval posted ``correction`` is left to that decision.
    """
    exemption = (Exemption.objects.select_for_update()
                 .filter(entry_id=correction.reverses_id, status=ExemptionStatus.PENDING).first())
    if exemption is None or correction.cause == exemption:
        return
    note = _("Closed without a decision: entry #%(entry)s was cancelled by entry #%(by)s "
             "(%(kind)s), for this reason: %(reason)s") % {
        "entry": correction.reverses_id, "by": correction.pk,
        "kind": correction.get_kind_display(), "reason": correction.reason}
    update_row(actor, exemption, {"status": ExemptionStatus.MOOT, "decided_by": actor,
                                  "decided_at": correction.created_at, "decision_note": note},
               expected_version=None)
    logger.info("exemption %s closed as moot by entry %s", exemption.pk, correction.pk)


def check_cancellable(entry: PointEntry) -> None:
    """Raise ValidationError unless ``entry`` is a posting that nothing has cancelled yet.

    An entry of a quarter that an administrator locked counts as it was
    reported, so it cannot be cancelled until the quarter is unlocked.
    """
    check_quarter_open(entry)
    if entry.kind != EntryKind.POSTING:
        raise ValidationError(
            _("Entry #%(id)s is itself a correction (%(kind)s) of entry #%(target)s; correct "
              "the original posting instead") % {
                "id": entry.pk, "kind": entry.get_kind_display(), "target": entry.reverses_id},
            code="not_a_posting")
    earlier = PointEntry.objects.filter(reverses=entry).first()
    if earlier is not None:
        raise ValidationError(
            _("Entry #%(id)s was already cancelled by entry #%(by)s (%(kind)s); an entry can be "
              "reversed once") % {"id": entry.pk, "by": earlier.pk,
                                  "kind": earlier.get_kind_display()},
            code="already_reversed")


def require_reason(reason: str) -> str:
    reason = clean_text(reason)
    if not reason:
        raise ValidationError(_("Write the reason; a correction without a reason cannot be "
                                "checked later"), code="reason_missing")
    return reason


def check_quarter_open(entry: PointEntry) -> None:
    """Raise ValidationError when an administrator locked the quarter ``entry`` counts in.

    Only a lock decision counts, not the automatic lock of progress reports,
    so an entry posted at quarter close can still be corrected and appealed
    until the quarter's figures are declared final.
    """
    county = entry.person.unit.region.county()
    state = locks.lock_state(county, parse_period(entry.period), automatic=False)
    if state.locked:
        raise ValidationError(
            _("Entry #%(id)s counts in %(period)s, which is locked for %(place)s since "
              "%(since)s, so its points can no longer be reversed, exempted or appealed; "
              "%(unlockers)s can unlock the quarter") % {"id": entry.pk,
                                                        **locks.lock_values(state)},
            code="period_locked")
