"""Middleware that serves a reporter's repeated status reads before the rest of the request cycle.

``GET /api/v1/reports/{code}/`` with the secret is what a reporter's app
polls. Once the full view has built a petition's status, it is kept in
the shared cache (``tracking.read_status``). This middleware, placed first,
answers a later read of that status directly: the same body, and the
headers the full stack gave the last such response (security headers,
cache control, Vary), with the language chosen the same way as
``LocaleMiddleware`` does. Everything else goes down the full stack: a
first read, a wrong secret, a lockout, ``?lang=``, a token, or a process
that has not yet answered one read itself.
"""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from sunshine.lib.client_address import client_ip
from sunshine.petitions import tracking

STATUS_PATH = re.compile(r"^/api/v1/reports/(?P<code>[^/]+)/$")
SECRET_HEADER = "X-Tracking-Secret"  # noqa: S105 - a header name, not a secret
# Set per response rather than copied.
OWN_HEADERS = {"content-length", "content-language"}


class StatusReadMiddleware:
    """Serve a kept status view for a tracking code and its secret."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.headers: list[tuple[str, str]] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = STATUS_PATH.match(request.path_info)
        if match is None or not self.is_plain_read(request):
            return self.get_response(request)
        if self.headers is not None:
            language = translation.get_language_from_request(request)
            body = tracking.peek_status(match["code"], request.headers[SECRET_HEADER],
                                        client_ip=client_ip(request), language=language)
            if body is not None:
                return self.answer(body, language)
        response = self.get_response(request)
        if response.status_code == 200 and response.get("Content-Type", "").startswith(
                "application/json"):
            self.headers = [(name, value) for name, value in response.headers.items()
                            if name.lower() not in OWN_HEADERS]
        return response

    @staticmethod
    def is_plain_read(request: HttpRequest) -> bool:
        return (request.method == "GET" and SECRET_HEADER in request.headers
                and "Authorization" not in request.headers and "lang" not in request.GET)

    def answer(self, body: bytes, language: str) -> HttpResponse:
        response = HttpResponse(body)
        for name, value in self.headers or ():
            response[name] = value
        response["Content-Language"] = language
        return response
