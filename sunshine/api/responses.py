"""JSON responses shared by the API routers of every app."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _


def method_not_allowed(request: HttpRequest, allowed: str) -> JsonResponse:
    """Return a JSON 405 naming the methods the path accepts."""
    message = _("Method %(method)s is not allowed here; use %(allowed)s.") % {
        "method": request.method, "allowed": allowed}
    response = JsonResponse({"detail": message}, status=405,
                            json_dumps_params={"ensure_ascii": False})
    response["Allow"] = allowed
    return response
