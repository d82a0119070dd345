"""Review (复查) and re-review (复核) of the written answer to a request.

Petition Work Regulation (2022) art. 35: the reporter may ask the body
above the handling unit for a review within 30 days of receiving the
written reply, and the review opinion is due 30 days after the request.
Art. 36: the same for a re-review of the review opinion; after the
re-review opinion the matter is closed for good and the same matter is not
accepted again (see ``intake.register``).
"""

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit.actions import create_row, update_row
from sunshine.organisation.scoping import scope_for
from sunshine.petitions import deadlines, tracking, visibility
from sunshine.petitions.actions._common import expect_state, locked, record, required_text, today
from sunshine.petitions.actions.handling import check_outcome
from sunshine.petitions.models import (
    EventAction,
    Kind,
    Petition,
    Reply,
    ReviewLevel,
    ReviewRequest,
    Stage,
    State,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LevelSpec:
    """The states, periods, event actions and reply stage of one review level.

    ``window`` is the reporter's period to request this level and
    ``next_window`` the period for the next one (None after a re-review).
    ``article`` is the article of the Petition Work Regulation that sets them.
    """

    requested_in: str
    during: str
    window: str
    decision: str
    next_window: str | None
    request: str
    decide: str
    stage: str
    article: str


LEVELS = {
    ReviewLevel.REVIEW: LevelSpec(
        requested_in=State.REPLIED, during=State.REVIEW, window=deadlines.REVIEW_REQUEST,
        decision=deadlines.REVIEW_DECISION, next_window=deadlines.RE_REVIEW_REQUEST,
        request=EventAction.REQUEST_REVIEW, decide=EventAction.DECIDE_REVIEW,
        stage=Stage.REVIEW, article="35",
    ),
    ReviewLevel.RE_REVIEW: LevelSpec(
        requested_in=State.REVIEWED, during=State.RE_REVIEW, window=deadlines.RE_REVIEW_REQUEST,
        decision=deadlines.RE_REVIEW_DECISION, next_window=None,
        request=EventAction.REQUEST_RE_REVIEW, decide=EventAction.DECIDE_RE_REVIEW,
        stage=Stage.RE_REVIEW, article="36",
    ),
}


def _check_window(petition: Petition, level: str, requested_on: datetime.date) -> None:
    if petition.review_until is not None and requested_on <= petition.review_until:
        return
    latest = petition.replies.order_by("-delivered_on", "-id").first()
    delivered = latest.delivered_on if latest else requested_on
    length = deadlines.period(LEVELS[ReviewLevel(level)].window, region=petition.region, on=delivered)
    until = petition.review_until.isoformat() if petition.review_until else "-"
    raise ValidationError(
        _("The period for requesting a %(level)s ended on %(date)s, %(days)s days after the "
          "written answer was delivered on %(delivered)s (Petition Work Regulation "
          "art. %(article)s); this request cannot be accepted.")
        % {"level": ReviewLevel(level).label, "date": until, "days": length.count,
           "delivered": delivered.isoformat(), "article": LEVELS[ReviewLevel(level)].article},
        code="window_closed",
    )


def _reviewing_unit(petition: Petition, level: str):
    """Return the body above the one whose answer is challenged, when the unit tree knows it."""
    if level == ReviewLevel.REVIEW:
        unit = petition.replies.filter(stage=Stage.REPLY).order_by("-id").first()
        answering = unit.unit if unit else petition.assigned_unit
    else:
        earlier = petition.review_requests.filter(level=ReviewLevel.REVIEW).order_by("-id").first()
        answering = earlier.reviewing_unit if earlier else None
    return answering.parent if answering is not None else None


def pending_review(petition: Petition, level: str | None = None) -> ReviewRequest | None:
    """Return the latest review or re-review request still waiting for its opinion, if any."""
    waiting = petition.review_requests.filter(decision__isnull=True)
    if level is not None:
        waiting = waiting.filter(level=level)
    return waiting.select_related("reviewing_unit").order_by("-id").first()


def may_decide(user: Any, petition: Petition, review: ReviewRequest | None) -> bool:
    """Return whether ``user`` may give the opinion on ``review``.

    The reviewing unit is the body above the unit whose written reply is
    challenged (art. 35 and 36). Only users with a handling role in the
    reviewing unit, and superusers, may give its opinion. When the unit tree
    names no reviewing unit, only superusers and city-wide administrators may.
    """
    if review is None or not visibility.can_see(user, petition):
        return False
    if user.is_superuser:
        return True
    unit = review.reviewing_unit
    if unit is None:
        return scope_for(user, write=True).everything
    return any(own.pk == unit.pk for own in visibility.units_of(user, visibility.HANDLING_ROLES))


def require_decider(user: Any, petition: Petition, review: ReviewRequest) -> None:
    """Raise PermissionDenied naming the reviewing unit unless ``may_decide`` allows ``user``."""
    if may_decide(user, petition, review):
        return
    level = ReviewLevel(review.level).label
    if review.reviewing_unit is None:
        raise PermissionDenied(
            _("Petition %(code)s has no reviewing unit on record, because the unit whose answer "
              "is challenged has no unit above it; only a city-wide administrator may give the "
              "%(level)s opinion.")
            % {"code": petition.printed_code, "level": level}
        )
    raise PermissionDenied(
        _("Only staff of %(unit)s, the reviewing unit, may give the %(level)s opinion on "
          "petition %(code)s.")
        % {"unit": review.reviewing_unit.name, "level": level, "code": petition.printed_code}
    )


def request_review(petition: Petition, *, reason: str, level: str = ReviewLevel.REVIEW,
                   requested_on: datetime.date | None = None,
                   actor: Any = None) -> ReviewRequest:
    """Record the reporter's request for review or re-review of a request's written answer.

    ``actor`` is None when the reporter asks through the tracking code, or
    the staff member entering a request that came by letter or visit.
    Raises ValidationError naming the deadline when the window has closed.
    """
    reason = required_text(reason, _("The reason for the request"))
    requested_on = requested_on or today()
    spec = LEVELS[ReviewLevel(level)]
    with transaction.atomic():
        petition = locked(petition)
        if actor is not None:
            visibility.require(visibility.can_handle(actor, petition))
        if petition.kind != Kind.REQUEST:
            raise ValidationError(
                _("Only requests can be reviewed; petition %(code)s is a %(kind)s.")
                % {"code": tracking.format_code(petition.tracking_code),
                   "kind": petition.get_kind_display()},
                code="not_reviewable",
            )
        if petition.is_final:
            closed_on = timezone.localdate(petition.closed_at) if petition.closed_at else None
            raise ValidationError(
                _("Petition %(code)s was closed for good after re-review on %(date)s; under the "
                  "Petition Work Regulation art. 36 it cannot be reviewed again.")
                % {"code": tracking.format_code(petition.tracking_code),
                   "date": closed_on.isoformat() if closed_on else "-"},
                code="closed_for_good",
            )
        expect_state(petition, str(ReviewLevel(level).label), spec.requested_in)
        _check_window(petition, level, requested_on)
        decision = deadlines.compute(spec.decision, requested_on, region=petition.region)
        review = create_row(actor, ReviewRequest(
            petition=petition, level=level, reason=reason, requested_on=requested_on,
            reviewing_unit=_reviewing_unit(petition, level), due_on=decision.due,
        ))
        changes = {"state": spec.during, "due_on": decision.due, "due_rule": decision.rule,
                   "review_until": None}
        record(actor, petition, spec.request, changes, on=requested_on, reason=reason,
               unit_id=review.reviewing_unit_id, deadlines=[decision], public=True,
               by_reporter=actor is None)
    logger.info("petition %s: %s requested", petition.pk, level)
    return review


def decide_review(actor: Any, petition: Petition, *, text: str, outcome: str,
                  level: str = ReviewLevel.REVIEW,
                  delivered_on: datetime.date | None = None) -> Reply:
    """Give the review or re-review opinion; a re-review opinion closes the matter for good.

    Only the reviewing unit may give it (``may_decide``); anyone else gets
    PermissionDenied naming that unit.
    """
    text = required_text(text, _("The opinion text"))
    delivered_on = delivered_on or today()
    spec = LEVELS[ReviewLevel(level)]
    with transaction.atomic():
        petition = locked(petition)
        visibility.require(visibility.can_handle(actor, petition))
        expect_state(petition, str(ReviewLevel(level).label), spec.during)
        review = petition.review_requests.select_for_update().filter(
            level=level, decision__isnull=True).latest("id")
        require_decider(actor, petition, review)
        check_outcome(petition, outcome)
        opinion = create_row(actor, Reply(
            petition=petition, stage=spec.stage, text=text, outcome=outcome,
            unit=review.reviewing_unit, author=actor, delivered_on=delivered_on,
        ))
        update_row(actor, review, {"decision_id": opinion.pk}, expected_version=review.version)
        changes, found = _decision_changes(petition, spec, delivered_on)
        record(actor, petition, spec.decide, changes, deadlines=found, public=True)
    logger.info("petition %s: %s decided", petition.pk, level)
    return opinion


def _decision_changes(petition: Petition, spec: LevelSpec, delivered_on: datetime.date) -> tuple[dict, list]:
    changes: dict[str, Any] = {"due_on": None, "due_rule": ""}
    if spec.next_window is None:
        changes.update(state=State.CLOSED, is_final=True, closed_at=timezone.now(),
                       review_until=None)
        return changes, []
    window = deadlines.compute(spec.next_window, delivered_on, region=petition.region)
    changes.update(state=State.REVIEWED, review_until=window.due)
    return changes, [window]


def request_re_review(petition: Petition, *, reason: str,
                      requested_on: datetime.date | None = None,
                      actor: Any = None) -> ReviewRequest:
    return request_review(petition, reason=reason, level=ReviewLevel.RE_REVIEW,
                          requested_on=requested_on, actor=actor)


def decide_re_review(actor: Any, petition: Petition, *, text: str, outcome: str,
                     delivered_on: datetime.date | None = None) -> Reply:
    return decide_review(actor, petition, text=text, outcome=outcome,
                         level=ReviewLevel.RE_REVIEW, delivered_on=delivered_on)
