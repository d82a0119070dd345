"""A shared cache of public responses, emptied by any governed write.

Public pages and anonymous API responses are the same for every citizen who
asks in the same language, so views marked ``public`` have their responses
kept in Django's cache by ``PublicCacheMiddleware``, placed before the stock
middleware, under a key that includes a generation number: the id of the newest audit
entry. Every governed write appends an entry, which makes all older cache
entries unreachable at once; they then expire on their own. Because the
number lives in the database, a write by a command-line import reaches the
server processes too. Each process reads it at most once per
``REFRESH_SECONDS`` (and at once after its own writes), so a write shows on
public pages within that time.

Nothing is cached inside a transaction (a test, or a request in
ATOMIC_REQUESTS mode), for a request that carries a session or a token, or
for a response other than 200.
"""

import functools
import hashlib
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse

from sunshine.audit.models import ChainHead

REFRESH_SECONDS = 1.0
ENTRY_SECONDS = 600

_lock = threading.Lock()
_state: dict[str, Any] = {"generation": None, "checked_at": 0.0}


def forget_generation() -> None:
    """Re-read the generation on the next request, and again after the commit."""
    _forget()
    if connection.in_atomic_block:
        transaction.on_commit(_forget)


def _forget() -> None:
    with _lock:
        _state["generation"] = None


def generation() -> int:
    now = time.monotonic()
    with _lock:
        if _state["generation"] is not None and now - _state["checked_at"] < REFRESH_SECONDS:
            return _state["generation"]
    value = ChainHead.objects.filter(pk=1).values_list("last_id", flat=True).first() or 0
    with _lock:
        _state["generation"] = value
        _state["checked_at"] = now
    return value


# Paths whose views may mark responses public; other requests never touch the cache.
PUBLIC_PATHS = re.compile(r"^/(?:$|projects/|api/v1/projects/|duties/)")


def is_cacheable(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and PUBLIC_PATHS.match(request.path_info) is not None
        and "Authorization" not in request.headers
        and "X-Tracking-Secret" not in request.headers
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not connection.in_atomic_block
    )


def cache_key(request: HttpRequest) -> str:
    """Key a response by everything that can change it: path, language inputs and cookies."""
    cookies = sorted(
        (name, value) for name, value in request.COOKIES.items()
        if name != settings.CSRF_COOKIE_NAME
    )
    raw = repr((request.get_full_path(), request.headers.get("Accept-Language", ""), cookies))
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"sunshine:public:{generation()}:{digest}"


def marking(attribute: str) -> Callable[[Callable], Callable]:
    """Return a view decorator that sets ``attribute`` on the view's 200 responses."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                setattr(response, attribute, True)
            return response

        return wrapper

    return decorator


# Marks a view's 200 responses as the same for every anonymous visitor.
public = marking("public_cacheable")


class PublicCacheMiddleware:
    """Serve repeated anonymous requests for public pages before any other middleware runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_cacheable(request):
            return self.get_response(request)
        key = cache_key(request)
        stored = cache.get(key)
        if stored is not None:
            return restore(stored)

        response = self.get_response(request)
        if (getattr(response, "public_cacheable", False) and response.status_code == 200
                and not response.streaming and not response.cookies):
            cache.set(key, freeze(response), timeout=ENTRY_SECONDS)
        return response


def freeze(response: HttpResponse) -> tuple[bytes, list[tuple[str, str]]]:
    return response.content, list(response.headers.items())


def restore(stored: tuple[bytes, list[tuple[str, str]]]) -> HttpResponse:
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response
