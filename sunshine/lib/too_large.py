"""The 413 response to a request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

Django raises RequestDataTooBig when a view, or the CSRF check of a form,
first reads such a body. Left alone, it becomes a bare 400 page, and in the
API a 500 traceback in DEBUG mode. Both paths return 413 here instead, with
a message that names the limit.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views import defaults

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
    # Rendered without the request, like Django's 400 page, so no context processor runs.
    page = loader.get_template("413.html").render({"message": too_large_message(request)})
    return HttpResponse(page, status=TOO_LARGE)
