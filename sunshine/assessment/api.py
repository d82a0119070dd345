"""Assessment data in the JSON API under /api/v1/; every endpoint needs a token.

- ``GET /assessment/scores/?period=2026Q4&region=331002``: composite scores
  of the units in a region inside the caller's scope, with each component.
- ``GET /assessment/evaluations/?period=2026Q4``: evaluations in scope.
- ``GET /assessment/spot-checks/`` and ``/assessment/spot-checks/{id}/``:
  only the checks the caller may see under the secrecy rule; a hidden check
  is 404 like an unknown id.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from sunshine.api.pagination import BoundedPagination
from sunshine.api.responses import method_not_allowed
from sunshine.api.schemas import ErrorOut
from sunshine.assessment.models import Evaluation, SpotCheck
from sunshine.assessment.quarters import parse_quarter
from sunshine.assessment.scores import Composite, scores_for_units
from sunshine.assessment.visibility import visible_spot_checks
from sunshine.duties.api import private_answers, staff_user
from sunshine.duties.periods import Period, quarter_of
from sunshine.duties.views.rates import home_region
from sunshine.organisation.models import Region, Unit, UnitKind
from sunshine.organisation.scoping import region_in_scope, scoped

router = Router(tags=["effectiveness assessment"])
router.add_decorator(private_answers, mode="view")

SCORE = "Decimal string with one place from 0 to 100, e.g. \"87.5\", or null when missing."


class PeriodFilter(Schema):
    period: str = Field("", description="Quarter written as 2026Q4; the current one when empty.")
    region: str = Field("", description="Statistical code of a region in scope.")


class ComponentOut(Schema):
    name: str = Field(description="satisfaction, execution, evaluation or spot_check.")
    value: str | None = Field(description=SCORE)
    weight: str = Field(description="Configured weight in percent.")
    records: int = Field(description="Responses, tasks due, evaluations or checks behind it.")


class ScoreOut(Schema):
    unit_id: int
    unit: str
    region: str
    period: str
    score: str | None = Field(description=SCORE)
    before_deductions: str | None
    deductions: str
    complete: bool = Field(description="False when a weighted component had no data and the "
                                       "remaining weights were scaled to 100%.")
    missing: list[str]
    components: list[ComponentOut]


class EvaluationOut(Schema):
    id: int
    unit_id: int
    unit: str
    quarter: str
    score: str
    comments: str
    evaluator: str
    evaluated_at: datetime.datetime


class SpotCheckOut(Schema):
    id: int
    title: str
    target_unit_id: int
    target_unit: str
    planned_on: datetime.date
    status: str
    performed_at: datetime.datetime | None
    score: str | None
    rating: str
    findings: str
    rectification_task_id: int | None
    follow_up_of_id: int | None


def text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def score_row(composite: Composite) -> dict[str, Any]:
    return {
        "unit_id": composite.unit.pk, "unit": composite.unit.name,
        "region": composite.unit.region_id, "period": composite.period.key,
        "score": text(composite.score), "before_deductions": text(composite.before_deductions),
        "deductions": f"{composite.deduction_points:.1f}", "complete": composite.complete,
        "missing": composite.missing,
        "components": [{"name": part.name, "value": text(part.value),
                        "weight": f"{part.weight:.2f}",
                        "records": part.measure.count if part.measure else 0}
                       for part in composite.parts],
    }


def period_of(text_value: str) -> Period:
    if not text_value:
        return quarter_of(timezone.localdate())
    try:
        return parse_quarter(text_value)
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from None


def region_of(user: Any, code: str) -> Region:
    if not code:
        return home_region(user)
    try:
        return region_in_scope(user, code)
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from None


@router.get("/assessment/scores/", response={200: list[ScoreOut], 400: ErrorOut, 401: ErrorOut},
            url_name="assessment_scores")
@paginate(BoundedPagination)
def list_scores(request: HttpRequest, filters: PeriodFilter = Query(...)):  # noqa: B008
    """List the composite scores of the units in a region for a quarter, with each component."""
    user = staff_user(request)
    period = period_of(filters.period)
    region = region_of(user, filters.region)
    units = list(scoped(Unit.objects.exclude(kind=UnitKind.EVALUATOR), user)
                 .filter(region__path__startswith=region.path).select_related("region")
                 .order_by("region_id", "name"))
    composites = scores_for_units(units, period)
    return [score_row(composites[unit.pk]) for unit in units]


@router.get("/assessment/evaluations/",
            response={200: list[EvaluationOut], 400: ErrorOut, 401: ErrorOut},
            url_name="assessment_evaluations")
@paginate(BoundedPagination)
def list_evaluations(request: HttpRequest, filters: PeriodFilter = Query(...)):  # noqa: B008
    """List the third-party evaluations in scope for a quarter."""
    user = staff_user(request)
    period = period_of(filters.period)
    rows = scoped(Evaluation.objects.select_related("unit", "evaluator"), user).filter(
        quarter=period.key)
    if filters.region:
        rows = rows.filter(unit__region__path__startswith=region_of(user, filters.region).path)
    return [{"id": row.pk, "unit_id": row.unit_id, "unit": row.unit.name, "quarter": row.quarter,
             "score": text(row.score), "comments": row.comments,
             "evaluator": row.evaluator.get_username(), "evaluated_at": row.evaluated_at}
            for row in rows.order_by("unit__name", "pk")]


def check_row(check: SpotCheck) -> dict[str, Any]:
    return {"id": check.pk, "title": check.title, "target_unit_id": check.target_unit_id,
            "target_unit": check.target_unit.name, "planned_on": check.planned_on,
            "status": check.status, "performed_at": check.performed_at,
            "score": text(check.score), "rating": check.rating, "findings": check.findings,
            "rectification_task_id": check.rectification_task_id,
            "follow_up_of_id": check.follow_up_of_id}


@router.get("/assessment/spot-checks/", response={200: list[SpotCheckOut], 401: ErrorOut},
            url_name="assessment_spot_checks")
@paginate(BoundedPagination)
def list_spot_checks(request: HttpRequest):
    """List the spot checks the caller may see: planned ones only for their inspectors."""
    checks = visible_spot_checks(staff_user(request)).select_related("target_unit")
    return [check_row(check) for check in checks.order_by("-planned_on", "-pk")]


@router.get("/assessment/spot-checks/{check_id}/",
            response={200: SpotCheckOut, 401: ErrorOut, 404: ErrorOut},
            url_name="assessment_spot_check")
def spot_check_detail(request: HttpRequest, check_id: int):
    """Return one spot check; a check hidden from the caller is 404 like an unknown id."""
    check = visible_spot_checks(staff_user(request)).select_related("target_unit").filter(
        pk=check_id).first()
    if check is None:
        raise HttpError(404, _("No spot check %(id)s is visible to you.") % {"id": check_id})
    return check_row(check)


@router.api_operation(["POST", "PUT", "PATCH", "DELETE"], "/assessment/scores/",
                      include_in_schema=False, auth=None)
def reject_scores(request: HttpRequest):
    return method_not_allowed(request, "GET")


@router.api_operation(["POST", "PUT", "PATCH", "DELETE"], "/assessment/evaluations/",
                      include_in_schema=False, auth=None)
def reject_evaluations(request: HttpRequest):
    return method_not_allowed(request, "GET")


@router.api_operation(["POST", "PUT", "PATCH", "DELETE"], "/assessment/spot-checks/",
                      include_in_schema=False, auth=None)
def reject_spot_checks(request: HttpRequest):
    return method_not_allowed(request, "GET")


@router.api_operation(["POST", "PUT", "PATCH", "DELETE"], "/assessment/spot-checks/{check_id}/",
                      include_in_schema=False, auth=None)
def reject_spot_check(request: HttpRequest, check_id: str):
    return method_not_allowed(request, "GET")
