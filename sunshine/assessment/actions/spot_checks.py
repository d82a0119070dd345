"""Planning, drawing, performing and cancelling spot checks (四不两直).

"No notice, no greeting, no briefing, no escort; straight to the grass
roots and the site": nothing about a planned check reaches the target unit
before it is performed. Messages go only to recipients for whom
``visibility.may_see`` holds, and the target unit's leaders hear of the
check only with its result.
"""

import datetime
import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.assessment import draw, photos, visibility
from sunshine.assessment.actions.common import parse_score
from sunshine.assessment.actions.notices import performed_messages, planned_messages
from sunshine.assessment.actions.rectification import create_rectification, on_spot_check_failed
from sunshine.assessment.models import (
    CheckStatus,
    Rating,
    SpotCheck,
    SpotCheckInspector,
    SpotCheckPhoto,
)
from sunshine.assessment.models.tenths import to_tenths
from sunshine.audit import chain
from sunshine.audit.models import AuditEntry
from sunshine.duties import locks
from sunshine.duties.actions.batch import Batch
from sunshine.duties.periods import quarter_of
from sunshine.notify.outbox import queue_on_commit
from sunshine.organisation.models import Person, Role, Unit
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

# How long before its planning entry a check's visit may lie (_check_performed_in_time).
PLANNING_GRACE = datetime.timedelta(days=1)

CHECK_TYPE = chain.object_type_of(SpotCheck)
COORDINATE = Decimal("0.000001")
PLAN_AHEAD_DAYS = "assessment.plan_ahead_days"


def plan_spot_check(actor: Any, *, title: str, target_unit: Unit, planned_on: datetime.date,
                    inspectors: Sequence[Any], follow_up_of: SpotCheck | None = None,
                    draw_seed: str = "", draw_candidates: Sequence[int] = ()) -> SpotCheck:
    """Plan a check of ``target_unit``; only inspectors covering it and its chain's outsiders may."""
    check_planner(actor, target_unit)
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Enter a title for the spot check"), code="title_missing")
    if planned_on < timezone.localdate():
        raise ValidationError(_("Planned date %(date)s is in the past; choose today or a later "
                                "day") % {"date": planned_on}, code="planned_in_past")
    ahead = get_setting(PLAN_AHEAD_DAYS, region=target_unit.region)
    if planned_on > timezone.localdate() + datetime.timedelta(days=ahead):
        raise ValidationError(_("Planned date %(date)s is more than %(days)s days ahead; choose "
                                "a date within that period") % {"date": planned_on, "days": ahead},
                              code="planned_too_far")
    team = check_inspectors(inspectors, target_unit)
    check = SpotCheck(title=title, target_unit=target_unit, planned_on=planned_on,
                      planned_by=actor, follow_up_of=follow_up_of, draw_seed=draw_seed,
                      draw_candidates=list(draw_candidates))
    with transaction.atomic():
        batch = Batch()
        batch.insert(check)
        for user in team:
            batch.insert(SpotCheckInspector(spot_check=check, user=user))
        # The entry leaves out the target (see SpotCheck.audit_withheld).
        batch.commit(actor, "plan", object_type=CHECK_TYPE, object_id=check.pk,
                     changes={"inspectors": [u.pk for u in team]})
        queue_on_commit(planned_messages(check, [actor, *team]))
    logger.info("spot check %s planned by user %s", check.pk, actor.pk)
    return check


def check_planner(actor: Any, unit: Unit) -> None:
    if not visibility.may_plan(actor, unit):
        raise PermissionDenied(_("Only a discipline inspector whose region covers “%(unit)s”, "
                                 "and who does not work in it or above it, may plan a spot "
                                 "check of it.") % {"unit": unit})


def check_inspectors(inspectors: Sequence[Any], unit: Unit) -> list[Any]:
    """Return the team; each member is an inspector or evaluator outside the target's chain."""
    team = list(dict.fromkeys(inspectors))
    if not team:
        raise ValidationError(_("Choose at least one inspector for the spot check"),
                              code="inspectors_missing")
    for user in team:
        roles = set(user.assignments.values_list("role", flat=True))
        if not roles & {Role.INSPECTOR, Role.EVALUATOR} or visibility.works_in_or_above(user, unit):
            raise ValidationError(
                _("“%(user)s” cannot go on this check: members must be discipline inspectors or "
                  "evaluators who do not work in “%(unit)s” or a unit above it")
                % {"user": user.get_username(), "unit": unit}, code="inspector_invalid")
    return team


def draw_spot_check(actor: Any, *, candidates: Sequence[Unit], title: str,
                    planned_on: datetime.date, inspectors: Sequence[Any]) -> SpotCheck:
    """Plan a check of a unit drawn at random from ``candidates``, keeping seed and candidates."""
    ids = sorted({unit.pk for unit in candidates})
    if len(ids) < 2:
        raise ValidationError(_("A random draw needs at least two candidate units; choose more "
                                "units or plan the check directly"), code="too_few_candidates")
    units = {unit.pk: unit for unit in candidates}
    for unit in units.values():
        check_planner(actor, unit)
    seed = draw.new_seed()
    target = units[draw.redraw(seed, ids)]
    return plan_spot_check(actor, title=title, target_unit=target, planned_on=planned_on,
                           inspectors=inspectors, draw_seed=seed, draw_candidates=ids)


def perform_spot_check(actor: Any, check: SpotCheck, *, performed_at: datetime.datetime,
                       findings: str, score: Any, location: str = "",
                       latitude: Decimal | None = None, longitude: Decimal | None = None,
                       files: list | None = None,
                       responsible_person: Person | None = None) -> SpotCheck:
    """Record what the inspectors found; a poor rating creates the rectification task."""
    if not visibility.may_perform(actor, check):
        raise PermissionDenied(_("Only the inspectors of this spot check may record its result."))
    changes = result_changes(check, performed_at=performed_at, findings=findings, score=score,
                             location=location, latitude=latitude, longitude=longitude,
                             responsible_person=responsible_person)
    region = check.target_unit.region
    files = files or []
    types = photos.check_photos(files, region=region)
    stored: list[str] = []
    try:
        with transaction.atomic():
            check = _write_result(actor, check, changes, files, types, stored)
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    logger.info("spot check %s performed by user %s, rating %s", check.pk, actor.pk,
                check.rating)
    return check


def result_changes(check: SpotCheck, *, performed_at, findings, score, location, latitude,
                   longitude, responsible_person) -> dict[str, Any]:
    """Check the result's values; return the field changes that record it."""
    if check.status != CheckStatus.PLANNED:
        raise ValidationError(_("Spot check “%(check)s” is %(status)s; only a planned check "
                                "can be performed") % {"check": check,
                                                       "status": check.get_status_display()},
                              code="not_planned")
    if performed_at > timezone.now():
        raise ValidationError(_("Time %(value)s is in the future; record a check once it is "
                                "done") % {"value": timezone.localtime(performed_at)},
                              code="future")
    _check_performed_in_time(check, performed_at)
    if not (findings or "").strip():
        raise ValidationError(_("Describe what the inspectors found, even when all was in "
                                "order"), code="findings_missing")
    value = parse_score(score, label=_("Score"))
    if responsible_person is not None and responsible_person.unit_id != check.target_unit_id:
        raise ValidationError(_("“%(person)s” does not work in “%(unit)s”; choose a person of "
                                "the checked unit") % {"person": responsible_person,
                                                       "unit": check.target_unit},
                              code="person_other_unit")
    latitude, longitude = coordinates(latitude, longitude)
    return {"status": CheckStatus.PERFORMED, "performed_at": performed_at,
            "findings": findings.strip(), "score_tenths": to_tenths(value),
            "rating": rating_for(value, check), "location": (location or "").strip(),
            "latitude": latitude, "longitude": longitude,
            "responsible_person": responsible_person}


def _check_performed_in_time(check: SpotCheck, performed_at: datetime.datetime) -> None:
    """Reject a visit long before the check was planned, or in a locked quarter.

    A check is unannounced, so it is planned before the visit. Its score
    counts in the composite score of its quarter, which a lock closes. A
    visit up to a day before the planning entry is accepted, because a team
    may enter the plan only after setting out, also across midnight.
    """
    planned_at = (AuditEntry.objects.filter(object_type=chain.object_type_of(SpotCheck),
                                            object_id=str(check.pk))
                  .order_by("id").values_list("at", flat=True).first())
    if planned_at is not None and performed_at < planned_at - PLANNING_GRACE:
        raise ValidationError(
            _("Time %(value)s is before the day the check was planned, %(planned)s; enter when "
              "the inspectors were on site.") % {
                "value": timezone.localtime(performed_at).strftime("%Y-%m-%d %H:%M"),
                "planned": timezone.localdate(planned_at).isoformat()},
            code="before_planned")
    state = locks.lock_state(check.target_unit.region.county(),
                             quarter_of(timezone.localdate(performed_at)))
    if state.locked:
        raise ValidationError(
            _("The quarter %(period)s is locked for %(place)s since %(since)s, so a check "
              "performed in it can no longer be recorded; enter when the inspectors were on "
              "site, or ask an administrator to unlock the quarter.") % locks.lock_values(state),
            code="period_locked")


def coordinates(latitude: Decimal | None, longitude: Decimal | None
                ) -> tuple[Decimal | None, Decimal | None]:
    if latitude is None and longitude is None:
        return None, None
    if longitude is None:
        raise ValidationError(_("Longitude missing for latitude %(latitude)s; give both "
                                "latitude (−90 to 90) and longitude (−180 to 180), or neither")
                              % {"latitude": latitude}, code="coordinates")
    if latitude is None:
        raise ValidationError(_("Latitude missing for longitude %(longitude)s; give both "
                                "latitude (−90 to 90) and longitude (−180 to 180), or neither")
                              % {"longitude": longitude}, code="coordinates")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError(_("Location %(latitude)s, %(longitude)s is invalid; give both "
                                "latitude (−90 to 90) and longitude (−180 to 180), or neither")
                              % {"latitude": latitude, "longitude": longitude},
                              code="coordinates")
    return latitude.quantize(COORDINATE), longitude.quantize(COORDINATE)


def rating_for(score: Decimal, check: SpotCheck) -> str:
    """Return the rating band of ``score`` under ``assessment.spot_check_bands``."""
    bands = get_setting("assessment.spot_check_bands", region=check.target_unit.region)
    for rating in (Rating.EXCELLENT, Rating.GOOD, Rating.FAIR):
        if score >= Decimal(str(bands[rating.value])):
            return rating
    return Rating.POOR


def _write_result(actor, check, changes, files, types, stored) -> SpotCheck:
    batch = Batch()
    check, diff = batch.update(check, changes)
    for upload, file_type in zip(files, types, strict=True):
        fields = photos.store(upload, file_type)
        stored.append(fields["stored_name"])
        batch.insert(SpotCheckPhoto(spot_check=check, **fields))
    batch.commit(actor, "perform", object_type=CHECK_TYPE, object_id=check.pk,
                 changes={**diff, "photos": len(files)})
    if check.failed:
        create_rectification(actor, check)
        on_spot_check_failed(actor, check)
    queue_on_commit(performed_messages(check))
    return check


def cancel_spot_check(actor: Any, check: SpotCheck, *, reason: str) -> SpotCheck:
    """Call off a planned check, with the reason; it stays invisible to the target unit."""
    if not visibility.may_perform(actor, check):
        raise PermissionDenied(_("Only the inspectors of this spot check may cancel it."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write why the check is cancelled; the reason is kept in the "
                                "record"), code="reason_missing")
    if check.status != CheckStatus.PLANNED:
        raise ValidationError(_("Spot check “%(check)s” is %(status)s; only a planned check "
                                "can be cancelled") % {"check": check,
                                                       "status": check.get_status_display()},
                              code="not_planned")
    with transaction.atomic():
        batch = Batch()
        check, diff = batch.update(check, {"status": CheckStatus.CANCELLED,
                                           "cancel_reason": reason})
        batch.commit(actor, "cancel", object_type=CHECK_TYPE, object_id=check.pk, changes=diff)
    return check


def plan_follow_up(actor: Any, task: Any, *, planned_on: datetime.date,
                   inspectors: Sequence[Any]) -> SpotCheck:
    """Plan a follow-up review (回头看) of the failed check whose rectification task is ``task``."""
    original = SpotCheck.objects.filter(rectification_task=task).select_related(
        "target_unit").first()
    if original is None:
        raise ValidationError(_("Task “%(task)s” is not the rectification of a spot check; a "
                                "follow-up review starts from such a task") % {"task": task},
                              code="not_rectification")
    if not visibility.may_see(actor, original):
        raise PermissionDenied(_("Only a discipline inspector who may see the original check "
                                 "may plan its follow-up review."))
    title = _("Follow-up review: %(title)s") % {"title": original.title}
    return plan_spot_check(actor, title=title, target_unit=original.target_unit,
                           planned_on=planned_on, inspectors=inspectors, follow_up_of=original)
