"""Merit points in the JSON API under /api/v1/; every endpoint needs a token.

- ``GET /points/mine/``: the token user's own ledger.
- ``GET /points/``: entries inside the scope of a leader, discipline
  inspector or administrator, filtered by person, unit and period; other
  users get 403.
- ``GET /points/rankings/``: persons of a unit or region ranked by points
  in a period, or ``too_small`` when the group is below the minimum sample;
  one page of rows at a time, with the page bounds of every other list.
"""

import datetime
from dataclasses import asdict
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from sunshine.api.api import BoundedPagination
from sunshine.api.pagination import MAX_PAGE_SIZE, PAGE_SIZE
from sunshine.api.responses import method_not_allowed
from sunshine.api.schemas import ErrorOut
from sunshine.duties.api import private_answers, staff_user
from sunshine.duties.periods import Period
from sunshine.merit.forms import MAX_ID, PERSON_ID_RANGE
from sunshine.merit.models import PointEntry, PointEntryQuerySet
from sunshine.merit.rankings import points_period, ranking_page
from sunshine.merit.views.common import is_ledger_reader
from sunshine.organisation.models import Region, Unit
from sunshine.organisation.scoping import region_in_scope, scope_for, scoped

router = Router(tags=["merit points"])
router.add_decorator(private_answers, mode="view")

PERIOD = "A year (2026), quarter (2026Q1) or month (2026-03); the current quarter when left out."


class EntryOut(Schema):
    id: int
    person_id: int
    person: str
    unit: str
    rule_code: str
    rule_name: str
    rule_points: int = Field(description="Points the rule version gives, before the cap.")
    rule_effective_from: datetime.date = Field(description="Day the rule version took effect.")
    points: int = Field(description="Points counted, after the quarterly cap.")
    kind: str = Field(description="posting, reversal or exemption.")
    reverses_id: int | None = Field(description="Entry cancelled by this reversal or offset.")
    period: str = Field(description="Quarter of the event, e.g. 2026Q1.")
    occurred_on: datetime.date
    cause_type: str = Field(description="Model of the event, e.g. duties.task.")
    cause_id: int
    cause: str
    reason: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_person(entry: PointEntry) -> str:
        return entry.person.name

    @staticmethod
    def resolve_unit(entry: PointEntry) -> str:
        return entry.person.unit.name

    @staticmethod
    def resolve_rule_name(entry: PointEntry) -> str:
        return _(entry.rule.name)

    @staticmethod
    def resolve_rule_effective_from(entry: PointEntry) -> datetime.date:
        return entry.rule.effective_from

    @staticmethod
    def resolve_cause_type(entry: PointEntry) -> str:
        return f"{entry.cause_type.app_label}.{entry.cause_type.model}"

    @staticmethod
    def resolve_cause(entry: PointEntry) -> str:
        return entry.cause_label


class EntryFilter(Schema):
    person: int | None = Field(None, description="Id of a person in scope.")
    unit: int | None = Field(None, description="Id of a unit; its sub-units are included.")
    period: str = Field("", description=PERIOD)


class RankRowOut(Schema):
    rank: int
    person_id: int
    name: str
    unit: str
    total: int


class RankingOut(Schema):
    scope: str = Field(description="Name of the unit or region ranked.")
    period: str
    sample: int = Field(description="Persons in the unit or region.")
    min_sample: int = Field(description="Fewest persons needed for a ranking.")
    too_small: bool = Field(description="True when the sample is below the minimum; then "
                                        "rows is empty.")
    rows: list[RankRowOut] = Field(description="The ranked persons on this page; empty when "
                                               "too_small or past the last page.")
    page: int = Field(description="Number of this page, from 1.")
    page_size: int = Field(description="Rows per page used: the requested page_size, cut to "
                                       f"{MAX_PAGE_SIZE} when larger, or {PAGE_SIZE} without "
                                       "one.")
    next_page: int | None = Field(description="Number of the next page, or null on the last "
                                              "page.")


def entries() -> QuerySet:
    return PointEntry.objects.select_related("person__unit", "rule", "cause_type")


def period_of(text: str) -> Period:
    try:
        return points_period(text)
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from None


@router.get("/points/mine/", response={200: list[EntryOut], 401: ErrorOut},
            url_name="points_mine")
@paginate(BoundedPagination)
def my_points(request: HttpRequest):
    """List the token user's own entries, newest first."""
    user = staff_user(request)
    return entries().filter(person__user=user)


@router.get("/points/", response={200: list[EntryOut], 400: ErrorOut, 401: ErrorOut,
                                  403: ErrorOut}, url_name="points")
@paginate(BoundedPagination)
def list_points(request: HttpRequest, filters: EntryFilter = Query(...)):  # noqa: B008
    """List entries in scope for leaders, discipline inspectors and administrators."""
    user = staff_user(request)
    if not is_ledger_reader(user):
        raise HttpError(403, _("Only leaders, discipline inspectors and administrators see other "
                               "people's points; use /api/v1/points/mine/ for your own."))
    found = cast(PointEntryQuerySet, scoped(entries(), user))
    if filters.person is not None:
        if not 1 <= filters.person <= MAX_ID:
            raise HttpError(400, PERSON_ID_RANGE % {"value": filters.person})
        found = found.filter(person_id=filters.person)
    if filters.unit:
        found = found.filter(person__unit__path__startswith=unit_in_scope(user, filters.unit).path)
    if filters.period:
        period = period_of(filters.period)
        found = found.between(period.start, period.end)
    return found


def unit_in_scope(user: Any, unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).select_related("region").first()
    if unit is None or not scope_for(user).contains(unit):
        raise HttpError(400, _("Unit %(value)s is unknown or outside your scope; use the id of "
                               "a unit you may read") % {"value": unit_id})
    return unit


def readable_region(user: Any, code: str) -> Region:
    try:
        return region_in_scope(user, code)
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from None


@router.get("/points/rankings/", response={200: RankingOut, 400: ErrorOut, 401: ErrorOut},
            url_name="points_rankings")
def points_rankings(request: HttpRequest,
                    unit: int | None = Query(None, description="Id of a unit to rank."),
                    region: str = Query("", description="Statistical code of a region to rank, "
                                                        "when no unit is given."),
                    period: str = Query("", description=PERIOD),
                    pages: BoundedPagination.Input = Query(...)):  # noqa: B008
    """Rank the persons of a unit or region by their points in a period, one page at a time."""
    user = staff_user(request)
    if unit is not None:
        target: Region | Unit = unit_in_scope(user, unit)
    elif region:
        target = readable_region(user, region)
    else:
        raise HttpError(400, _("Give a unit id (unit=12) or a region code (region=331002) to "
                               "rank"))
    paginator = BoundedPagination()
    page_size = min(pages.page_size or paginator.page_size, paginator.max_page_size)
    offset = (pages.page - 1) * page_size
    ranking = ranking_page(period_of(period), target, offset=offset, limit=page_size)
    has_next = not ranking.too_small and offset + page_size < ranking.sample
    return {"scope": target.name, "period": ranking.period.key, "sample": ranking.sample,
            "min_sample": ranking.min_sample, "too_small": ranking.too_small,
            "rows": [asdict(row) for row in ranking.rows], "page": pages.page,
            "page_size": page_size, "next_page": pages.page + 1 if has_next else None}


@router.api_operation(["POST", "PUT", "PATCH", "DELETE"], "/points/mine/",
                      include_in_schema=False, auth=None)
def reject_mine(request: HttpRequest):
    return method_not_allowed(request, "GET")


@router.api_operation(["POST", "PUT", "PATCH", "DELETE"], "/points/", include_in_schema=False,
                      auth=None)
def reject_points(request: HttpRequest):
    return method_not_allowed(request, "GET")


@router.api_operation(["POST", "PUT", "PATCH", "DELETE"], "/points/rankings/",
                      include_in_schema=False, auth=None)
def reject_rankings(request: HttpRequest):
    return method_not_allowed(request, "GET")
