"""Reports and petitions in the JSON API under /api/v1/.

- ``POST /reports/``: file a report, anonymously or with a token; the
  response carries the tracking code, the secret (shown only here) and
  the open deadlines as ISO dates. Limited per client address like the
  portal form, whose validation it shares. A client that sends a name
  and phone must first show the reporter the portal form's notice on
  personal information (Personal Information Protection Law arts. 14, 17).
- ``GET /reports/{tracking_code}/`` with the secret in ``X-Tracking-Secret``:
  status, public steps, replies and deadlines. A wrong secret and an
  unknown code get the same 404; repeated failures lock the look-up (429).
- ``GET /petitions/`` and ``GET /petitions/{id}/``: staff data with a
  token, through ``visible_petitions``; a petition outside the scope or
  one that accuses the token's user is 404 like an unknown id. The
  reporter's identity is never in the API.
"""

import datetime
import functools
import json
import logging
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictBool, StrictInt, ValidationInfo, field_validator

from sunshine.api.pagination import BoundedPagination
from sunshine.api.responses import method_not_allowed
from sunshine.api.schemas import ErrorOut
from sunshine.lib.client_address import client_ip
from sunshine.lib.text_input import is_blank
from sunshine.petitions import deadlines, receipts, tracking, visibility
from sunshine.petitions.actions.intake import RESUBMISSION_REFUSED
from sunshine.petitions.forms import FilterForm, ReportForm
from sunshine.petitions.models import Category, Channel, Kind, Petition, ReceivedReport, State
from sunshine.petitions.views import presenting
from sunshine.petitions.views.access import (
    IntakeLimited,
    intake_allowance,
)
from sunshine.petitions.views.listing import RELATED, apply_filters
from sunshine.petitions.views.submission import submit

logger = logging.getLogger(__name__)

router = Router(tags=["reports and petitions"])


def private_responses(run: Callable) -> Callable:
    """Keep every response of this router out of the shared public cache.

    A report's status depends on the secret in a header that the shared
    cache does not key on, and the staff responses depend on the token.
    """

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        response.public_cacheable = False  # type: ignore[attr-defined]
        return response

    return wrapper


router.add_decorator(private_responses, mode="view")

SECRET_HEADER = "X-Tracking-Secret"  # noqa: S105 - a header name, not a secret
ISO_DATE = "ISO 8601 date, e.g. 2026-03-17."


class CitizenReportIn(Schema):
    # A misspelt field, such as reporter_name for name, is an error instead of being dropped.
    model_config = ConfigDict(extra="forbid")

    kind: str = Field("", description="suggestion (建议意见), accusation (检举控告) or request "
                                      "(申诉求决).")
    category: str = Field("", description="Code of a public category.")
    region: str = Field("", description="Statistical code of the county or township, e.g. "
                                        "331002001.")
    text: str = Field("", description="What happened and what is asked for.")
    title: str = ""
    # Strict: true, 12.0 or "12" would otherwise be taken as a unit id, and the unit decides
    # whom a report is hidden from.
    target_unit: StrictInt | None = Field(None, description="Id of the unit concerned, if any.")
    person_name: str = Field("", description="Names of the officials concerned, if any, "
                                             "separated by “、” or commas.")
    project_code: str = Field("", description="Code of the public project concerned, if any.")
    location_text: str = ""
    latitude: str = Field("", description="WGS84 degrees.")
    longitude: str = Field("", description="WGS84 degrees.")
    # Strict, like the text fields: "yes" or 1 is an error, not a guess at true.
    anonymous: StrictBool | None = Field(
        None, description="Leave it out to decide by the body: a report with a name or phone is "
                          "named, one without them anonymous. false needs a name; true with a "
                          "name or phone is rejected, so that neither is silently dropped.")
    name: str = ""
    phone: str = Field("", description="Chinese mobile number, or landline with area code.")

    @field_validator("kind", "category", mode="before")
    @classmethod
    def choice_is_text(cls, value: Any, info: ValidationInfo) -> Any:
        """Reject a kind or category that is not text, listing the accepted codes."""
        if isinstance(value, str):
            return value
        accepted = accepted_kinds() if info.field_name == "kind" else accepted_categories()
        # The list ends a sentence of its own; the response's detail adds the final stop.
        raise ValueError(_("expected text in double quotes. %(accepted)s")
                         % {"accepted": accepted.rstrip(".。")})


class DeadlineOut(Schema):
    label: str = Field(description="What is due, in the request language.")
    due: datetime.date = Field(description=ISO_DATE)
    status: str = Field(description="on_time, due_soon or overdue.")


class ReceiptOut(Schema):
    tracking_code: str
    secret: str = Field(description="Shown only in this response; the reporter must keep it.")
    state: str
    state_label: str
    received_on: datetime.date = Field(description=ISO_DATE)
    deadlines: list[DeadlineOut]
    tracking_url: str = Field(description="The portal page where code and secret are entered.")


class ReportErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        description="Messages per field of the request body. A body that is not one JSON "
                    "object, or a value of the wrong JSON type, gets the API's general 400 "
                    "answer instead, whose errors are a list.")


class TimedOut(Schema):
    """A step with its time, given as Open311 gives times."""

    at: datetime.datetime = Field(
        description=f"Local time ({settings.TIME_ZONE}) with its offset, in whole seconds, as "
                    "in Open311, e.g. 2026-03-02T10:00:00+08:00.")

    @field_validator("at")
    @classmethod
    def local_seconds(cls, value: datetime.datetime) -> datetime.datetime:
        """Convert a step's time to TIME_ZONE and drop the fraction of a second."""
        # The default time zone, not the active one, because the body is kept for every reader.
        # status_json dumps this schema itself, without the API's renderer, which writes every
        # other time of the API in the same form.
        return timezone.localtime(value, timezone.get_default_timezone()).replace(microsecond=0)


class StepOut(TimedOut):
    label: str
    text: str
    unit: str


class ReplyOut(Schema):
    stage: str
    stage_label: str
    delivered_on: datetime.date = Field(description=ISO_DATE)
    outcome: str
    outcome_label: str
    text: str
    score: int | None = Field(description="The reporter's score from 1 to 5, if rated.")
    rating: str = Field(description="satisfied, partly or dissatisfied; empty until rated.")


class ExtensionOut(Schema):
    reason: str
    new_due: datetime.date | None = Field(description=ISO_DATE)


class StatusOut(Schema):
    tracking_code: str
    kind: str
    kind_label: str
    category: str
    state: str
    state_label: str
    received_on: datetime.date = Field(description=ISO_DATE)
    deadlines: list[DeadlineOut]
    review_until: datetime.date | None = Field(
        description="Last day to ask for a review, when a review is possible. " + ISO_DATE)
    steps: list[StepOut]
    replies: list[ReplyOut]
    extensions: list[ExtensionOut]


class PetitionSummary(Schema):
    id: int
    tracking_code: str
    kind: str
    category: str
    channel: str
    region_code: str
    region_name: str
    state: str
    state_label: str
    handling_unit: str | None
    received_on: datetime.date = Field(description=ISO_DATE)
    next_deadline: datetime.date | None = Field(description=ISO_DATE)
    deadline_status: str = Field(description="on_time, due_soon, overdue, or empty.")

    @staticmethod
    def resolve_category(petition: Petition) -> str:
        return petition.category.display_name

    @staticmethod
    def resolve_region_code(petition: Petition) -> str:
        return petition.region_id

    @staticmethod
    def resolve_region_name(petition: Petition) -> str:
        return petition.region.name

    @staticmethod
    def resolve_state_label(petition: Petition) -> str:
        return petition.get_state_display()

    @staticmethod
    def resolve_handling_unit(petition: Petition) -> str | None:
        return petition.assigned_unit.name if petition.assigned_unit else None

    @staticmethod
    def resolve_next_deadline(petition: Petition) -> datetime.date | None:
        pending = deadlines.open_deadlines(petition)
        return pending[0][1] if pending else None

    @staticmethod
    def resolve_deadline_status(petition: Petition) -> str:
        status = deadlines.petition_status(petition)
        return status.value if status else ""


class EventOut(TimedOut):
    action: str
    label: str
    by_reporter: bool
    actor_id: int | None
    unit: str
    text: str
    public: bool = Field(description="Whether the reporter sees this step.")


class PetitionDetail(PetitionSummary):
    title: str
    text: str
    anonymous: bool = Field(description="The reporter's identity is never in the API.")
    deadlines: list[DeadlineOut]
    events: list[EventOut]
    replies: list[ReplyOut]

    @staticmethod
    def resolve_anonymous(petition: Petition) -> bool:
        return petition.is_anonymous

    @staticmethod
    def resolve_deadlines(petition: Petition) -> list[dict[str, Any]]:
        return deadline_items(presenting.staff_deadlines(petition))

    @staticmethod
    def resolve_events(petition: Petition) -> list[dict[str, Any]]:
        events = petition.events.select_related("unit").order_by("at", "id")
        return [{"at": e.at, "action": e.action, "label": e.get_action_display(),
                 "by_reporter": e.by_reporter, "actor_id": e.actor_id,
                 "unit": e.unit.name if e.unit else "", "text": presenting.step_text(e),
                 "public": e.is_public} for e in events]

    @staticmethod
    def resolve_replies(petition: Petition) -> list[dict[str, Any]]:
        return reply_items(petition)


def deadline_items(rows: list[presenting.DeadlineRow]) -> list[dict[str, Any]]:
    return [{"label": str(row.label), "due": row.due, "status": row.status} for row in rows]


def reply_items(petition: Petition) -> list[dict[str, Any]]:
    return [{
        "stage": r.stage, "stage_label": r.get_stage_display(), "delivered_on": r.delivered_on,
        "outcome": r.outcome, "outcome_label": r.get_outcome_display() if r.outcome else "",
        "text": r.text, "score": r.score, "rating": r.rating,
    } for r in petition.replies.order_by("delivered_on", "id")]


def form_data(body: CitizenReportIn) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update(form_fields(body))
    return data


def form_fields(body: CitizenReportIn) -> dict[str, str]:
    """Return the report form's data for a request body, field by field."""
    return {
        "kind": body.kind, "category": body.category, "region": body.region,
        "text": body.text, "title": body.title,
        "target_unit": "" if body.target_unit is None else str(body.target_unit),
        "person_name": body.person_name, "project_code": body.project_code,
        "location_text": body.location_text, "latitude": body.latitude,
        "longitude": body.longitude, "identity": "anonymous" if is_anonymous(body) else "named",
        "reporter_name": body.name, "reporter_phone": body.phone,
    }


def gives_identity(body: CitizenReportIn) -> bool:
    return not (is_blank(body.name) and is_blank(body.phone))


def is_anonymous(body: CitizenReportIn) -> bool:
    if body.anonymous is None:
        return not gives_identity(body)
    return body.anonymous


def identity_conflict(body: CitizenReportIn) -> dict[str, Any] | None:
    """Return the 400 body for a report marked anonymous that names its reporter, else None."""
    if not (body.anonymous and gives_identity(body)):
        return None
    message = _("The report is marked anonymous but carries a name or phone number; remove "
                "them, or send \"anonymous\": false to report under your name.")
    return {"detail": _("The report was not filed: %(problems)s")
            % {"problems": f"anonymous: {message}"},
            "errors": {"anonymous": [message]}}


# Fields of the portal form whose name differs in the request body.
BODY_NAMES = {"identity": "anonymous", "reporter_name": "name", "reporter_phone": "phone"}


def invalid_report(form: ReportForm) -> dict[str, Any]:
    """Return the 400 body for a report the form rejects, with fields named as in the request body."""
    errors = {BODY_NAMES.get(name, name): [str(m) for m in messages]
              for name, messages in form.errors.items()}
    if "kind" in errors:
        errors["kind"].append(accepted_kinds())
    if "category" in errors:
        errors["category"].append(accepted_categories())
    listed = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
    return {"detail": _("The report was not filed: %(problems)s") % {"problems": listed},
            "errors": errors}


def accepted_kinds() -> str:
    # An English label can equal its code, and the accusation's label has brackets of its own.
    codes = ", ".join(value if label == value else f"{value} “{label}”"
                      for value, label in Kind.choices)
    return _("Accepted kinds: %(codes)s.") % {"codes": codes}


def accepted_categories() -> str:
    """List the codes of the public categories, the only ones a citizen may choose."""
    categories = Category.public_objects.order_by("code").only("code", "name", "name_en")
    if not categories:
        return _("No category is open to reports yet; ask the platform's administrators "
                 "to publish one.")
    codes = ", ".join(f"{category.code} ({category.display_name})" for category in categories)
    return _("Accepted category codes: %(codes)s.") % {"codes": codes}


@router.post("/reports/", response={201: ReceiptOut, 400: ReportErrorOut, 429: ErrorOut},
             url_name="report_create")
def create_report(request: HttpRequest, body: CitizenReportIn):
    """File a report or petition. Without a token the reporter is anonymous to the API.

    Where the deployment defers registration, a report without a unit,
    official, project or coordinates may get its receipt before it is
    registered. Its status then shows it as received until it is, or as
    not accepted with the reason.
    """
    user = request.auth  # type: ignore[attr-defined]
    actor = user if user.is_authenticated else None
    conflict = identity_conflict(body)
    if conflict is not None:
        return Status(400, conflict)
    form = ReportForm(form_data(body))
    if not form.is_valid():
        return Status(400, invalid_report(form))
    # Only a valid report takes a share of the address's allowance.
    allowance = intake_allowance(client_ip(request)) if actor is None else nullcontext(None)
    try:
        with allowance as keep:
            try:
                sent = submit(actor, arguments=form.register_arguments(), channel=Channel.WEB)
            except ValidationError as error:
                if keep is not None and error.code == RESUBMISSION_REFUSED:
                    keep()  # each refusal reveals whether a phone's matter was closed
                return Status(400, {"detail": " ".join(error.messages), "errors": {}})
            if keep is not None:
                keep()
    except IntakeLimited as limited:
        response = JsonResponse({"detail": str(limited)}, status=429,
                                json_dumps_params={"ensure_ascii": False})
        response["Retry-After"] = str(limited.retry_after_seconds())
        return response
    return Status(201, receipt(request, sent.petition, sent.secret))


def receipt(request: HttpRequest, petition: Petition, secret: str) -> dict[str, Any]:
    return {
        "tracking_code": petition.tracking_code, "secret": secret, "state": petition.state,
        "state_label": petition.get_state_display(), "received_on": petition.received_on,
        "deadlines": deadline_items(presenting.public_deadlines(petition)),
        "tracking_url": request.build_absolute_uri(reverse("petitions:track")),
    }


@router.get("/reports/{tracking_code}/", response={200: StatusOut, 404: ErrorOut, 429: ErrorOut},
            url_name="report_status")
def report_status(request: HttpRequest, tracking_code: str,
                  secret: str = Header(..., alias=SECRET_HEADER,
                                       description="The secret from the receipt.")):
    """Follow a report with its tracking code and secret."""
    try:
        body = tracking.read_status(tracking_code, secret, client_ip=client_ip(request),
                                    build=status_json)
    except tracking.TrackingLocked as locked:
        response = JsonResponse({"detail": str(locked)}, status=429,
                                json_dumps_params={"ensure_ascii": False})
        response["Retry-After"] = str(locked.retry_after_seconds())
        return response
    if body is None:
        return Status(404, {"detail": _("No report matches this tracking code and secret; "
                                        "check both against the receipt.")})
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def status_json(found: Petition | ReceivedReport) -> bytes:
    """Return the reporter's view of a petition as the JSON body that ``StatusOut`` documents."""
    status = status_of(found) if isinstance(found, Petition) else received_status(found)
    data = StatusOut.model_validate(status).model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False).encode()


def received_status(received: ReceivedReport) -> dict[str, Any]:
    """Return the reporter's view of a report not registered yet, or refused at registration."""
    waiting = received.outcome == ReceivedReport.Outcome.WAITING
    state = State.RECEIVED if waiting else State.NOT_ACCEPTED
    received_on = timezone.localdate(received.received_at)
    steps = [] if waiting else [{
        "at": received.received_at, "label": str(State.NOT_ACCEPTED.label),
        "text": received.refusal, "unit": "",
    }]
    return {
        "tracking_code": received.tracking_code, "kind": received.kind,
        "kind_label": received.get_kind_display(), "category": received.category.display_name,
        "state": state, "state_label": str(state.label), "received_on": received_on,
        "deadlines": deadline_items(receipts.received_deadlines(received)) if waiting else [],
        "review_until": None, "steps": steps, "replies": [], "extensions": [],
    }


def status_of(petition: Petition) -> dict[str, Any]:
    return {
        "tracking_code": petition.tracking_code, "kind": petition.kind,
        "kind_label": petition.get_kind_display(), "category": petition.category.display_name,
        "state": petition.state, "state_label": petition.get_state_display(),
        "received_on": petition.received_on,
        "deadlines": deadline_items(presenting.public_deadlines(petition)),
        "review_until": petition.review_until,
        "steps": [vars(step) for step in presenting.public_steps(petition)],
        "replies": reply_items(petition),
        "extensions": [{"reason": e.reason, "new_due": e.new_due}
                       for e in presenting.approved_extensions(petition)],
    }


# Staff endpoints

def staff_user(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not user.is_authenticated:
        raise HttpError(401, _("This endpoint needs a token: send “Authorization: Bearer "
                               "<token>”, made with “sunshine create_token USERNAME”."))
    return user


class PetitionFilter(Schema):
    q: str = Field("", description="Start of a tracking code.")
    state: str = ""
    kind: str = ""
    due: str = Field("", description="overdue or due_soon.")
    region: str = Field("", description="Statistical code of a county or township in scope.")


@router.get("/petitions/", response={200: list[PetitionSummary], 400: ErrorOut, 401: ErrorOut},
            url_name="petitions")
@paginate(BoundedPagination)
def list_petitions(request: HttpRequest, filters: PetitionFilter = Query(...)):  # noqa: B008
    """List the petitions the token's user may see, newest first."""
    user = staff_user(request)
    form = FilterForm(user, filters.dict())
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(str(e) for e in m)}"
                             for name, m in form.errors.items())
        raise HttpError(400, _("Invalid filter: %(problems)s") % {"problems": problems})
    return apply_filters(visibility.visible_petitions(user).select_related(*RELATED),
                         form.cleaned_data)


@router.get("/petitions/{petition_id}/",
            response={200: PetitionDetail, 401: ErrorOut, 404: ErrorOut},
            url_name="petition")
def petition_detail(request: HttpRequest, petition_id: int):
    """One petition with its full log, replies and deadlines; never the reporter's identity."""
    user = staff_user(request)
    try:
        return Status(200, visibility.get_visible_petition(user, pk=petition_id))
    except (Http404, PermissionDenied):
        return Status(404, {"detail": _("No petition %(id)s is visible to you.")
                                      % {"id": petition_id}})


@router.api_operation(["GET", "PUT", "PATCH", "DELETE"], "/reports/", include_in_schema=False,
                      auth=None)
def reject_reports(request: HttpRequest):
    return method_not_allowed(request, "POST")


@router.api_operation(["POST", "PUT", "PATCH", "DELETE"], "/reports/{tracking_code}/",
                      include_in_schema=False, auth=None)
def reject_report(request: HttpRequest, tracking_code: str):
    return method_not_allowed(request, "GET")


@router.api_operation(["POST", "PUT", "PATCH", "DELETE"], "/petitions/", include_in_schema=False,
                      auth=None)
def reject_petitions(request: HttpRequest):
    return method_not_allowed(request, "GET")


@router.api_operation(["POST", "PUT", "PATCH", "DELETE"], "/petitions/{petition_id}/",
                      include_in_schema=False, auth=None)
def reject_petition(request: HttpRequest, petition_id: str):
    return method_not_allowed(request, "GET")
