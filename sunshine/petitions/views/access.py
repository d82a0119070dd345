"""Access checks for the petition staff pages, and per-address limits on reports and registrations."""

import contextlib
import datetime
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import wraps
from typing import Any, NoReturn

from django.contrib.auth.views import redirect_to_login
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.lib import crypto
from sunshine.lib.client_address import limit_subject
from sunshine.lib.local_time import clock_time, seconds_until
from sunshine.organisation.models import Assignment
from sunshine.organisation.scoping import scope_for
from sunshine.petitions import visibility
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

INTAKE_MAX = "petitions.intake_max_per_ip"
INTAKE_WINDOW = "petitions.intake_window_minutes"


def staff_only(view: Callable) -> Callable:
    """Let through users with a role in some unit; anonymous users go to the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if scope_for(request.user).empty:
            raise PermissionDenied(_("Your account has no role in any unit; ask an "
                                     "administrator to assign one."))
        return view(request, *args, **kwargs)

    return wrapper


def may_register(user: Any) -> bool:
    """Return whether the user may enter petitions: superusers and every handling role."""
    if user.is_superuser:
        return True
    return Assignment.objects.filter(user=user, role__in=visibility.HANDLING_ROLES).exists()


class AddressLimited(Exception):
    """Raised when one client address has used every request an ``AddressLimit`` allows."""

    def __init__(self, limit: int, minutes: int, retry_at: datetime.datetime) -> None:
        super().__init__(f"{limit} per {minutes} minutes, retry at {retry_at.isoformat()}")
        self.limit = limit
        self.minutes = minutes
        self.retry_at = retry_at

    def retry_after_seconds(self) -> int:
        """Return the whole seconds until the address may send again, for a Retry-After header."""
        return seconds_until(self.retry_at)


# Starts the counter at 0 with its window unless it exists, then counts one; returns
# whether it started and the count.
_START_AND_COUNT = """
local started = redis.call('SET', KEYS[1], 0, 'EX', ARGV[1], 'NX')
return {started and 1 or 0, redis.call('INCR', KEYS[1])}
"""


def _start_and_count(key: str, timeout: int) -> tuple[bool, int]:
    """Start the counter with its window unless it runs, count one, and return both results.

    On Redis this is one command (a script), as the report API's receipts
    take a share on every request. Django's Redis cache stores an integer
    as its digits, so ``incr`` and ``decr`` of the cache work on the same key.
    """
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]
        started, counted = client.register_script(_START_AND_COUNT)(keys=[full_key],
                                                                    args=[timeout])
        return bool(started), int(counted)
    started = cache.add(key, 0, timeout)
    try:
        return started, int(cache.incr(key))
    except ValueError:
        # The counter expired between add and incr; start it again.
        cache.set(key, 1, timeout)
        return True, 1


@dataclass(frozen=True)
class AddressLimit:
    """A count of accepted requests per client address in a window, kept in the cache.

    The window starts with the first counted request and lasts the minutes of
    ``window_setting``; ``max_setting`` is the number of requests allowed in
    it. Both are versioned settings, read for ``region`` when one is given.
    """

    name: str
    max_setting: str
    window_setting: str

    def key(self, address: str) -> str:
        # A keyed hash keeps client addresses out of the cache's key space.
        return f"petitions:{self.name}:ip:{crypto.keyed_hash(limit_subject(address))[:32]}"

    def window_end_key(self, address: str) -> str:
        return self.key(address) + ":until"

    def count(self, address: str, *, region: Any = None) -> int:
        """Count one accepted request from the address and return the count of the window."""
        key, timeout = self.key(address), get_setting(self.window_setting, region=region) * 60
        started, counted = _start_and_count(key, timeout)
        if started:
            cache.set(self.window_end_key(address), time.time() + timeout, timeout)
        return counted

    def reserve(self, address: str, *, region: Any = None) -> None:
        """Count one request before it is handled, or raise AddressLimited if none is left.

        Counting first makes the check atomic, so parallel requests from one
        address cannot all pass a check that none of them has counted yet.
        Call ``release`` if the request then fails.
        """
        limit = get_setting(self.max_setting, region=region)
        if self.count(address, region=region) > limit:
            self.release(address)
            self.reject(address, limit, region)

    def release(self, address: str) -> None:
        """Take back a request counted by ``reserve`` that was not accepted."""
        # A ValueError means the window has ended, and its count with it.
        with contextlib.suppress(ValueError):
            cache.decr(self.key(address))

    def reject(self, address: str, limit: int, region: Any) -> NoReturn:
        minutes = get_setting(self.window_setting, region=region)
        window_end = cache.get(self.window_end_key(address))
        retry_at = (datetime.datetime.fromtimestamp(window_end, tz=datetime.UTC) if window_end
                    else timezone.now() + datetime.timedelta(minutes=minutes))
        logger.warning("request rejected by the %s limit of %s per %s minutes: address key %s",
                       self.name, limit, minutes, self.key(address)[-12:])
        raise AddressLimited(limit, minutes, retry_at)


INTAKE_LIMIT = AddressLimit("intake", INTAKE_MAX, INTAKE_WINDOW)


class IntakeLimited(Exception):
    """Raised when one client address has sent the most reports allowed in the window."""

    def __init__(self, limited: AddressLimited) -> None:
        self.minutes = limited.minutes
        self.retry_at = limited.retry_at
        self.retry_after_seconds = limited.retry_after_seconds
        super().__init__(_(
            "Too many reports were sent from your network in the last %(minutes)s minutes. "
            "Send it again after %(time)s, or call the petition office."
        ) % {"minutes": limited.minutes, "time": clock_time(limited.retry_at)})


@contextlib.contextmanager
def intake_allowance(address: str) -> Iterator[Callable[[], None]]:
    """Hold one report of the address's allowance while a checked report is filed.

    The report is counted before it is filed, so parallel requests from
    one address cannot all pass a check that none of them has counted yet.
    Raises IntakeLimited when nothing is left. The block calls the yielded
    function once the report is filed. If it does not, the share is given
    back when the block ends, whether it returned or raised.
    """
    try:
        INTAKE_LIMIT.reserve(address)
    except AddressLimited as limited:
        raise IntakeLimited(limited) from limited
    filed = False

    def keep() -> None:
        nonlocal filed
        filed = True

    try:
        yield keep
    finally:
        if not filed:
            INTAKE_LIMIT.release(address)
