"""Recording and editing quarterly third-party evaluations."""

import logging
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.assessment.actions.common import has_role, parse_score
from sunshine.assessment.actions.deductions import settle_unit
from sunshine.assessment.models import Evaluation
from sunshine.assessment.models.tenths import to_tenths
from sunshine.assessment.quarters import parse_quarter, quarters_before
from sunshine.audit.actions import create_row, update_row
from sunshine.duties import locks
from sunshine.duties.periods import Period, quarter_of
from sunshine.organisation.models import Role, Unit
from sunshine.organisation.scoping import scope_for
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

PAST_QUARTERS = "assessment.evaluation_past_quarters"


def require_evaluator(actor: Any, unit: Unit) -> None:
    """Allow evaluators whose scope covers the unit, and superusers."""
    if actor.is_superuser:
        return
    if not has_role(actor, Role.EVALUATOR) or not scope_for(actor).contains(unit):
        raise PermissionDenied(_("Only a third-party evaluator assigned to the region of "
                                 "“%(unit)s” may evaluate it.") % {"unit": unit})


def check_quarter_open(period: Period, unit: Unit) -> None:
    """Reject a quarter that has not started, lies too far back or is locked.

    The limit is ``assessment.evaluation_past_quarters`` quarters before the
    current one, because a late score rewrites settled composite scores. A
    quarter that an administrator locked for the unit's county keeps the
    scores already reported until it is unlocked. The automatic lock of
    progress reports leaves evaluations open.
    """
    today = timezone.localdate()
    current = quarter_of(today)
    if period.start > today:
        raise ValidationError(
            _("Quarter %(quarter)s has not started yet; evaluate a quarter once it has begun, "
              "such as the current quarter %(current)s") % {"quarter": period.key,
                                                          "current": current.key},
            code="quarter_future")

    count = get_setting(PAST_QUARTERS, region=unit.region)
    earliest = quarters_before(current, count)
    if period.start < earliest.start:
        raise ValidationError(
            _("Quarter %(quarter)s is more than %(count)s quarters before the current quarter "
              "%(current)s; evaluations are open from %(earliest)s to %(current)s") % {
                "quarter": period.key, "count": count, "current": current.key,
                "earliest": earliest.key},
            code="quarter_too_old")

    state = locks.lock_state(unit.region.county(), period, today, automatic=False)
    if state.locked:
        raise ValidationError(
            _("The quarter %(period)s is locked for %(place)s since %(since)s, so its "
              "evaluations can no longer be recorded or changed; %(unlockers)s can unlock it")
            % locks.lock_values(state),
            code="period_locked")


def record_evaluation(actor: Any, *, unit: Unit, quarter: str, score: Any,
                      comments: str = "") -> Evaluation:
    """Record an evaluator's score of a unit for a quarter; a second one for the same quarter is rejected."""
    require_evaluator(actor, unit)
    period = parse_quarter(quarter)
    check_quarter_open(period, unit)
    value = parse_score(score, label=_("Score"))
    evaluation = Evaluation(evaluator=actor, unit=unit, quarter=period.key,
                            score_tenths=to_tenths(value), comments=(comments or "").strip(),
                            evaluated_at=timezone.now())
    existing = Evaluation.objects.filter(evaluator=actor, unit=unit, quarter=period.key).first()
    if existing is not None:
        raise duplicate_error(existing)
    try:
        with transaction.atomic():
            create_row(actor, evaluation)
            settle_unit(actor, unit, period)
    except IntegrityError:
        # Another request by the same evaluator won the race for the unique key.
        raise duplicate_error(Evaluation.objects.get(evaluator=actor, unit=unit,
                                                     quarter=period.key)) from None
    logger.info("evaluation %s of unit %s for %s recorded by user %s", evaluation.pk, unit.pk,
                period.key, actor.pk)
    return evaluation


def duplicate_error(existing: Evaluation) -> ValidationError:
    return ValidationError(
        _("You already evaluated “%(unit)s” for %(quarter)s (score %(score)s); edit that "
          "evaluation instead of adding another") % {
            "unit": existing.unit, "quarter": existing.quarter, "score": existing.score},
        code="duplicate_evaluation")


def update_evaluation(actor: Any, evaluation: Evaluation, *, score: Any, comments: str,
                      expected_version: int | None) -> Evaluation:
    """Change the score or comments of one's own evaluation, rejecting a stale edit."""
    if not actor.is_superuser and evaluation.evaluator_id != actor.pk:
        raise PermissionDenied(_("Only the evaluator who wrote an evaluation may edit it."))
    check_quarter_open(parse_quarter(evaluation.quarter), evaluation.unit)
    value: Decimal = parse_score(score, label=_("Score"))
    changes = {"score_tenths": to_tenths(value), "comments": (comments or "").strip(),
               "evaluated_at": timezone.now()}
    with transaction.atomic():
        evaluation = update_row(actor, evaluation, changes, expected_version=expected_version)
        settle_unit(actor, evaluation.unit, parse_quarter(evaluation.quarter))
    return evaluation
