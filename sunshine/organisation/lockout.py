"""Staff login failure handling: a username or client address is locked after repeated failures.

GB/T 22239-2019 (等保 2.0) requires login failure handling that limits
failed logins. Failures are counted in the cache within a window
(versioned settings ``auth.*``) that opens at the first failure, for two
subjects: a username from one client address, and a client address across
all usernames. When a count reaches its limit, a lock key stores the time
the lock ends, and every login of that username from that address, or
every login from that address, is rejected until then, even with the right
password.

A username is locked per address, so an outsider who has read the published
username pattern cannot lock a staff member out: the right password from
another address still logs in. A login without a request (and so without
an address) is counted for the username alone.
NOTE: guesses at one username spread over many addresses are limited only
by the per-address limit of each address, and each failure is in the
audit chain.

The window's start and the lock's end are stored as times and compared with
``timezone.now()``, so the cache's time-to-live is only a clean-up bound.
Redis expires keys by its own clock, which may differ from the
application's, and a count or lock must not outlive its window for that. A
successful login clears the count of its username and address. Every
failure is in the audit chain already (``sunshine.audit.signals``); the
start of a lock is appended there too.

django-axes was not used, because it applies one failure limit to the
username and the address alike (axes 8.3), and a county office behind one
NAT address needs a higher limit per address than per username.
"""

import datetime
import logging
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit import chain
from sunshine.lib import crypto
from sunshine.lib.client_address import client_ip, limit_subject
from sunshine.lib.local_time import clock_time
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

MAX_PER_USERNAME = "auth.login_max_failures_per_username"
MAX_PER_ADDRESS = "auth.login_max_failures_per_address"
WINDOW_MINUTES = "auth.login_failure_window_minutes"
LOCKOUT_MINUTES = "auth.login_lockout_minutes"


@dataclass(frozen=True)
class Subject:
    """One thing failures are counted for: a username from an address, or an address."""

    kind: str  # "username" (from one address) or "address"
    value: str
    limit_setting: str

    @property
    def key(self) -> str:
        # A keyed hash keeps usernames and addresses out of the cache's key space.
        return f"auth:login:{self.kind}:{crypto.keyed_hash(self.value)[:32]}"


class LoginLocked(PermissionDenied):
    """Raised when a login is attempted for a locked username or from a locked address."""

    def __init__(self, until: datetime.datetime) -> None:
        self.until = until
        minutes = max(1, -(-int((until - timezone.now()).total_seconds()) // 60))
        super().__init__(_(
            "Too many failed logins. Logging in is blocked until %(time)s (in %(minutes)s "
            "minutes); try again then, or ask an administrator to check your account."
        ) % {"time": clock_time(until), "minutes": minutes})


def subjects(request: HttpRequest | None, username: str) -> list[Subject]:
    address = limit_subject(client_ip(request)) if request is not None else None
    found = []
    if username:
        found.append(username_subject(username, address))
    if address is not None:
        found.append(Subject("address", address, MAX_PER_ADDRESS))
    return found


def username_subject(username: str, address: str | None) -> Subject:
    # The username is read in NFKC, as Django's login form reads it, so ｏｐ１ and op1 are one.
    name = unicodedata.normalize("NFKC", username).strip()
    # A newline cannot occur in an address, so the pair is unambiguous.
    return Subject("username", f"{name}\n{address or ''}", MAX_PER_USERNAME)


def check(request: HttpRequest | None, username: str) -> None:
    """Raise LoginLocked when the username from this address, or the address, is locked."""
    ends = [cache.get(f"{subject.key}:lock") for subject in subjects(request, username)]
    locked = [end for end in ends if end is not None and end > timezone.now()]
    if locked:
        logger.warning("login rejected during lockout: username %s", username[:150])
        if request is not None:
            request.login_locked = True  # type: ignore[attr-defined]
        raise LoginLocked(max(locked))


def record_failure(request: HttpRequest | None, username: str) -> None:
    """Count a failed login; lock the username-and-address pair or address at its limit."""
    window = datetime.timedelta(minutes=get_setting(WINDOW_MINUTES))
    for subject in subjects(request, username):
        count = _increment(subject.key, window)
        if count >= get_setting(subject.limit_setting):
            _lock(subject, username)


def clear_username(request: HttpRequest | None, username: str) -> None:
    """Clear the failures of ``username`` from the request's address after a successful login."""
    address = limit_subject(client_ip(request)) if request is not None else None
    _clear_count(username_subject(username, address).key)


def _counter_key(key: str, start: datetime.datetime) -> str:
    return f"{key}:{start.timestamp():.6f}"


def _clear_count(key: str) -> None:
    start = cache.get(f"{key}:start")
    if start is not None:
        cache.delete_many([f"{key}:start", _counter_key(key, start)])


def _increment(key: str, window: datetime.timedelta) -> int:
    """Count one failure in the window that opened at the first failure; return the count.

    The counter's key carries the window's start, so a new window starts a
    new counter. Two failures that both open a new window at once may each
    start one, and then one of them is not counted.
    """
    now = timezone.now()
    timeout = int(window.total_seconds())
    start = cache.get(f"{key}:start")
    if start is None or now - start >= window:
        start = now
        cache.set(f"{key}:start", start, timeout)
    counter = _counter_key(key, start)
    cache.add(counter, 0, timeout)
    try:
        return cache.incr(counter)
    except ValueError:
        # The counter expired between add and incr; start it again.
        cache.set(counter, 1, timeout)
        return 1


def _lock(subject: Subject, username: str) -> None:
    minutes = get_setting(LOCKOUT_MINUTES)
    now = timezone.now()
    until = now + datetime.timedelta(minutes=minutes)
    lock_key = f"{subject.key}:lock"
    if not cache.add(lock_key, until, minutes * 60):
        current = cache.get(lock_key)
        if current is not None and current > now:
            return  # Already locked: a failure during a lock does not extend it.
        cache.set(lock_key, until, minutes * 60)  # The stored lock has ended.
    _clear_count(subject.key)
    logger.warning("login locked for %s minutes: %s key %s, username %s", minutes,
                   subject.kind, subject.key[-12:], username[:150])
    with transaction.atomic():
        chain.append(None, "login_locked", object_type="auth.user", changes={
            "username": username[:150], "locked": subject.kind, "until": until.isoformat(),
        })


class LockoutModelBackend(ModelBackend):
    """The model backend, rejecting logins of locked usernames and from locked addresses.

    Raising PermissionDenied makes ``django.contrib.auth.authenticate`` stop
    trying further backends and report the login as failed.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any):
        check(request, username or "")
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def count_failed_login(sender, credentials: dict, request: HttpRequest | None = None,
                       **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))
    if request is not None and getattr(request, "login_locked", False):
        return  # A login rejected during a lock is not a new failure.
    record_failure(request, username)


@receiver(user_logged_in)
def clear_after_login(sender, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    clear_username(request, user.get_username())
