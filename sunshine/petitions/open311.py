"""Open311 GeoReport v2 under /open311/v2/, in JSON, for the public categories.

Follows the GeoReport v2 specification (wiki.open311.org/GeoReport_v2):
- ``services.json``: active public categories are the services. A
  category whose default kind is a report (检举控告) is never offered.
- ``requests.json`` GET and ``requests/{id}.json``: petitions of public
  categories, never reports. A request's id is its public number
  (``sunshine.lib.public_ids``), not its sequential key, so gaps between ids
  tell nothing of the reports filed in between. At most 1000 are listed,
  registered within 90 days (the specification's default limit,
  "whichever is smallest"). Published are
  the category, status, handling unit, dates and the region, which is what
  the report form's notice promises. The reporter's text, place
  description, coordinates, name and phone are not published, because they
  may identify the reporter (Personal Information Protection Law art. 6).
  The coordinates are often the reporter's own position, such as their
  home. ``lat``, ``long`` and ``description`` are therefore always null,
  which GeoReport v2 allows.
- ``requests.json`` POST: needs ``api_key``, an API token of a user with
  an intake role (``INTAKE_ROLES``: operator; the platform has no
  dedicated intake role). Service requests are realtime: the response
  carries ``service_request_id`` at once and never a ``token``.
- ``jurisdiction_id`` is a county code such as 331002. It is required on
  POST when units exist in more than one county; on GET it narrows the
  results to that county.
- ``start_date`` and ``end_date`` are W3C dates (W3C-DTF): a date and time
  with its time zone, or a plain date, which is a day in ``TIME_ZONE``.
- A POST's fields are form encoded (application/x-www-form-urlencoded or
  multipart/form-data), as in the specification's POST example. Another
  body, such as JSON, gets a 400 error that names these encodings.
- Errors are ``[{"code": 400, "description": "..."}]`` with the same HTTP
  status: 403 for a missing or invalid api_key, 404 for something not
  found, 400 otherwise. ``.xml`` returns 400: only JSON is provided.
"""

import datetime
import functools
import logging
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.validators import URLValidator
from django.db.models import F, Max, Q
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from sunshine.lib.coordinates import round_coordinate
from sunshine.lib.public_ids import key_of, public_number
from sunshine.lib.record_ids import MAX_ID_DIGITS, parse_id
from sunshine.lib.text_input import is_blank
from sunshine.lib.too_large import (
    TOO_LARGE,
    TOO_MANY_PARTS,
    too_large_message,
    too_many_parts_api_message,
)
from sunshine.organisation.models import Assignment, Level, Region, Role, Unit
from sunshine.organisation.scoping import scope_for
from sunshine.organisation.tokens import user_for_token
from sunshine.petitions import tracking
from sunshine.petitions.forms import MAX_TEXT_LENGTH, ReportForm, normalize_cn_phone
from sunshine.petitions.models import FINISHED_STATES, Category, Channel, Kind, Petition
from sunshine.petitions.views import presenting
from sunshine.petitions.views.submission import submit

logger = logging.getLogger(__name__)

FORMAT = "json"
MAX_REQUESTS = 1000
SPAN = datetime.timedelta(days=90)
INTAKE_ROLES = (Role.OPERATOR,)
PUBLIC_MAX_AGE = 60
# The specification's names of the values that the URL patterns pass as ``code`` and
# ``request_id``.
PATH_PARAMETERS = {"code": "service_code", "request_id": "service_request_id"}
# The report form's limits, which the JSON API applies too.
MAX_NAME_LENGTH = cast(int, cast(forms.CharField, ReportForm.base_fields["reporter_name"]).max_length)
MAX_ADDRESS_LENGTH = cast(int, cast(forms.CharField,
                                    ReportForm.base_fields["location_text"]).max_length)
# A W3C date without a time (W3C-DTF "complete date").
PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The moments that queries can hold: they are converted to UTC, which Python's datetime
# holds only from year 1 to 9999.
EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)
LATEST = datetime.datetime.max.replace(tzinfo=datetime.UTC)
# The encodings of the specification's POST; request.POST reads no other body.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def json_response(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False,
                            json_dumps_params={"ensure_ascii": False})
    response["Content-Language"] = translation.get_language()
    patch_vary_headers(response, ("Accept-Language",))
    return response


def error_response(status: int, description: str) -> JsonResponse:
    return json_response([{"code": status, "description": description}], status=status)


def endpoint(*methods: str) -> Callable:
    """Wrap an Open311 view: JSON only, allowed methods, and errors in the specification's shape."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = error_response(405, _(
                    "Method %(method)s is not allowed here; use %(allowed)s.")
                    % {"method": request.method, "allowed": ", ".join(methods)})
                response["Allow"] = ", ".join(methods)
                return response
            if fmt != FORMAT:
                return error_response(400, _(
                    "Format “%(format)s” is not provided; this endpoint answers in JSON only, "
                    "so end the path in .json.") % {"format": fmt})
            try:
                _reject_nul(request, kwargs)
                return view(request, *args, **kwargs)
            except Open311Error as error:
                return error_response(error.status, error.description)
            except TOO_MANY_PARTS as error:
                logger.info("Open311 request to %s rejected: %s", request.path,
                            type(error).__name__)
                return error_response(400, too_many_parts_api_message(error))
            except RequestDataTooBig:
                logger.info("Open311 request to %s rejected: body of %s bytes over the limit",
                            request.path, request.META.get("CONTENT_LENGTH", ""))
                return error_response(TOO_LARGE, too_large_message(request))

        return csrf_exempt(wrapper)

    return decorator


@csrf_exempt
def not_found(request: HttpRequest, path: str) -> HttpResponse:
    """Return the specification's 404 error for an address under /open311/ that names no endpoint."""
    return error_response(404, _(
        "/open311/%(path)s is not an Open311 endpoint; this server offers "
        "/open311/v2/services.json, /open311/v2/services/{service_code}.json, "
        "/open311/v2/requests.json and /open311/v2/requests/{service_request_id}.json.")
        % {"path": path})


def _reject_nul(request: HttpRequest, path_values: dict[str, Any]) -> None:
    """Raise 400 for a parameter containing NUL, which PostgreSQL text cannot contain.

    Without this check, psycopg raises DataError, a 500, in the first query
    that compares such a value, for example ``service_code``.
    """
    values = [(PATH_PARAMETERS.get(name, name), value) for name, value in path_values.items()]
    for params in (request.GET, request.POST):
        values += [(name, value) for name, given in params.lists() for value in given]
    for name, value in values:
        if isinstance(value, str) and "\x00" in value:
            raise Open311Error(400, _(
                "“%(field)s” contains a NUL control character (U+0000) at character "
                "%(position)s, which text may not contain; remove it and send again.")
                % {"field": name, "position": value.index("\x00") + 1})


def public_cache(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


# Jurisdictions

def served_counties() -> list[str]:
    """Return the codes of the counties in which at least one unit exists."""
    paths = Unit.objects.values_list("region__path", flat=True).distinct()
    return sorted({path.split("/")[1] for path in paths if path.count("/") >= 2})


def jurisdiction(params: Any, *, required: bool) -> Region | None:
    """Return the county named by ``jurisdiction_id``, the only county served, or None."""
    given = (params.get("jurisdiction_id") or "").strip()
    counties = served_counties()
    if not given:
        if required and len(counties) > 1:
            raise Open311Error(400, _(
                "jurisdiction_id was not provided; this endpoint serves several counties, so "
                "send the county code, one of %(codes)s.") % {"codes": ", ".join(counties)})
        return Region.objects.get(code=counties[0]) if len(counties) == 1 else None
    if given not in counties:
        raise Open311Error(404, _(
            "jurisdiction_id “%(value)s” was not found; use a county code, one of %(codes)s.")
            % {"value": given, "codes": ", ".join(counties) or "-"})
    return Region.objects.get(code=given, level=Level.COUNTY)


# Services

def offered_categories() -> Any:
    return Category.public_objects.exclude(default_kind=Kind.ACCUSATION).order_by("code")


def service_of(category: Category) -> dict[str, Any]:
    kind = str(Kind(category.default_kind).label)
    return {
        "service_code": category.code,
        "service_name": category.display_name,
        "description": _("%(name)s: a %(kind)s to the county or township government. Each "
                         "request is published with its category, status, handling unit, dates "
                         "and region; never with the reporter's text, location, name or phone.")
        % {"name": category.display_name, "kind": kind},
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join([category.display_name, kind]),
        "group": kind,
    }


@endpoint("GET", "HEAD")
def services(request: HttpRequest) -> HttpResponse:
    jurisdiction(request.GET, required=False)
    return public_cache(json_response([service_of(c) for c in offered_categories()]))


@endpoint("GET", "HEAD")
def service_definition(request: HttpRequest, code: str) -> HttpResponse:
    """Return a service definition, which has no attributes because metadata is false."""
    jurisdiction(request.GET, required=False)
    if not offered_categories().filter(code=code).exists():
        raise Open311Error(404, _("service_code “%(value)s” was not found; see services.json "
                                  "for the codes.") % {"value": code})
    return public_cache(json_response({"service_code": code, "attributes": []}))


# Requests: reading

def public_requests() -> Any:
    return (Petition.all_objects
            .filter(category__is_public=True, category__is_active=True)
            .exclude(kind=Kind.ACCUSATION)
            .exclude(category__default_kind=Kind.ACCUSATION)
            .select_related("category", "region", "assigned_unit")
            # The latest step shown to the reporter on the tracking page; internal steps are left out.
            .annotate(updated_at=Max("events__at",
                                     filter=tracking.public_step_condition("events__")))
            .order_by("-registered_at", "-pk"))


def requested_at(petition: Petition) -> datetime.datetime:
    """Return when the request was made: its registration, or the start of the day received.

    Staff may register a letter days after it arrived; the request was made
    on the day received, which the deadlines count from too.
    """
    if timezone.localdate(petition.registered_at) == petition.received_on:
        return petition.registered_at
    return timezone.make_aware(datetime.datetime.combine(petition.received_on, datetime.time()))


def _requested_between(found: Any, start: datetime.datetime, end: datetime.datetime) -> Any:
    """Keep the requests whose ``requested_at`` lies from ``start`` to ``end``."""
    first_day = timezone.localtime(start).date()
    if timezone.localtime(start).time() != datetime.time():
        first_day += datetime.timedelta(days=1)
    last_day = timezone.localtime(end).date()
    # A request entered later was registered after the day received, so after ``start`` too:
    # this bound lets the database use the index on registered_at for both cases.
    found = found.filter(registered_at__gte=start).annotate(
        registered_on=TruncDate("registered_at"))
    same_day = Q(received_on=F("registered_on"), registered_at__gte=start, registered_at__lte=end)
    entered_later = Q(received_on__lt=F("registered_on"), received_on__gte=first_day,
                      received_on__lte=last_day)
    return found.filter(same_day | entered_later)


def w3c(moment: datetime.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _expected(petition: Petition) -> str | None:
    """Return the end of the open deadline's day; a deadline is kept until the day is over."""
    if petition.state in FINISHED_STATES or petition.due_on is None:
        return None
    end = datetime.datetime.combine(petition.due_on, datetime.time(23, 59, 59))
    return w3c(timezone.make_aware(end))


def request_of(petition: Any) -> dict[str, Any]:
    closed = petition.state in FINISHED_STATES
    return {
        "service_request_id": public_number(petition.pk),
        "status": "closed" if closed else "open",
        "status_notes": petition.get_state_display(),
        "service_name": petition.category.display_name,
        "service_code": petition.category.code,
        "description": None,
        "agency_responsible": petition.assigned_unit.name if petition.assigned_unit else None,
        "service_notice": None,
        "requested_datetime": w3c(requested_at(petition)),
        "updated_datetime": w3c(petition.updated_at or petition.registered_at),
        "expected_datetime": _expected(petition),
        "address": petition.region.name,
        "address_id": petition.region_id,
        "zipcode": None,
        # Often the reporter's own position, taken by the form's location button.
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _invalid_moment(params: Any, name: str) -> Open311Error:
    """Return the 400 error for a date parameter that is not a W3C date."""
    return Open311Error(400, _(
        "%(name)s “%(value)s” is invalid; use a W3C date, such as 2026-03-01, or a date and "
        "time with its time zone, such as 2026-03-01T00:00:00+08:00 or 2026-03-01T00:00:00Z.")
        % {"name": name, "value": (params.get(name) or "").strip()})


def _utc_text(moment: datetime.datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _out_of_range(params: Any, name: str) -> Open311Error:
    """Return the 400 error for a date parameter outside the moments a query can hold.

    Without the other parameter, the range ends 90 days away from this one,
    so this one's own range is 90 days narrower.
    """
    other = "end_date" if name == "start_date" else "start_date"
    values = {"name": name, "value": (params.get(name) or "").strip(), "other": other,
              "earliest": _utc_text(EARLIEST), "latest": _utc_text(LATEST)}
    if (params.get(other) or "").strip():
        return Open311Error(400, _(
            "%(name)s “%(value)s” is out of range; send a moment from %(earliest)s to "
            "%(latest)s.") % values)
    if name == "start_date":
        values["latest"] = _utc_text(LATEST - SPAN)
    else:
        values["earliest"] = _utc_text(EARLIEST + SPAN)
    return Open311Error(400, _(
        "%(name)s “%(value)s” is out of range without %(other)s, which then lies 90 days "
        "away from it; send a moment from %(earliest)s to %(latest)s, or send %(other)s "
        "too.") % values)


def _parse_moment(raw: str, *, end_of_day: bool) -> datetime.datetime | None:
    """Return the aware moment of a W3C date, or None when ``raw`` is not one.

    A plain date gives the start of that day in ``TIME_ZONE``, or with
    ``end_of_day`` its last microsecond. A well-formed but impossible date,
    such as month 13, raises ValueError.
    """
    if PLAIN_DATE.fullmatch(raw):
        day = datetime.date.fromisoformat(raw)
        time = datetime.time.max if end_of_day else datetime.time.min
        return timezone.make_aware(datetime.datetime.combine(day, time),
                                   timezone.get_default_timezone())
    value = parse_datetime(raw)
    return value if value is not None and timezone.is_aware(value) else None


def _moment(params: Any, name: str) -> datetime.datetime | None:
    """Return the moment of ``start_date`` or ``end_date``, or None when it is not given.

    A plain date, such as 2026-03-01, names a day in Asia/Shanghai
    (``TIME_ZONE``). ``start_date`` is then the start of that day and
    ``end_date`` its last microsecond, so ``end_date=2026-03-31`` includes
    the requests made on 31 March.
    """
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = _parse_moment(raw, end_of_day=name == "end_date")
    except ValueError:
        value = None
    if value is None:
        raise _invalid_moment(params, name)
    try:
        # Queries convert the moment to UTC, which overflows before year 1 or after 9999.
        value.astimezone(datetime.UTC)
    except OverflowError:
        raise _out_of_range(params, name) from None
    return value


def date_range(params: Any) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the range of ``requested_datetime``: at most 90 days, the last 90 by default."""
    given_start, given_end = _moment(params, "start_date"), _moment(params, "end_date")
    try:
        if given_start is not None:
            start = given_start
            end = given_end if given_end is not None else start + SPAN
        else:
            end = given_end if given_end is not None else timezone.now()
            start = end - SPAN
        start.astimezone(datetime.UTC)
        end.astimezone(datetime.UTC)
    except OverflowError:
        # Only the default other end, 90 days from the given one, can overflow here.
        parameter = "start_date" if given_start is not None else "end_date"
        raise _out_of_range(params, parameter) from None
    limit = SPAN
    if given_end is not None and PLAIN_DATE.fullmatch((params.get("end_date") or "").strip()):
        # A plain end_date ends at its day's last microsecond, so two plain dates 90 days
        # apart are measured from the start of that day.
        limit += datetime.timedelta(days=1) - datetime.timedelta(microseconds=1)
    if end < start or end - start > limit:
        raise Open311Error(400, _(
            "start_date and end_date must be in order and at most 90 days apart; "
            "%(start)s to %(end)s is not.") % {
            "start": (params.get("start_date") or "").strip() or start.isoformat(timespec="seconds"),
            "end": (params.get("end_date") or "").strip() or end.isoformat(timespec="seconds")})
    return start, end


def _codes(params: Any, name: str) -> list[str]:
    return [part.strip() for part in (params.get(name) or "").split(",") if part.strip()]


def _status_filter(requests_: Any, params: Any) -> Any:
    statuses = set(_codes(params, "status"))
    unknown = statuses - {"open", "closed"}
    if unknown:
        raise Open311Error(400, _("status “%(value)s” is invalid; use open, closed or both, "
                                  "separated by a comma.") % {"value": ", ".join(sorted(unknown))})
    if statuses == {"open"}:
        return requests_.exclude(state__in=FINISHED_STATES)
    if statuses == {"closed"}:
        return requests_.filter(state__in=FINISHED_STATES)
    return requests_


def _invalid_request_id(values: list[str]) -> Open311Error:
    return Open311Error(400, _(
        "service_request_id “%(value)s” is invalid; a request id is a whole number of 1 to "
        "%(digits)s digits 0-9, such as 1024.")
        % {"value": ", ".join(values), "digits": MAX_ID_DIGITS})


def request_key(text: str) -> int | None:
    """Return the petition key of a well-formed request id, None when no request has it."""
    number = parse_id(text)
    return key_of(number) if number is not None else None


def _by_ids(requests_: Any, ids: list[str]) -> Any:
    bad = [value for value in ids if parse_id(value) is None]
    if bad:
        raise _invalid_request_id(bad)
    return requests_.filter(pk__in=[request_key(value) for value in ids])


def search_requests(params: Any) -> Any:
    county = jurisdiction(params, required=False)
    found = public_requests()
    if county is not None:
        found = found.in_region(county)
    ids = _codes(params, "service_request_id")
    if ids:
        # The specification: a list of ids overrides every other argument.
        return _by_ids(found, ids)[:MAX_REQUESTS]
    services_ = _codes(params, "service_code")
    if services_:
        found = found.filter(category__code__in=services_)
    start, end = date_range(params)
    found = _requested_between(found, start, end)
    return _status_filter(found, params)[:MAX_REQUESTS]


@endpoint("GET", "HEAD", "POST")
def requests(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return create_request(request)
    found = [request_of(p) for p in search_requests(request.GET)]
    return public_cache(json_response(found))


@endpoint("GET", "HEAD")
def request_detail(request: HttpRequest, request_id: str) -> HttpResponse:
    county = jurisdiction(request.GET, required=False)
    found = public_requests()
    if county is not None:
        found = found.in_region(county)
    if parse_id(request_id) is None:
        raise _invalid_request_id([request_id])
    petition = found.filter(pk=request_key(request_id)).first()
    if petition is None:
        raise Open311Error(404, _("service_request_id “%(value)s” was not found.")
                           % {"value": request_id})
    return public_cache(json_response([request_of(petition)]))


# Requests: creating

def intake_user(params: Any) -> Any:
    """Return the user of ``api_key``; raise 403 unless it is an active intake user's token."""
    raw = (params.get("api_key") or "").strip()
    if not raw:
        raise Open311Error(403, _("api_key was not provided; send the API token of a user with "
                                  "the operator role, made with “sunshine create_token”."))
    user = user_for_token(raw)
    if user is None:
        logger.info("Open311 request with an unknown api_key, prefix %s", raw[:8])
        raise Open311Error(403, _("Invalid api_key received; can't proceed with "
                                  "create_request. Make a new one with “sunshine create_token”."))
    if not (user.is_superuser
            or Assignment.objects.filter(user=user, role__in=INTAKE_ROLES).exists()):
        raise Open311Error(403, _("The api_key belongs to “%(user)s”, who has no operator role; "
                                  "use the token of an intake operator.") % {"user": user})
    return user


def _service(params: Any) -> Category:
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code was not provided; see services.json for the "
                                  "codes."))
    category = offered_categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("service_code “%(value)s” was not found; see services.json "
                                  "for the codes.") % {"value": code})
    return category


def _coordinate(params: Any, name: str, limit: int) -> Decimal | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
        # copy_abs, unlike abs, ignores the context, so 1e999999999 does not overflow.
        valid = value.is_finite() and value.copy_abs() <= limit
    except ArithmeticError:
        valid = False
    if not valid:
        raise Open311Error(400, _("%(name)s “%(value)s” is invalid; send WGS84 degrees between "
                                  "-%(limit)s and %(limit)s.")
                           % {"name": name, "value": raw, "limit": limit})
    return round_coordinate(value)


def _region(params: Any, county: Region | None) -> Region:
    """Return the current region of ``address_id`` inside the county, or the county without one."""
    if county is None:
        raise Open311Error(400, _("jurisdiction_id was not provided and no county is served "
                                  "yet; send the county code."))
    address_id = (params.get("address_id") or "").strip()
    if not address_id:
        return county
    found = Region.objects.within(county).current().filter(code=address_id).first()
    if found is None:
        # Never fall back to the county, because the client's location would be lost.
        raise Open311Error(400, _(
            "address_id “%(value)s” is not the code of a current region in %(county)s; send "
            "the code of a township or village there, or %(code)s for the whole county.")
            % {"value": address_id, "county": county.name, "code": county.code})
    return found


def _text_param(params: Any, name: str) -> str:
    """Return a text parameter without surrounding spaces; text that shows nothing is missing."""
    value = (params.get(name) or "").strip()
    return "" if is_blank(value) else value


def _check_length(name: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise Open311Error(400, _("%(name)s has %(count)s characters, more than %(most)s; "
                                  "shorten it.") % {"name": name, "count": len(value),
                                                    "most": limit})
    return value


def _location(params: Any) -> dict[str, Any]:
    lat, long = _coordinate(params, "lat", 90), _coordinate(params, "long", 180)
    address = _check_length("address_string", _text_param(params, "address_string"),
                            MAX_ADDRESS_LENGTH)
    if (lat is None) != (long is None):
        raise Open311Error(400, _("lat and long must be sent together."))
    if lat is None and not address and not (params.get("address_id") or "").strip():
        raise Open311Error(400, _("The location is missing; send lat and long, address_string "
                                  "or address_id."))
    return {"latitude": lat, "longitude": long, "location_text": address}


def _reporter(params: Any) -> dict[str, Any]:
    first, last = _text_param(params, "first_name"), _text_param(params, "last_name")
    # Chinese names put the family name first; Latin names the given name.
    name = f"{last}{first}" if not (first + last).isascii() else f"{first} {last}".strip()
    if first and last and len(name) > MAX_NAME_LENGTH:
        raise Open311Error(400, _("first_name and last_name together have %(count)s characters, "
                                  "more than %(most)s; shorten them.")
                           % {"count": len(name), "most": MAX_NAME_LENGTH})
    _check_length("first_name" if first else "last_name", name, MAX_NAME_LENGTH)
    raw_phone = _text_param(params, "phone")
    try:
        phone = normalize_cn_phone(raw_phone) if raw_phone else ""
    except ValidationError as error:
        raise Open311Error(400, " ".join(error.messages)) from None
    if phone and not name:
        raise Open311Error(400, _("phone was sent without first_name or last_name; send the "
                                  "name too, or neither for an anonymous request."))
    return {"is_anonymous": not name, "reporter_name": name, "reporter_phone": phone}


def _text(params: Any) -> str:
    text = _text_param(params, "description")
    if not text:
        raise Open311Error(400, _("description was not provided; describe the problem."))
    _check_length("description", text, MAX_TEXT_LENGTH)
    media = (params.get("media_url") or "").strip()
    if not media:
        return text
    try:
        URLValidator(schemes=["http", "https"])(media)
    except ValidationError:
        raise Open311Error(400, _("media_url “%(value)s” is not an http or https address.")
                           % {"value": media}) from None
    # NOTE: the media is not fetched, so the platform never requests an address
    # chosen by the client; staff open the link themselves.
    return f"{text}\n\nmedia_url: {media}"


def _check_encoding(request: HttpRequest) -> None:
    """Raise a 400 error unless the body is form encoded, because request.POST ignores others."""
    if request.content_type in FORM_TYPES:
        return
    if not request.content_type:
        raise Open311Error(400, _(
            "The request has no Content-Type; send the fields form encoded, as "
            "application/x-www-form-urlencoded or multipart/form-data (GeoReport v2)."))
    raise Open311Error(400, _(
        "The body is sent as “%(type)s”; send the fields form encoded, as "
        "application/x-www-form-urlencoded or multipart/form-data (GeoReport v2).")
        % {"type": request.content_type})


def create_request(request: HttpRequest) -> HttpResponse:
    _check_encoding(request)
    params = request.POST
    user = intake_user(params)
    county = jurisdiction(params, required=True)
    category = _service(params)
    location = _location(params)
    region = _region(params, county)
    if not scope_for(user, write=True).contains_region(region):
        raise Open311Error(403, _("The api_key's user may not file requests for %(region)s; "
                                  "use a token of an operator there.") % {"region": region.name})
    arguments = {"kind": category.default_kind, "category": category, "region": region,
                 "text": _text(params), **location, **_reporter(params)}
    try:
        sent = submit(user, arguments=arguments, channel=Channel.WEB)
    except ValidationError as error:
        raise Open311Error(400, " ".join(error.messages)) from None
    logger.info("Open311 request %s created by user %s", sent.petition.pk, user.pk)
    return json_response([{
        "service_request_id": public_number(sent.petition.pk),
        "service_notice": service_notice(sent.petition, sent.secret),
        "account_id": None,
    }])


def service_notice(petition: Petition, secret: str) -> str:
    due = presenting.public_deadlines(petition, for_staff=True)
    notice = _("Tracking code %(code)s, secret %(secret)s: give both to the reporter, who "
               "follows the request with them; the secret is not shown again.") % {
        "code": tracking.format_code(petition.tracking_code),
        "secret": tracking.format_code(secret)}
    if due:
        notice += " " + _("%(step)s by %(date)s.") % {"step": due[0].label,
                                                       "date": due[0].due.isoformat()}
    return notice

