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
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

TOO_LARGE = 413


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


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Render the 413 page for an oversized body and 400.html for any other bad request."""
    if not isinstance(exception, RequestDataTooBig):
        return defaults.bad_request(request, exception)
    return too_large_page(request)


def too_large_page(request: HttpRequest) -> HttpResponse:
    # Rendered without the request, like Django's 400 page, so no context processor runs.
    page = loader.get_template("413.html").render({"message": too_large_message(request)})
    return HttpResponse(page, status=TOO_LARGE)


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
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return self._too_large(request)
        return None

    def _too_large(self, request: HttpRequest) -> HttpResponse:
        # Django would log this to django.security; a caught exception is logged here instead.
        logger.warning("request body over DATA_UPLOAD_MAX_MEMORY_SIZE: %s %s, Content-Length %s",
                       request.method, request.path, request.META.get("CONTENT_LENGTH", ""))
        return too_large_page(request)
