"""Assigning, transferring, accepting or declining a petition, notices and escalation."""

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.organisation.models import Assignment, Role, Unit, UnitKind
from sunshine.petitions import deadlines, routing, visibility
from sunshine.petitions.actions._common import expect_state, locked, record, required_text, today
from sunshine.petitions.announcements import announce_on_commit
from sunshine.petitions.models import EventAction, Petition, State

logger = logging.getLogger(__name__)


def _check_unit(petition: Petition, unit: Unit) -> None:
    """Reject handing a report to a unit other than a commission, or to one it accuses.

    Reports are handled by discipline inspection commissions, as routing
    sends them, and never by a unit they accuse (commission rules on
    reports, art. 47). Where no commission works in the report's region
    or above it, routing falls back to the category's unit, and so may
    staff.
    """
    if routing.is_accused_unit(petition, unit):
        raise ValidationError(
            _("“%(unit)s” is accused in this report, so the report cannot be assigned to it; "
              "choose another unit.") % {"unit": unit},
            code="accused_unit",
        )
    outside_commissions = petition.is_accusation and unit.kind != UnitKind.COMMISSION
    if outside_commissions and routing.commission_above(petition.region):
        raise ValidationError(
            _("A report (accusation) is handled by a discipline inspection commission, not by "
              "“%(unit)s”; choose a commission.") % {"unit": unit},
            code="not_commission",
        )


def _check_handler(petition: Petition, unit: Unit, handler) -> None:
    if handler is None:
        return
    in_unit = Assignment.objects.filter(user=handler, unit__path__startswith=unit.path).exists()
    if not in_unit or visibility.is_firewalled(handler, petition):
        raise _invalid_handler(handler, unit)


def _invalid_handler(handler: Any, unit: Unit) -> ValidationError:
    return ValidationError(
        _("User “%(user)s” does not work in “%(unit)s” or may not see this petition; "
          "choose a handler from the handling unit.") % {"user": handler, "unit": unit},
        code="invalid_handler",
    )


def no_route_error(petition: Petition) -> ValidationError:
    if petition.is_accusation and routing.commission_above(petition.region):
        return ValidationError(
            _("This report accuses every discipline inspection commission on the platform "
              "above %(region)s; pass it to the commission above them.")
            % {"region": petition.region},
            code="no_route",
        )
    return ValidationError(
        _("No unit handles category “%(category)s” in %(region)s; choose the unit.")
        % {"category": petition.category, "region": petition.region},
        code="no_route",
    )


def receipt_changes(petition: Petition, unit: Unit, handler, *,
                    registrar: Any = None) -> tuple[dict, list]:
    """Return the changes and deadlines when ``unit`` receives the petition.

    A unit that registered the petition itself (``registrar`` works in it)
    received it on the day received, so its clock starts then, however late
    the clerk enters it. Another unit receives it today, as a referral,
    and may object within 5 working days (Petition Work Regulation art. 23
    para. 3). Before acceptance the unit's clock starts on receipt: 15 days
    to notify acceptance (art. 23 para. 3) with Zhejiang's internal target
    counted from the same day, or for a report 5 working days to accept or
    transfer (commission rules, art. 16). After acceptance the handling
    period runs on. A transfer to another unit made after its deadline
    (``assign_due``) is kept in the step as a deadline met late.
    """
    region, received_now = petition.region, today()
    own = registrar is not None and Assignment.objects.filter(
        user=registrar, unit__path__startswith=unit.path).exists()
    day = petition.received_on if own else received_now
    changes: dict[str, Any] = {"assigned_unit_id": unit.pk,
                               "handler_id": handler.pk if handler else None,
                               "assigned_at": timezone.now(), "assign_due": None,
                               "objection_until": None}
    found = []
    if not own:
        objection = deadlines.compute(deadlines.REFERRAL_OBJECTION, day, region=region)
        changes["objection_until"] = objection.due
        found.append(objection)
    if not own and petition.assign_due is not None and petition.assign_due < received_now:
        found.append(deadlines.Deadline(deadlines.TRANSFER, petition.assign_due, True,
                                        met_on=received_now))
    if petition.state == State.RECEIVED:
        rule = deadlines.ACCUSATION_ACCEPT if petition.is_accusation else deadlines.ACCEPT_NOTICE
        accept = deadlines.compute(rule, day, region=region)
        changes.update(due_on=accept.due, due_rule=rule)
        found.append(accept)
        if not petition.is_accusation:
            warning = deadlines.compute(deadlines.ACCEPT_WARNING, day, region=region)
            changes["warning_on"] = warning.due
            found.append(warning)
    return changes, found


def registrar_of(petition: Petition) -> Any:
    """Return the id of the user who registered the petition, or None for a citizen."""
    return (petition.events.filter(action=EventAction.REGISTER)
            .values_list("actor_id", flat=True).first())


def assign(actor: Any, petition: Petition, unit: Unit | None = None, *, handler=None,
           reason: str = "") -> Petition:
    """Assign an unassigned petition to a unit, found by routing when ``unit`` is None.

    ``actor`` None means the system routing a citizen's petition.
    """
    with transaction.atomic():
        petition = locked(petition)
        if actor is not None:
            visibility.require(visibility.can_handle(actor, petition))
        expect_state(petition, _("assign"), State.RECEIVED, State.HANDLING)
        if petition.assigned_unit_id is not None:
            raise ValidationError(
                _("Petition %(code)s is already assigned to “%(unit)s”; transfer it instead.")
                % {"code": petition.printed_code, "unit": petition.assigned_unit},
                code="already_assigned",
            )
        unit = unit or routing.route(petition)
        if unit is None:
            raise no_route_error(petition)
        _check_unit(petition, unit)
        _check_handler(petition, unit, handler)
        changes, found = receipt_changes(petition, unit, handler,
                                         registrar=registrar_of(petition))
        petition, _event = record(actor, petition, EventAction.ASSIGN, changes, reason=reason,
                                  unit_id=unit.pk, deadlines=found, public=True)
        announce_on_commit(petition)
    logger.info("petition %s assigned to unit %s", petition.pk, unit.pk)
    return petition


def transfer(actor: Any, petition: Petition, unit: Unit, *, reason: str, handler=None) -> Petition:
    """Move a petition to another unit, with the reason recorded and shown to the reporter."""
    reason = required_text(reason, _("The reason for the transfer"))
    with transaction.atomic():
        petition = locked(petition)
        visibility.require(visibility.can_handle(actor, petition))
        expect_state(petition, _("transfer"), State.RECEIVED, State.HANDLING)
        if petition.assigned_unit_id == unit.pk:
            raise ValidationError(
                _("Petition %(code)s is already with “%(unit)s”; choose another unit.")
                % {"code": petition.printed_code, "unit": unit},
                code="same_unit",
            )
        _check_unit(petition, unit)
        _check_handler(petition, unit, handler)
        changes, found = receipt_changes(petition, unit, handler)
        petition, _event = record(actor, petition, EventAction.TRANSFER, changes, reason=reason,
                                  unit_id=unit.pk, deadlines=found, public=True)
        announce_on_commit(petition)
    logger.info("petition %s transferred to unit %s", petition.pk, unit.pk)
    return petition


def object_to_referral(actor: Any, petition: Petition, *, reason: str) -> Petition:
    """Return a petition the assigned unit is not competent for, within 5 working days.

    Petition Work Regulation art. 23 para. 3. The petition goes back to
    the registering office without a unit; the clock of art. 22 (transfer
    within 15 days of registration) applies again.
    """
    reason = required_text(reason, _("The reason for the objection"))
    with transaction.atomic():
        petition = locked(petition)
        # Only the unit that received the referral objects to it, not a unit above it.
        own_units = {u.pk for u in visibility.units_of(actor, visibility.HANDLING_ROLES)}
        visibility.require(visibility.can_handle(actor, petition)
                           and petition.assigned_unit_id in own_units)
        expect_state(petition, _("object to the referral"), State.RECEIVED)
        if petition.objection_until is None:
            raise ValidationError(
                _("Petition %(code)s was not referred to your unit by another, so there is no "
                  "referral to object to; accept it, or transfer it with a reason.")
                % {"code": petition.printed_code},
                code="not_referred",
            )
        if today() > petition.objection_until:
            raise ValidationError(
                _("The period for objecting to this referral ended on %(date)s (Petition Work "
                  "Regulation art. 23 para. 3); accept the petition or ask the registering "
                  "office to transfer it.")
                % {"date": petition.objection_until.isoformat()},
                code="window_closed",
            )
        changes: dict[str, Any] = {"assigned_unit_id": None, "handler_id": None,
                                   "objection_until": None}
        found = []
        if not petition.is_accusation:
            # The unit's own acceptance clock stops; the registering office owes the transfer.
            changes.update(due_on=None, due_rule="", warning_on=None)
            transfer_due = deadlines.compute(deadlines.TRANSFER, petition.received_on,
                                             region=petition.region)
            changes["assign_due"] = transfer_due.due
            found.append(transfer_due)
        unit_id = petition.assigned_unit_id
        petition, _event = record(actor, petition, EventAction.OBJECT, changes, reason=reason,
                                  unit_id=unit_id, deadlines=found)
    logger.info("petition %s returned by unit %s", petition.pk, unit_id)
    return petition


def accept(actor: Any, petition: Petition, *, notice: str = "", notify: bool = True) -> Petition:
    """Accept a petition; the handling period starts today.

    For a suggestion or request the acceptance is the written notice to the
    reporter (art. 23) and ``notice`` its text. For a real-name report,
    ``notify`` says whether the reporter is told now (15 working days
    otherwise, commission rules).
    """
    with transaction.atomic():
        petition = locked(petition)
        visibility.require(visibility.can_handle(actor, petition))
        expect_state(petition, _("accept"), State.RECEIVED)
        if petition.assigned_unit_id is None:
            raise ValidationError(
                _("Petition %(code)s has no handling unit; assign it before accepting it.")
                % {"code": petition.printed_code},
                code="not_assigned",
            )
        day, region = today(), petition.region
        rule = deadlines.ACCUSATION_HANDLE if petition.is_accusation else deadlines.HANDLE
        handle = deadlines.compute(rule, day, region=region)
        found = [handle]
        changes: dict[str, Any] = {
            "state": State.HANDLING, "accepted_at": timezone.now(), "handle_due": handle.due,
            "due_on": handle.due, "due_rule": rule, "assign_due": None, "objection_until": None,
            "warning_on": None,
        }
        if petition.is_accusation:
            if notify:
                changes["notice_due"] = None
        else:
            warning = deadlines.compute(deadlines.HANDLE_WARNING, day, region=region)
            changes["warning_on"] = warning.due
            found.append(warning)
        unit = petition.assigned_unit
        if petition.handler_id is None and unit is not None and works_in(actor, unit):
            # The staff member who accepts for the unit handles it until the unit designates another.
            changes["handler_id"] = actor.pk
        petition, _event = record(actor, petition, EventAction.ACCEPT, changes,
                                  reason=notice.strip(), deadlines=found, public=True)
    logger.info("petition %s accepted", petition.pk)
    return petition


def works_in(user: Any, unit: Unit) -> bool:
    """Return whether ``user`` has a handling role in ``unit`` or a unit inside it."""
    return Assignment.objects.filter(user=user, unit__path__startswith=unit.path,
                                     role__in=visibility.HANDLING_ROLES).exists()


def designate_handler(actor: Any, petition: Petition, handler: Any) -> Petition:
    """Name the person in the handling unit who handles the petition (承办人).

    The handler earns the merit points of a satisfied reporter, and for a
    report to a commission the handler may see the reporter's identity.
    """
    with transaction.atomic():
        petition = locked(petition)
        visibility.require(visibility.can_handle(actor, petition))
        expect_state(petition, _("designate the handler"), State.RECEIVED, State.HANDLING)
        unit = petition.assigned_unit
        if unit is None:
            raise ValidationError(
                _("Petition %(code)s has no handling unit; assign it before designating a "
                  "handler.") % {"code": petition.printed_code},
                code="not_assigned",
            )
        if not handler.is_active or not works_in(handler, unit):
            raise _invalid_handler(handler, unit)
        _check_handler(petition, unit, handler)
        if petition.handler_id == handler.pk:
            raise ValidationError(
                _("“%(user)s” already handles petition %(code)s; choose another person to "
                  "change the handler.") % {"user": handler, "code": petition.printed_code},
                code="same_handler",
            )
        petition, _event = record(actor, petition, EventAction.DESIGNATE_HANDLER,
                                  {"handler_id": handler.pk})
    logger.info("petition %s: handler set to user %s", petition.pk, handler.pk)
    return petition


def _finish_unaccepted(actor: Any, petition: Petition, action: str, state: str, step: str,
                       reason: str) -> Petition:
    with transaction.atomic():
        petition = locked(petition)
        visibility.require(visibility.can_handle(actor, petition))
        expect_state(petition, step, State.RECEIVED)
        changes = {"state": state, "closed_at": timezone.now(), "due_on": None, "due_rule": "",
                   "warning_on": None, "assign_due": None, "notice_due": None,
                   "objection_until": None}
        petition, _event = record(actor, petition, action, changes, reason=reason, public=True)
    logger.info("petition %s finished without acceptance: %s", petition.pk, state)
    return petition


def not_accept(actor: Any, petition: Petition, *, reason: str) -> Petition:
    """Decline a petition, telling the reporter why (Petition Work Regulation art. 23)."""
    reason = required_text(reason, _("The reason for not accepting"))
    return _finish_unaccepted(actor, petition, EventAction.NOT_ACCEPT, State.NOT_ACCEPTED,
                              _("not accept"), reason)


def refer(actor: Any, petition: Petition, *, reason: str) -> Petition:
    """Send the reporter to the competent body outside the platform; ``reason`` names it.

    Petition Work Regulation art. 23 para. 1 and art. 31 (courts, arbitration,
    administrative review and other statutory routes).
    """
    reason = required_text(reason, _("The competent body and the reason"))
    return _finish_unaccepted(actor, petition, EventAction.REFER, State.REFERRED, _("refer"),
                              reason)


def notify_reporter(actor: Any, petition: Petition, *, text: str) -> Petition:
    """Send the reporter a written notice; it meets an open acceptance-notice deadline."""
    text = required_text(text, _("The notice text"))
    with transaction.atomic():
        petition = locked(petition)
        visibility.require(visibility.can_handle(actor, petition))
        changes = {"notice_due": None} if petition.notice_due else {}
        petition, _event = record(actor, petition, EventAction.NOTIFY, changes, reason=text,
                                  public=True)
    return petition


def _escalation_recipients(petition: Petition) -> list[int]:
    """Return the ids of the handling unit's leaders and the inspectors whose region covers it."""
    region_codes = [code for code in petition.region.path.split("/") if code]
    leaders = Assignment.objects.filter(role=Role.LEADER, unit=petition.assigned_unit_id)
    inspectors = Assignment.objects.filter(role=Role.INSPECTOR, unit__region__in=region_codes)
    users = {a.user for a in leaders.select_related("user")}
    users |= {a.user for a in inspectors.select_related("user")}
    allowed = [u for u in users if not visibility.is_firewalled(u, petition)]
    return sorted(u.pk for u in allowed)


def record_escalation(actor: Any, petition: Petition, *, reason: str = "") -> Petition:
    """Record that a missed deadline was raised with the unit leader and the supervising inspectors.

    The escalation marker itself is computed at read time
    (``deadlines.needs_escalation``); this records who was told.
    """
    with transaction.atomic():
        petition = locked(petition)
        visibility.require(visibility.can_handle(actor, petition))
        if not deadlines.needs_escalation(petition):
            raise ValidationError(
                _("Petition %(code)s has no missed deadline since its last escalation.")
                % {"code": petition.printed_code},
                code="not_overdue",
            )
        recipients = _escalation_recipients(petition)
        petition, _event = record(actor, petition, EventAction.ESCALATE,
                                  {"escalated_at": timezone.now()}, reason=reason,
                                  notified=recipients)
    logger.warning("petition %s escalated to %s users", petition.pk, len(recipients))
    return petition
