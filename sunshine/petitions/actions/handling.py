"""Extensions of the handling period, replies, the reporter's rating and closing."""

import datetime
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit.actions import create_row, update_row
from sunshine.petitions import deadlines, visibility
from sunshine.petitions.actions._common import expect_state, locked, record, required_text, today
from sunshine.petitions.models import (
    MAX_SCORE,
    MIN_SCORE,
    EventAction,
    ExtensionRequest,
    ExtensionStatus,
    Kind,
    Outcome,
    Petition,
    Rating,
    Reply,
    Stage,
    State,
    rating_for_score,
)
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

REPLY_DELIVERY_MAX_AGE = "petitions.reply_delivery_max_age_days"


def _check_extension_limits(petition: Petition, days: int) -> None:
    """Apply Petition Work Regulation art. 34: by default one extension of at most 30 days."""
    day, region = today(), petition.region
    max_days = deadlines.period(deadlines.EXTENSION_MAX, region=region, on=day).count
    allowed = get_setting(deadlines.EXTENSION_MAX_COUNT, region=region, on=day)
    if not 1 <= days <= max_days:
        raise ValidationError(
            _("An extension of %(days)s days is not allowed; the handling period may be "
              "extended by 1 to %(most)s days (Petition Work Regulation art. 34).")
            % {"days": days, "most": max_days},
            code="extension_too_long",
        )
    if petition.handle_due is not None and day > petition.handle_due:
        # Art. 34 extends a running period; once it has ended the petition is overdue.
        raise ValidationError(
            _("The handling period of petition %(code)s ended on %(date)s, so it can no longer "
              "be extended; reply now, and record the escalation of the missed deadline.")
            % {"code": petition.printed_code, "date": petition.handle_due.isoformat()},
            code="extension_too_late",
        )
    granted = petition.extensions.filter(status=ExtensionStatus.APPROVED).count()
    if granted >= allowed:
        raise ValidationError(
            _("Petition %(code)s was already extended %(count)s time(s), the most allowed "
              "(Petition Work Regulation art. 34).")
            % {"code": petition.printed_code, "count": granted},
            code="extension_limit",
        )


def request_extension(actor: Any, petition: Petition, *, days: int,
                      reason: str) -> ExtensionRequest:
    """Ask the unit's leader to extend the handling period; the reason is shown to the reporter."""
    reason = required_text(reason, _("The reason for the extension"))
    with transaction.atomic():
        petition = locked(petition)
        visibility.require(visibility.can_handle(actor, petition))
        expect_state(petition, _("request an extension"), State.HANDLING)
        _check_extension_limits(petition, days)
        if petition.extensions.filter(status=ExtensionStatus.PENDING).exists():
            raise ValidationError(
                _("Petition %(code)s already has an extension request waiting for approval.")
                % {"code": petition.printed_code},
                code="extension_pending",
            )
        extension = create_row(actor, ExtensionRequest(
            petition=petition, days=days, reason=reason, requested_by=actor,
            requested_at=timezone.now(),
        ))
        record(actor, petition, EventAction.REQUEST_EXTENSION, {}, reason=reason)
    return extension


def _decide_extension(actor: Any, extension: ExtensionRequest) -> tuple[Petition, ExtensionRequest]:
    petition = locked(extension.petition)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    visibility.require(visibility.can_approve(actor, petition))
    if extension.status != ExtensionStatus.PENDING:
        raise ValidationError(
            _("This extension request was already %(status)s.")
            % {"status": extension.get_status_display()},
            code="extension_decided",
        )
    return petition, extension


def approve_extension(actor: Any, extension: ExtensionRequest, *, note: str = "") -> Petition:
    """Approve an extension as the handling unit's leader; the reporter sees the reason."""
    with transaction.atomic():
        petition, extension = _decide_extension(actor, extension)
        if extension.requested_by_id == actor.pk:
            # Maker-checker: the leader's approval (art. 34) must come from another person.
            raise ValidationError(
                _("You requested this extension yourself; another leader of the handling unit "
                  "or of a unit above it must approve it."),
                code="extension_own_request",
            )
        expect_state(petition, _("approve an extension"), State.HANDLING)
        _check_extension_limits(petition, extension.days)
        assert petition.handle_due is not None  # set on acceptance
        new_due = deadlines.extend(petition.handle_due, extension.days, region=petition.region)
        update_row(actor, extension, {
            "status": ExtensionStatus.APPROVED, "decided_by_id": actor.pk,
            "decided_at": timezone.now(), "decision_note": note,
            "previous_due": petition.handle_due, "new_due": new_due,
        }, expected_version=extension.version)
        found = deadlines.Deadline(petition.due_rule, new_due, legal=True)
        petition, _event = record(actor, petition, EventAction.APPROVE_EXTENSION,
                                  {"handle_due": new_due, "due_on": new_due},
                                  reason=extension.reason, deadlines=[found], public=True)
    logger.info("petition %s extended by %s days", petition.pk, extension.days)
    return petition


def reject_extension(actor: Any, extension: ExtensionRequest, *, note: str) -> ExtensionRequest:
    note = required_text(note, _("The reason for rejecting the extension"))
    with transaction.atomic():
        petition, extension = _decide_extension(actor, extension)
        extension = update_row(actor, extension, {
            "status": ExtensionStatus.REJECTED, "decided_by_id": actor.pk,
            "decided_at": timezone.now(), "decision_note": note,
        }, expected_version=extension.version)
        record(actor, petition, EventAction.REJECT_EXTENSION, {}, reason=note)
    return extension


def _check_delivery(petition: Petition, delivered_on: datetime.date) -> None:
    accepted = timezone.localdate(petition.accepted_at) if petition.accepted_at else None
    if delivered_on > today() or (accepted and delivered_on < accepted):
        raise ValidationError(
            _("The delivery date %(date)s must lie between the acceptance and today.")
            % {"date": delivered_on.isoformat()},
            code="invalid_delivery_date",
        )


def _check_delivery_age(petition: Petition, delivered_on: datetime.date) -> None:
    """Reject a delivery date too long before the day the reply is recorded.

    The reporter's window for asking a review counts from delivery
    (Petition Work Regulation art. 35), so a reply recorded weeks after the
    delivery it states would leave the reporter little or no time to ask.
    """
    max_days = get_setting(REPLY_DELIVERY_MAX_AGE, region=petition.region)
    if (today() - delivered_on).days <= max_days:
        return
    raise ValidationError(
        _("The delivery date %(date)s is more than %(days)s days ago. The reporter's time for "
          "asking a review counts from delivery, so record a reply within %(days)s days of "
          "delivering it, and enter the day the reporter actually received it.")
        % {"date": delivered_on.isoformat(), "days": max_days},
        code="delivery_too_old",
    )


def check_outcome(petition: Petition, outcome: str) -> None:
    """Validate the outcome: a written opinion on a request states one of three (art. 32)."""
    if outcome and outcome not in Outcome.values:
        raise ValidationError(_("Outcome “%(value)s” is invalid.") % {"value": outcome},
                              code="invalid_outcome")
    if petition.kind == Kind.REQUEST and not outcome:
        raise ValidationError(
            _("A reply to a request must state whether it is supported, explained or not "
              "supported (Petition Work Regulation art. 32)."),
            code="outcome_missing",
        )


def _reply_changes(petition: Petition, day: datetime.date, delivered_on: datetime.date) -> tuple[dict, list]:
    if petition.is_accusation:
        return {"due_on": None, "due_rule": "", "replied_at": timezone.now()}, []
    changes: dict[str, Any] = {
        "state": State.REPLIED, "replied_at": timezone.now(), "handled_on": day,
        "due_on": None, "due_rule": "", "warning_on": None,
    }
    found = []
    if petition.kind == Kind.REQUEST:
        window = deadlines.compute(deadlines.REVIEW_REQUEST, delivered_on, region=petition.region)
        changes["review_until"] = window.due
        found.append(window)
    return changes, found


def _check_no_feedback(petition: Petition) -> None:
    """Raise ValidationError when the closed report already has its one feedback."""
    feedback = petition.replies.filter(stage=Stage.FEEDBACK).order_by("id").first()
    if feedback is None:
        return
    raise ValidationError(
        _("Petition %(code)s is %(state)s and its feedback on the result was given on "
          "%(date)s; a report gets one feedback. Send further news as a notice to the "
          "reporter.")
        % {"code": petition.printed_code, "state": petition.get_state_display(),
           "date": feedback.delivered_on.isoformat()},
        code="feedback_given",
    )


def reply(actor: Any, petition: Petition, *, text: str, outcome: str = "",
          delivered_on: datetime.date | None = None) -> Reply:
    """Give the written reply to a suggestion or request, or the feedback on a closed report.

    A request's reply opens the reporter's window for review, counted from
    ``delivered_on`` (Petition Work Regulation art. 35). Feedback on a
    report meets the deadline set when it was closed, and is given once.
    """
    text = required_text(text, _("The reply text"))
    delivered_on = delivered_on or today()
    with transaction.atomic():
        petition = locked(petition)
        visibility.require(visibility.can_handle(actor, petition))
        if petition.is_accusation:
            expect_state(petition, _("give feedback"), State.CLOSED)
            _check_no_feedback(petition)
        else:
            expect_state(petition, _("reply"), State.HANDLING)
        check_outcome(petition, outcome)
        _check_delivery(petition, delivered_on)
        _check_delivery_age(petition, delivered_on)
        changes, found = _reply_changes(petition, today(), delivered_on)
        stage = Stage.FEEDBACK if petition.is_accusation else Stage.REPLY
        answer = create_row(actor, Reply(
            petition=petition, stage=stage, text=text, outcome=outcome,
            unit=petition.assigned_unit, author=actor, delivered_on=delivered_on,
        ))
        record(actor, petition, EventAction.REPLY, changes, deadlines=found, public=True)
    logger.info("petition %s replied (%s)", petition.pk, stage)
    return answer


def _check_score(score: Any) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or not MIN_SCORE <= score <= MAX_SCORE:
        raise ValidationError(
            _("Score “%(value)s” is invalid; choose a whole number from %(low)s to %(high)s.")
            % {"value": score, "low": MIN_SCORE, "high": MAX_SCORE},
            code="invalid_score",
        )
    return score


def rate(petition: Petition, answer: Reply, *, rating: str = "", score: int | None = None,
         comment: str = "", actor: Any = None) -> Reply:
    """Record the reporter's rating of a written answer; each answer is rated once.

    The reporter gives either a ``score`` from 1 to 5, from which the
    three-level ``rating`` follows (``rating_for_score``), or the rating
    itself. ``actor`` is None when the reporter rates through the tracking
    code, or the staff member who records a rating given by phone or letter.
    """
    if score is not None:
        score = _check_score(score)
        rating = rating or rating_for_score(score)
    if rating not in Rating.values:
        raise ValidationError(_("Rating “%(value)s” is invalid.") % {"value": rating},
                              code="invalid_rating")
    with transaction.atomic():
        petition = locked(petition)
        answer = Reply.objects.select_for_update().get(pk=answer.pk, petition=petition)
        if answer.rating:
            raise ValidationError(_("This answer was already rated."), code="already_rated")
        answer = update_row(actor, answer, {
            "rating": rating, "score": score, "rating_comment": comment.strip(),
            "rated_at": timezone.now(),
        }, expected_version=answer.version)
        record(actor, petition, EventAction.RATE, {}, reason=rating, public=True,
               by_reporter=actor is None)
    return answer


def _close_changes(petition: Petition, day: datetime.date) -> tuple[dict, list]:
    """Closing a report ends its handling; a real-name reporter gets feedback in 15 working days."""
    changes: dict[str, Any] = {"state": State.CLOSED, "closed_at": timezone.now(),
                               "due_on": None, "due_rule": "", "warning_on": None,
                               "review_until": None}
    if not petition.is_accusation:
        return changes, []
    changes["handled_on"] = day
    if not petition.is_real_name:
        return changes, []
    feedback = deadlines.compute(deadlines.ACCUSATION_FEEDBACK, day, region=petition.region)
    changes.update(due_on=feedback.due, due_rule=feedback.rule)
    return changes, [feedback]


def _check_review_window_over(petition: Petition, day: datetime.date) -> None:
    """A request stays open for review until its window ends, unless the reporter is satisfied.

    A partly satisfied or dissatisfied reporter keeps the right to ask for
    a review (Petition Work Regulation art. 35), so only a satisfied rating
    lets staff close the request early.
    """
    if petition.kind != Kind.REQUEST or petition.review_until is None:
        return
    latest = petition.replies.order_by("-delivered_on", "-id").first()
    if latest is not None and latest.rating == Rating.SATISFIED:
        return
    if day <= petition.review_until:
        raise ValidationError(
            _("The reporter may still ask for a review until %(date)s; close petition %(code)s "
              "after that day, or earlier only once the reporter has rated the answer as "
              "satisfied.")
            % {"date": petition.review_until.isoformat(), "code": petition.printed_code},
            code="review_window_open",
        )


def close(actor: Any, petition: Petition, *, reason: str = "") -> Petition:
    """Close a handled report, or a suggestion or request whose reply the reporter accepted."""
    with transaction.atomic():
        petition = locked(petition)
        visibility.require(visibility.can_handle(actor, petition))
        if petition.is_accusation:
            expect_state(petition, _("close"), State.HANDLING)
        else:
            expect_state(petition, _("close"), State.REPLIED, State.REVIEWED)
        day = today()
        _check_review_window_over(petition, day)
        changes, found = _close_changes(petition, day)
        petition, _event = record(actor, petition, EventAction.CLOSE, changes, reason=reason,
                                  deadlines=found, public=True)
    logger.info("petition %s closed", petition.pk)
    return petition
