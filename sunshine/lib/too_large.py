"""The 413 response to a request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

Django raises RequestDataTooBig when a view, or the CSRF check of a form,
first reads such a body. Left alone, it becomes a bare 400 page, and in the
API a 500 traceback in DEBUG mode. Both paths return 413 here instead, with
a message that names the limit.

With DEBUG on, Django 5.2 responds to a RequestDataTooBig that reaches its
exception handling (``django.core.handlers.exception``) with the technical
400 page and never calls ``handler400``. ``TooLargeMiddleware`` therefore catches it before then:
in ``process_view`` for the body the CSRF check reads, and in
``process_exception`` for a body a view reads, so the 413 page shows with
DEBUG on or off. The API returns its own JSON 413 (``sunshine.api``).

A form with more files than ``DATA_UPLOAD_MAX_NUMBER_FILES`` or more
fields than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` gets the same treatment with
a 400 page that names the limit. Django stops reading such a body at the
limit and keeps none of it, so the typed text cannot be shown again. The
message says so and asks for a form within the limits. A view that takes
files can name its own limit with ``takes_files``, which the message then
gives as the number to attach.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

TOO_LARGE = 413
BAD_REQUEST = 400
# The exceptions of a form body with too many parts, which Django raises while reading it.
TOO_MANY_PARTS = (TooManyFieldsSent, TooManyFilesSent)


def too_large_message(request: HttpRequest) -> str:
    """Return the message for an oversized body, with its size unless files are part of it."""
    limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if request.content_type == "multipart/form-data":
        # Uploaded files do not count towards the limit, so the body size would mislead.
        return _("The text fields of the form are larger than %(limit)s; shorten the text and "
                 "send it again.") % {"limit": limit}
    return _("The request body has %(size)s bytes, more than the limit of %(limit)s "
             "(%(bytes)s bytes); shorten the text and send it again.") % {
        "size": request.META.get("CONTENT_LENGTH") or 0, "limit": limit,
        "bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}


def too_many_parts_message(exception: Exception, max_files: int | None = None) -> str:
    """Return the message for a form body with too many files or fields, naming the limit."""
    if not isinstance(exception, TooManyFilesSent):
        return _("The form carried more than %(limit)s fields, so none of it could be read and "
                 "nothing was saved. Go back, reload the page and send the form from it again; "
                 "if the page has lost your text, type it again.") % {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    if max_files is None:
        return _("The form carried more than %(limit)s files, so none of it could be read and "
                 "nothing was saved. Go back, attach fewer files and send the form again; if "
                 "the page has lost your text, type it again.") % {"limit": limit}
    return _("The form carried more than %(limit)s files, so none of it could be read and "
             "nothing was saved. Go back, attach at most %(most)s files and send the form "
             "again; if the page has lost your text, type it again.") % {
        "limit": limit, "most": max_files}


def too_many_parts_api_message(exception: Exception) -> str:
    """Return the message of an API for a body with too many files or fields, naming the limit."""
    if isinstance(exception, TooManyFilesSent):
        return _("The request body has more than %(limit)s files, the most one request may "
                 "carry; send fewer files.") % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    return _("The request body has more than %(limit)s form fields, the most one request may "
             "carry; send only the fields the operation takes.") % {
        "limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}


def files_taken_by(view: Callable) -> int | None:
    """Return the number of files the view's form takes, if it names one."""
    limit = getattr(view, "max_files", None)
    return limit() if callable(limit) else limit


def takes_files(limit: Callable[[], int]) -> Callable[[Callable], Callable]:
    """Name the number of files a view's form takes, for the message on too many files."""

    def decorate(view: Callable) -> Callable:
        view.max_files = limit  # type: ignore[attr-defined]
        return view

    return decorate


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Render the 413 page for an oversized body and 400.html for any other bad request."""
    if isinstance(exception, TOO_MANY_PARTS):
        return too_many_parts_page(request, exception)
    if not isinstance(exception, RequestDataTooBig):
        return defaults.bad_request(request, exception)
    return too_large_page(request)


def too_large_page(request: HttpRequest) -> HttpResponse:
    # Rendered without the request, like Django's 400 page, so no context processor runs.
    page = loader.get_template("413.html").render({"message": too_large_message(request)})
    return HttpResponse(page, status=TOO_LARGE)


def too_many_parts_page(request: HttpRequest, exception: Exception,
                        view: Callable | None = None) -> HttpResponse:
    message = too_many_parts_message(exception, files_taken_by(view) if view else None)
    page = loader.get_template("400.html").render({"message": message})
    return HttpResponse(page, status=BAD_REQUEST)


class TooLargeMiddleware:
    """Return the 413 page for an oversized body before Django's exception handling gets it.

    It must come right before ``CsrfViewMiddleware``, so its ``process_view``
    reads the form body first, exactly when the CSRF check would: for a POST
    to a view that is not CSRF-exempt. Views exempt from CSRF may still set
    their own upload handlers, so their body is left unread.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable, args: Any,
                     kwargs: Any) -> HttpResponse | None:
        if request.method != "POST" or getattr(view, "csrf_exempt", False):
            return None
        try:
            request.POST  # noqa: B018 - parses the body, as the CSRF check would next
        except RequestDataTooBig:
            return self._too_large(request)
        except TOO_MANY_PARTS as error:
            return self._too_many_parts(request, error, view)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return self._too_large(request)
        if isinstance(exception, TOO_MANY_PARTS):
            view = request.resolver_match.func if request.resolver_match else None
            return self._too_many_parts(request, exception, view)
        return None

    def _too_large(self, request: HttpRequest) -> HttpResponse:
        # Django would log this to django.security; a caught exception is logged here instead.
        logger.warning("request body over DATA_UPLOAD_MAX_MEMORY_SIZE: %s %s, Content-Length %s",
                       request.method, request.path, request.META.get("CONTENT_LENGTH", ""))
        return too_large_page(request)

    def _too_many_parts(self, request: HttpRequest, exception: Exception,
                        view: Callable | None) -> HttpResponse:
        logger.warning("form body over the limit of files or fields: %s %s, %s",
                       request.method, request.path, type(exception).__name__)
        return too_many_parts_page(request, exception, view)
