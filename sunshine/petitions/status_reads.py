"""Shortcuts that serve a reporter's repeated status reads before the rest of the request cycle.

``GET /api/v1/reports/{code}/`` with the secret is what a reporter's app
polls. Once the full view has built a petition's status, it is kept in
the shared cache (``tracking.read_status``). A later read of that status
is served directly: the same body, and the headers the full stack gave
the last such response (security headers, cache control, Vary), with the
language chosen the same way as ``LocaleMiddleware`` does. Everything
else goes down the full stack: a first read, a wrong secret, a lockout,
a query string, a token, or a process that has not yet served one read
itself.

``StatusReadApplication`` wraps the WSGI application, so a kept read
costs no request object, signals or middleware. ``StatusReadMiddleware``
comes first in the middleware: it learns the headers from the full
responses and serves kept reads where the wrapper is not in the path, as
under Django's test client.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils import translation

from sunshine.lib.client_address import client_ip
from sunshine.petitions import tracking

# Matched whole with fullmatch: "$" would also match before a final newline.
STATUS_PATH = re.compile(r"/api/v1/reports/(?P<code>[^/]+)/")
SECRET_KEY = "HTTP_X_TRACKING_SECRET"  # noqa: S105 - the header's key in the WSGI environ
# Set per response rather than copied. A cookie is never replayed to another reader.
OWN_HEADERS = {"content-length", "content-language", "set-cookie"}

# Set in the environ once a shortcut has looked the read up, so the other does not repeat it.
TRIED_KEY = "sunshine.status_read_tried"

# The headers of the last full status response of this process, shared by both shortcuts.
_learned: list[tuple[str, str]] | None = None
# The headers of the last full receipt (201) of the report API in this process, for
# ``deferred_intake``, which responds to later reports before Django.
RECEIPT_PATH = "/api/v1/reports/"
receipt_headers: list[tuple[str, str]] | None = None


class EnvironRequest:
    """The parts of a request that choosing the language and the client address read."""

    def __init__(self, environ: Mapping[str, Any]) -> None:
        self.META = environ
        self.COOKIES = parse_cookie(environ.get("HTTP_COOKIE", ""))


def _is_plain_read(meta: Mapping[str, Any]) -> bool:
    return (meta.get("REQUEST_METHOD") == "GET" and SECRET_KEY in meta
            and "HTTP_AUTHORIZATION" not in meta and not meta.get("QUERY_STRING")
            and allowed_host(meta) and needs_no_redirect(meta))


def needs_no_redirect(meta: Mapping[str, Any]) -> bool:
    """Return False where SecurityMiddleware would redirect the request to HTTPS."""
    return not settings.SECURE_SSL_REDIRECT or is_secure(meta)


def is_secure(meta: Mapping[str, Any]) -> bool:
    """Return whether the request came over HTTPS, as ``HttpRequest.is_secure`` reads it."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        if header in meta:
            return meta[header].split(",", 1)[0].strip() == secure_value
    return meta.get("wsgi.url_scheme") == "https"


def request_host(meta: Mapping[str, Any]) -> str:
    """Return the host the request names, as ``HttpRequest.get_host`` reads it, unchecked."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in meta:
        return meta["HTTP_X_FORWARDED_HOST"]
    return meta.get("HTTP_HOST", "")


def allowed_host(meta: Mapping[str, Any]) -> bool:
    """Return whether the Host header names this site, as ``HttpRequest.get_host`` checks it.

    A request without a Host header, or with one that is not allowed, goes
    down the full stack, which responds as Django does.
    """
    host = request_host(meta)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed)


def _kept_answer(match: re.Match, meta: dict[str, Any],
                 request: Callable[[], Any]) -> tuple[bytes, str] | None:
    """Return the kept body and its language for a plain status read, or None.

    ``match`` is the path's match of ``STATUS_PATH``, ``meta`` contains the
    WSGI environ's keys, and ``request`` returns anything with ``META`` and
    ``COOKIES``. It is called only for a plain read.
    """
    if _learned is None or not _is_plain_read(meta):
        return None
    meta[TRIED_KEY] = True
    reader = request()
    language = translation.get_language_from_request(reader)
    body = tracking.peek_status(match["code"], meta[SECRET_KEY],
                                client_ip=client_ip(reader), language=language)
    return None if body is None else (body, language)


class StatusReadApplication:
    """WSGI wrapper that serves a kept status read before Django builds a request."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        match = STATUS_PATH.fullmatch(environ.get("PATH_INFO", ""))
        kept = None if match is None else _kept_answer(match, environ, lambda: EnvironRequest(environ))
        if kept is None:
            return self.application(environ, start_response)
        body, language = kept
        headers = [*(_learned or ()), ("Content-Length", str(len(body))),
                   ("Content-Language", language)]
        start_response("200 OK", headers)
        return [body]


class StatusReadMiddleware:
    """Learn the headers of a full status response, and serve kept reads the wrapper did not."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        global _learned, receipt_headers
        match = STATUS_PATH.fullmatch(request.path_info)
        if match is None:
            response = self.get_response(request)
            if (request.path_info == RECEIPT_PATH and request.method == "POST"
                    and response.status_code == 201 and _is_json(response)):
                receipt_headers = _own_headers(response)
            return response
        if TRIED_KEY not in request.META:
            kept = _kept_answer(match, request.META, lambda: request)
            if kept is not None:
                return self.answer(*kept)
        response = self.get_response(request)
        if _is_plain_read(request.META) and response.status_code == 200 and _is_json(response):
            _learned = _own_headers(response)
        return response

    @staticmethod
    def answer(body: bytes, language: str) -> HttpResponse:
        response = HttpResponse(body)
        for name, value in _learned or ():
            response[name] = value
        response["Content-Language"] = language
        return response


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _own_headers(response: HttpResponse) -> list[tuple[str, str]]:
    """Return the headers a shortcut repeats: all but those set per response."""
    return [(name, value) for name, value in response.headers.items()
            if name.lower() not in OWN_HEADERS]
