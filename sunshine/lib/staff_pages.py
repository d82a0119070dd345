"""A per-session cache of the staff pages people reload most, served before the middleware stack.

The execution-rate page and a cadre's own points page are read again and
again between the writes that change them. A view marked ``per_session``
has its 200 responses kept in the shared cache. The key is made of the
session cookie, every other cookie, the path with its query, the language
headers, the local date (statuses change at midnight) and the generation
of ``sunshine.portal.cache``, which every governed write moves on.
``StaffPageCacheMiddleware``, placed before the stock middleware, serves a repeated request
with one cache round trip that reads three keys at once:

- the stored page;
- the session itself: a logged-out or expired session is gone from the
  cache, so its pages are gone too;
- the authorisation generation, which any change to a user or a role
  assignment moves on (``bump_authorisation``). So a password change, a
  deactivation or a withdrawn role takes effect at once in every session,
  including those that only hit cached pages.

A hit sends the session cookie again, as ``SESSION_SAVE_EVERY_REQUEST``
would, and moves the session's expiry in the cache on. Each process does
the latter at most once per ``TOUCH_SECONDS`` for a session, which saves a
cache round trip on most hits, so idle logout comes after 29 to 30 minutes
instead of exactly 30.

The cache is on only when sessions live in the shared cache
(``SESSION_ENGINE`` is the cache backend, which the settings choose when
``REDIS_URL`` is set): then one cache read can prove the session exists.
Nothing is kept for a request inside a transaction, one with messages to
show, one whose response sets cookies (a new CSRF cookie, a rotated
session; the same CSRF cookie again is fine) or one that is not a 200.
"""

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.cache import KEY_PREFIX as SESSION_KEY_PREFIX
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import http_date

from sunshine.portal.cache import freeze, generation, marking, restore

CACHE_SESSION_ENGINE = "django.contrib.sessions.backends.cache"
ENTRY_SECONDS = 300
TOUCH_SECONDS = 60
# Sessions whose expiry this process moved on, with when, up to TOUCHED_MAX of them.
TOUCHED_MAX = 10_000
_touched: dict[str, float] = {}
AUTHORISATION_KEY = "sunshine:staff-pages:authorisation"
# The paths whose views may mark responses per_session, with the query parameters
# each view reads. Other requests never touch the cache, and nor does a request with
# another parameter, a repeated one or a value over QUERY_VALUE_MAX characters, so
# made-up query strings cannot fill the cache.
CACHED_QUERIES = {
    "/staff/duties/rate/": {"region", "period"},
    "/staff/merit/": {"page"},
}
QUERY_VALUE_MAX = 12


def enabled() -> bool:
    return settings.SESSION_ENGINE == CACHE_SESSION_ENGINE


# Marks a staff view's 200 responses as the same on a reload in the same session.
per_session = marking("per_session_cacheable")


def bump_authorisation() -> None:
    """Make every kept staff page stale, once the current transaction commits."""
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(AUTHORISATION_KEY)
    except ValueError:
        # The first bump since the cache started. Any value other than the 0 of a
        # missing key makes older entries stale.
        cache.set(AUTHORISATION_KEY, time.time_ns(), timeout=None)


def is_candidate(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and has_plain_query(request)
        and settings.SESSION_COOKIE_NAME in request.COOKIES
        and "messages" not in request.COOKIES
        and "Authorization" not in request.headers
        and enabled()
        and not connection.in_atomic_block
    )


def has_plain_query(request: HttpRequest) -> bool:
    names = CACHED_QUERIES.get(request.path_info)
    if names is None:
        return False
    return all(name in names and len(values) == 1 and len(values[0]) <= QUERY_VALUE_MAX
               for name, values in request.GET.lists())


def page_key(request: HttpRequest) -> str:
    cookies = sorted(request.COOKIES.items())
    raw = repr((request.get_full_path(), request.headers.get("Accept-Language", ""), cookies,
                timezone.localdate().isoformat()))
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"sunshine:staff-pages:{generation()}:{digest}"


class StaffPageCacheMiddleware:
    """Serve a session's repeated request for a marked staff page from the shared cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_candidate(request):
            return self.get_response(request)
        session_key = request.COOKIES[settings.SESSION_COOKIE_NAME]
        key, session_entry = page_key(request), SESSION_KEY_PREFIX + session_key
        found = cache.get_many([key, session_entry, AUTHORISATION_KEY])
        authorisation = found.get(AUTHORISATION_KEY, 0)
        stored = found.get(key)
        if stored is not None and session_entry in found and stored[0] == authorisation:
            touch_session(session_entry)
            return with_session_cookie(restore(stored[1]), session_key)

        response = self.get_response(request)
        if self.may_keep(request, response, session_key):
            cache.set(key, (authorisation, freeze(response)), timeout=ENTRY_SECONDS)
        return response

    @staticmethod
    def may_keep(request: HttpRequest, response: HttpResponse, session_key: str) -> bool:
        # Django sends the CSRF cookie again whenever a page uses the token. The
        # same value again only moves its expiry on.
        cookies = {name for name, morsel in response.cookies.items()
                   if name != settings.SESSION_COOKIE_NAME
                   and not (name == settings.CSRF_COOKIE_NAME
                            and morsel.value == request.COOKIES.get(name))}
        session = getattr(request, "session", None)
        messages = getattr(request, "_messages", None)
        return (
            getattr(response, "per_session_cacheable", False)
            and response.status_code == 200
            and not response.streaming
            and not cookies
            and session is not None and session.session_key == session_key
            and request.user.is_authenticated
            and (messages is None or len(messages) == 0)
        )


def touch_session(session_entry: str) -> None:
    """Move a session's expiry on, unless this process did so in the last TOUCH_SECONDS."""
    now = time.monotonic()
    last = _touched.get(session_entry)
    if last is not None and now - last < TOUCH_SECONDS:
        return
    if len(_touched) >= TOUCHED_MAX:
        _touched.clear()
    _touched[session_entry] = now
    cache.touch(session_entry, settings.SESSION_COOKIE_AGE)


def with_session_cookie(response: HttpResponse, session_key: str) -> HttpResponse:
    """Send the session cookie with a new expiry, as SessionMiddleware does after a save."""
    max_age = settings.SESSION_COOKIE_AGE
    response.set_cookie(
        settings.SESSION_COOKIE_NAME, session_key, max_age=max_age,
        expires=http_date(time.time() + max_age), domain=settings.SESSION_COOKIE_DOMAIN,
        path=settings.SESSION_COOKIE_PATH, secure=settings.SESSION_COOKIE_SECURE,
        httponly=settings.SESSION_COOKIE_HTTPONLY,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
    return response
