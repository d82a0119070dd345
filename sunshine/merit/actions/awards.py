"""Execution-pioneer awards (nominate, then a higher-level leader decides) and quota approvals."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit.actions import create_row, update_row
from sunshine.merit.models import Award, AwardStatus, QuotaApproval
from sunshine.merit.permissions import is_person_of, leads, led_unit_over
from sunshine.merit.posting import AWARD_PIONEER, post_event_points
from sunshine.merit.text import clean_text
from sunshine.organisation.models import Person, Unit

logger = logging.getLogger(__name__)


def nominate_award(actor: Any, person: Person, *, reason: str) -> Award:
    """Nominate ``person`` as an execution pioneer; the actor must lead their unit or one above."""
    unit = led_unit_over(actor, person.unit)
    if unit is None or is_person_of(actor, person):
        raise PermissionDenied(_("Only a leader of %(unit)s or of a unit above it may nominate "
                                 "%(person)s, and nobody nominates themselves.")
                               % {"unit": person.unit, "person": person})
    reason = clean_text(reason)
    if not reason:
        raise ValidationError(_("Write what %(person)s did to earn the award") % {
            "person": person}, code="reason_missing")
    award = Award(person=person, reason=reason, nominated_by=actor, nominating_unit=unit,
                  nominated_at=timezone.now())
    with transaction.atomic():
        create_row(actor, award, action="nominate")
    return award


def decide_award(actor: Any, award: Award, *, approve: bool, reason: str = "") -> Award:
    """Approve a nomination, posting ``award_pioneer`` points, or reject it with a reason."""
    award = Award.objects.select_related("person__unit", "nominating_unit").get(pk=award.pk)
    check_decidable(actor, award)
    reason = clean_text(reason)
    if not approve and not reason:
        raise ValidationError(_("Write why the nomination is rejected"), code="reason_missing")

    with transaction.atomic():
        changes: dict[str, Any] = {"decided_by": actor, "decided_at": timezone.now(),
                                   "decision_reason": reason}
        if approve:
            changes["entry"] = post_event_points(AWARD_PIONEER, award.person, award,
                                                 timezone.localdate(), actor, reason=award.reason)
        changes["status"] = AwardStatus.APPROVED if approve else AwardStatus.REJECTED
        award = update_row(actor, award, changes, expected_version=award.version)
    logger.info("award %s %s by user %s", award.pk, award.status, actor.pk)
    return award


def check_decidable(actor: Any, award: Award) -> None:
    if award.nominated_by_id == actor.pk or is_person_of(actor, award.person):
        raise PermissionDenied(_("You nominated this person or are the nominee, so a leader "
                                 "above %(unit)s must decide.") % {"unit": award.nominating_unit})
    if not leads(actor, award.nominating_unit, strictly_above=True):
        raise PermissionDenied(_("Only a leader of a unit above %(unit)s, which made the "
                                 "nomination, may decide it.") % {"unit": award.nominating_unit})
    if award.status != AwardStatus.NOMINATED:
        raise ValidationError(_("This nomination was already %(status)s") % {
            "status": award.get_status_display()}, code="already_decided")


def record_quota_approval(actor: Any, unit: Unit, *, year: int,
                          document_number: str) -> QuotaApproval:
    """Record the approval that lets ``unit`` suggest up to the higher share of 优秀 in ``year``."""
    if not leads(actor, unit):
        raise PermissionDenied(_("Only a leader of %(unit)s or of a unit above it may record "
                                 "this approval.") % {"unit": unit})
    document_number = (document_number or "").strip()
    if not document_number:
        raise ValidationError(_("Enter the number of the document that approves the higher "
                                "share"), code="document_missing")
    approval = QuotaApproval(unit=unit, year=year, document_number=document_number,
                             recorded_by=actor, recorded_at=timezone.now())
    # The unique constraint decides between two leaders who record at the same
    # moment, because a check before the insert lets both through. The savepoint
    # keeps the caller's transaction usable for reading the approval that won.
    try:
        with transaction.atomic():
            create_row(actor, approval, action="record_quota_approval")
    except IntegrityError:
        raise_approval_exists(unit, year)
        raise
    return approval


def raise_approval_exists(unit: Unit, year: int) -> None:
    """Raise ValidationError naming the approval of ``unit`` and ``year``, if one is recorded."""
    existing = (QuotaApproval.objects.select_related("recorded_by")
                .filter(unit=unit, year=year).first())
    if existing is None:
        return
    raise ValidationError(
        _("An approval for %(unit)s in %(year)s is already recorded: document %(document)s, "
          "recorded by %(user)s at %(time)s") % {
            "unit": unit, "year": year, "document": existing.document_number,
            "user": existing.recorded_by.get_username(),
            "time": timezone.localtime(existing.recorded_at).strftime("%Y-%m-%d %H:%M")},
        code="approval_exists")
