"""The JSON API under /api/v1/: public fund figures, and scoped data with a token.

Without a token the API returns public projects only. With a token it
returns every project inside the token user's scope, public or not, and
nothing outside it. A project outside the scope returns 404, the same as an
unknown code, so the API does not reveal which private projects exist elsewhere.

Errors are JSON objects ``{"detail": "..."}`` in the request language,
chosen by ``?lang=zh-hans|en`` or else by the Accept-Language header.
"""

import datetime
import functools
import logging
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query
from ninja.errors import HttpError, ValidationError, ValidationErrorContext
from ninja.pagination import paginate
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from sunshine.api.auth import InvalidToken, OptionalBearer
from sunshine.api.pagination import MAX_PAGE, BoundedPagination
from sunshine.api.request_errors import (
    InvalidCharacters,
    InvalidRequest,
    ObjectBodyParser,
    UnreadableBody,
    invalid_characters_request,
    invalid_request_detail,
    problem_message,
    problems_of,
    unreadable_body_detail,
)
from sunshine.api.schemas import (
    ApiIndex,
    ErrorOut,
    ProjectDetail,
    ProjectSummary,
    TimelineOut,
)
from sunshine.funds.models import Project, ProjectQuerySet
from sunshine.lib.too_large import TOO_LARGE, too_large_message, too_many_parts_api_message
from sunshine.organisation.scoping import scoped
from sunshine.portal import cache as public_cache
from sunshine.portal.disclosure import REGION_CHAIN, search_projects, timeline_page

logger = logging.getLogger(__name__)

# Shared caches may keep an anonymous response for a minute and a token response not at all.
PUBLIC_MAX_AGE = 60
MAX_QUERY_LENGTH = 100
READ_METHODS = ["GET"]
PUBLIC_OPERATIONS = frozenset({"projects", "project", "project_timeline"})
WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]

DESCRIPTION = """
Public figures of village and township projects in Taizhou, and scoped data for
integrations.

* **Tokens** are optional: send `Authorization: Bearer <token>` (create one with
  `sunshine create_token USERNAME`). Without a token only public projects are
  visible. With one, every project inside the user's region and unit scope, public
  or not; a project outside the scope returns 404 like an unknown code. A malformed
  or invalid token returns 401.
* **Amounts** are decimal strings with two places (`"1200.50"`) in the project's
  `currency`. **Rates** are decimal strings with four places (`"0.6250"`), or null
  when the divisor is zero.
* **Times** are local times of Asia/Shanghai with their offset, in whole seconds, as in
  Open311: `"2026-03-02T10:00:00+08:00"`. **Dates** are `"2026-03-02"`.
* **Language**: `?lang=zh-hans` or `?lang=en`, else the Accept-Language header.
* **Errors** are `{"detail": "..."}` with status 400, 401, 404, 405, 413 (a body over
  5 MB) or 429 (too many requests from one client). A body that is not one JSON object,
  or a value of the wrong type, gets 400 naming the field, the value received and what
  it expects; `errors` then lists each problem with ninja's `loc` and `type` and a
  `message` in the request language. Text with an unpaired UTF-16 surrogate escape
  (such as `\\ud83d` without its partner) gets the same answer with the type
  `string_unpaired_surrogate`.
"""


class LocalTimeEncoder(NinjaJSONEncoder):
    """Write times as Open311 does: local time of TIME_ZONE with its offset, in whole seconds.

    Django's encoder writes an aware time in its own zone with milliseconds,
    so times from the database came out as UTC ("2026-12-05T20:53:47.988Z")
    next to the local times of the report steps.
    """

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime) and timezone.is_aware(o):
            local = timezone.localtime(o, timezone.get_default_timezone())
            return local.isoformat(timespec="seconds")
        return super().default(o)


class Utf8JSONRenderer(JSONRenderer):
    """Write Chinese text as UTF-8 instead of \\u escapes, and times as local times."""

    encoder_class = LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}


class MethodNotAllowed(Exception):
    def __init__(self, allowed: list[str]) -> None:
        super().__init__(", ".join(allowed))
        self.allowed = allowed


class SunshineAPI(NinjaAPI):
    """NinjaAPI whose validation errors keep the values received, for the error messages."""

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        errors = super().validation_error_from_error_contexts(error_contexts).errors
        return InvalidRequest(errors, problems_of(error_contexts))


api = SunshineAPI(
    title="Sunshine API",
    version="1.0.0",
    description=DESCRIPTION,
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api-v1",
    renderer=Utf8JSONRenderer(),
    parser=ObjectBodyParser(),
    auth=OptionalBearer(),
)


def visible_projects(request: HttpRequest) -> ProjectQuerySet:
    user = request.auth  # type: ignore[attr-defined]
    if not user.is_authenticated:
        return Project.public_objects.select_related(REGION_CHAIN)
    return cast(ProjectQuerySet, scoped(Project.all_objects.select_related(REGION_CHAIN), user))


def get_project(request: HttpRequest, code: str) -> Project:
    project = visible_projects(request).filter(code=code).first()
    if project is None:
        raise HttpError(404, _(
            "No project with code “%(code)s” is visible to you; check the code, "
            "or find it with /api/v1/projects/?q=…"
        ) % {"code": code})
    return project


@api.get("/", response=ApiIndex, url_name="index", auth=None)
def index(request: HttpRequest):
    """List the operations of this API, with the addresses of its documentation."""
    prefix = request.path.rstrip("/")
    paths = api.get_openapi_schema(path_prefix=prefix)["paths"]
    operations = [
        {"method": method.upper(), "path": path, "summary": operation.get("description") or operation["summary"]}
        for path, methods in paths.items() for method, operation in methods.items()
    ]
    return {"title": api.title, "version": api.version, "docs": f"{prefix}{api.docs_url}",
            "openapi": f"{prefix}{api.openapi_url}", "operations": operations}


@api.get("/projects/", response=list[ProjectSummary], url_name="projects")
@paginate(BoundedPagination)
def list_projects(
    request: HttpRequest,
    q: str = Query(
        "", max_length=MAX_QUERY_LENGTH,
        description="Words separated by spaces, each matching a project name (substring), "
                    "the start of a project code, a village name or code, or the name of a "
                    "county or township; a project must match every word.",
    ),
):
    """List projects matching every word of a search, ordered by code."""
    try:
        return search_projects(visible_projects(request), q)
    except DjangoValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from None


@api.get("/projects/{path:code}/timeline/", response={200: TimelineOut, 404: ErrorOut},
         url_name="project_timeline")
def project_timeline(request: HttpRequest, code: str, page: int = Query(1, ge=1, le=MAX_PAGE)):
    """Return one page of the money in and out of a project, newest first."""
    timeline = timeline_page(get_project(request, code), page)
    return {
        "items": timeline.entries,
        "page": timeline.page,
        "page_size": timeline.page_size,
        "next_page": timeline.page + 1 if timeline.has_next else None,
    }


@api.get("/projects/{path:code}/", response={200: ProjectDetail, 404: ErrorOut},
         url_name="project")
def project_detail(request: HttpRequest, code: str):
    """Return a project's figures, status and plain-language advice."""
    return get_project(request, code)


# Write methods on the read-only paths get a JSON 405 instead of ninja's plain-text one.
@api.api_operation(WRITE_METHODS, "/", include_in_schema=False, auth=None)
def reject_write_index(request: HttpRequest):
    raise MethodNotAllowed(READ_METHODS)


@api.api_operation(WRITE_METHODS, "/projects/", include_in_schema=False, auth=None)
def reject_write_projects(request: HttpRequest):
    raise MethodNotAllowed(READ_METHODS)


@api.api_operation(WRITE_METHODS, "/projects/{path:code}/timeline/", include_in_schema=False,
                   auth=None)
def reject_write_timeline(request: HttpRequest, code: str):
    raise MethodNotAllowed(READ_METHODS)


@api.api_operation(WRITE_METHODS, "/projects/{path:code}/", include_in_schema=False, auth=None)
def reject_write_project(request: HttpRequest, code: str):
    raise MethodNotAllowed(READ_METHODS)


@api.exception_handler(InvalidToken)
def invalid_token(request: HttpRequest, exc: InvalidToken) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=401)
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@api.exception_handler(MethodNotAllowed)
def method_not_allowed(request: HttpRequest, exc: MethodNotAllowed) -> HttpResponse:
    message = _("Method %(method)s is not allowed here; this API is read-only, use %(allowed)s.") % {
        "method": request.method, "allowed": ", ".join(exc.allowed)}
    response = api.create_response(request, {"detail": message}, status=405)
    response["Allow"] = ", ".join(exc.allowed)
    return response


@api.exception_handler(RequestDataTooBig)
def body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": too_large_message(request)}, status=TOO_LARGE)


# No operation reads a form body yet; one that takes Form or File parameters would raise these.
@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def too_many_parts(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.info("API request to %s rejected: %s", request.path, type(exc).__name__)
    return api.create_response(request, {"detail": too_many_parts_api_message(exc)}, status=400)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Return 400 naming each invalid parameter, the value received and what it expects."""
    locations = [".".join(str(part) for part in error.get("loc", ())) for error in exc.errors]
    if isinstance(exc, InvalidRequest):
        messages = [problem_message(problem) for problem in exc.problems]
    else:
        # Raised outside parameter parsing, so the values are unknown.
        messages = [_("%(name)s is invalid (%(reason)s)") % {"name": name, "reason": error.get("msg", "")}
                    for name, error in zip(locations, exc.errors, strict=True)]
    logger.info("API request to %s rejected: invalid %s", request.path, ", ".join(locations))

    errors = [{**error, "message": message}
              for error, message in zip(exc.errors, messages, strict=True)]
    body = {"detail": invalid_request_detail(messages), "errors": errors}
    return api.create_response(request, body, status=400)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Return ninja's body-parse error in the request language, and other HttpErrors as raised."""
    if isinstance(exc.__cause__, InvalidCharacters):
        return invalid_request(request, invalid_characters_request(exc.__cause__))
    if isinstance(exc.__cause__, UnreadableBody):
        logger.info("API request to %s rejected: %s", request.path, exc.__cause__)
        return api.create_response(request, {"detail": unreadable_body_detail(exc.__cause__)},
                                   status=exc.status_code)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def language_and_caching(run: Callable) -> Callable:
    """Wrap every operation: apply ``?lang=`` and set the cache headers of the response."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = requested_language(request)
        if language is None:
            message = _("Unknown language “%(lang)s”; use one of %(choices)s.") % {
                "lang": request.GET["lang"], "choices": ", ".join(language_codes())}
            response = api.create_response(request, {"detail": message}, status=400)
        else:
            public = getattr(request.resolver_match, "url_name", None) in PUBLIC_OPERATIONS
            with translation.override(language):
                response = (public_run if public else run)(request, *args, **kwargs)
            response["Content-Language"] = language
        set_cache_headers(request, response)
        return response

    # Anonymous responses about projects are public data, kept in the shared
    # cache until the next write. Other routers (reports) respond per request.
    public_run = public_cache.public(run)

    return wrapper


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def requested_language(request: HttpRequest) -> str | None:
    """Return the language of ``?lang=``, the active one without it, or None if unknown."""
    requested = request.GET.get("lang")
    if requested is None:
        return translation.get_language()
    try:
        return translation.get_supported_language_variant(requested.strip().lower())
    except LookupError:
        return None


def set_cache_headers(request: HttpRequest, response: HttpResponse) -> None:
    patch_vary_headers(response, ("Authorization", "Accept-Language"))
    credentials = "Authorization" in request.headers or "X-Tracking-Secret" in request.headers
    if response.status_code == 200 and request.method == "GET" and not credentials:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)


api.add_decorator(language_and_caching, mode="view")
api.add_router("/", "sunshine.petitions.api.router")
api.add_router("/", "sunshine.duties.api.router")
api.add_router("/", "sunshine.merit.api.router")
api.add_router("/", "sunshine.assessment.api.router")
