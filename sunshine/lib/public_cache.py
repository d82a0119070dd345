"""A shared cache of public responses, emptied by any governed write.

Public pages and anonymous API answers are the same for every citizen who
asks in the same language, so rendered responses are kept in Django's cache
under a key that includes a generation number. Every audited write bumps the
generation, which makes all older entries unreachable at once; they then
expire on their own. Each process reads the generation at most once per
``REFRESH_SECONDS``, so a write shows on public pages within that time.

Nothing is cached inside a transaction (a test, or a request in
ATOMIC_REQUESTS mode), for a request that carries a session or a token, or
for a response other than 200.
"""

import functools
import hashlib
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation

GENERATION_KEY = "sunshine:public:generation"
REFRESH_SECONDS = 1.0
ENTRY_SECONDS = 600
KEPT_HEADERS = ("Content-Type", "Cache-Control", "Vary", "Content-Language")

_lock = threading.Lock()
_state: dict[str, Any] = {"generation": None, "checked_at": 0.0}


def bump_generation() -> None:
    """Make every cached public response stale, now and again after the commit."""
    _bump()
    if connection.in_atomic_block:
        transaction.on_commit(_bump)


def _bump() -> None:
    with _lock:
        _state["generation"] = None
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def generation() -> int:
    now = time.monotonic()
    with _lock:
        if _state["generation"] is not None and now - _state["checked_at"] < REFRESH_SECONDS:
            return _state["generation"]
    value = cache.get(GENERATION_KEY, 0)
    with _lock:
        _state["generation"] = value
        _state["checked_at"] = now
    return value


def is_cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and "Authorization" not in request.headers
        # A petition's tracking secret is a credential like a token.
        and "X-Tracking-Secret" not in request.headers
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not connection.in_atomic_block
    )


def cache_key(request: HttpRequest, variant: str = "") -> str:
    raw = f"{request.get_full_path()}|{translation.get_language()}|{variant}"
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"sunshine:public:{generation()}:{digest}"


def cached(variant: Callable[[HttpRequest], str] = lambda request: "") -> Callable:
    """Serve a view's 200 responses from the shared cache for anonymous requests.

    ``variant`` names what else, besides path and language, changes the page
    (for example the large-type cookie).
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not is_cacheable(request):
                return view(request, *args, **kwargs)
            key = cache_key(request, variant(request))
            stored = cache.get(key)
            if stored is not None:
                return restore(stored)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                cache.set(key, freeze(response), timeout=ENTRY_SECONDS)
            return response

        return wrapper

    return decorate


def freeze(response: HttpResponse) -> tuple[bytes, dict[str, str]]:
    headers = {name: response[name] for name in KEPT_HEADERS if name in response}
    return response.content, headers


def restore(stored: tuple[bytes, dict[str, str]]) -> HttpResponse:
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response
