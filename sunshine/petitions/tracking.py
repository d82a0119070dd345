"""Tracking codes and secrets with which a reporter follows a petition without an account.

A tracking code is 12 characters from a 31-letter alphabet without the
look-alikes 0/O, 1/I/L (about 59 bits), drawn with ``secrets``; the secret
is 10 more (about 50 bits). Only a keyed hash (HMAC-SM3) of code and secret
is stored. ``lookup`` returns the same answer for an unknown code and for a
wrong secret, and counts failures in the cache per client address, per code
and per code and address. Past the thresholds (versioned settings) a
look-up is refused until the lockout ends, even with the right secret: from
an address with too many failures, of a code that address failed too often,
and of a code that failed too often from anywhere, from each address that
failed it ``petitions.tracking_max_failures_under_attack`` times (2: one
typing error is forgiven). An address that failed a code less often may
still look it up, so guesses of others cannot lock the reporter out of
rating or asking for review. Once the code is under attack, a guesser needs
a new address for every two guesses. ``read_status`` serves the reporter's repeated reads of one
petition from the shared cache and checks the secret on every read.
"""

import datetime
import logging
import secrets
import time
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sunshine.lib import crypto
from sunshine.lib.client_address import limit_subject
from sunshine.lib.local_time import clock_time, seconds_until
from sunshine.petitions.models import Petition, ReceivedReport
from sunshine.petitions.models import format_code as format_code  # printed form, used by views
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
SECRET_LENGTH = 10
MAX_FAILURES_PER_IP = "petitions.tracking_max_failures_per_ip"
MAX_FAILURES_PER_CODE = "petitions.tracking_max_failures_per_code"
MAX_FAILURES_UNDER_ATTACK = "petitions.tracking_max_failures_under_attack"
LOCKOUT_MINUTES = "petitions.tracking_lockout_minutes"
# Seconds a reporter's status view is kept in the shared cache; see read_status.
STATUS_SECONDS = 3600
# Part of the key of a kept status view. Raise it when the view's form changes, so that
# views kept in the old form are not served after a deployment.
STATUS_FORMAT = 2
T = TypeVar("T")
# Compared against when the code is unknown, so that case takes as long as a wrong secret.
_UNKNOWN_CODE_HASH = "0" * 64
# Unicode categories left out of a typed code: dashes, spaces and format characters.
_DROPPED_CATEGORIES = frozenset({"Pd", "Zs", "Cf"})


class TrackingLocked(Exception):
    """Raised when too many look-ups failed from one address or for one code."""

    def __init__(self, retry_at: datetime.datetime) -> None:
        self.retry_at = retry_at
        super().__init__(
            _("Too many failed look-ups of this tracking code or from your network. Try again "
              "after %(time)s, or call the petition office.") % {"time": clock_time(retry_at)}
        )

    def retry_after_seconds(self) -> int:
        """Return the whole seconds until look-ups are allowed again, for a Retry-After header."""
        return seconds_until(self.retry_at)


def random_text(length: int) -> str:
    """Return ``length`` characters drawn uniformly from ``ALPHABET`` with ``secrets``.

    Bytes from 248 up are dropped, so that each of the 31 characters has 8
    of the 248 byte values kept: drawing a byte per character is faster
    than ``secrets.choice``, which the report API's receipts feel.
    """
    kept = len(ALPHABET) * (256 // len(ALPHABET))
    chosen: list[str] = []
    while len(chosen) < length:
        chosen.extend(ALPHABET[byte % len(ALPHABET)] for byte in secrets.token_bytes(2 * length)
                      if byte < kept)
    return "".join(chosen[:length])


def new_code() -> str:
    """Return a tracking code that no petition uses yet."""
    while True:
        code = random_text(CODE_LENGTH)
        if not (Petition.all_objects.filter(tracking_code=code).exists()
                or ReceivedReport.objects.filter(tracking_code=code).exists()):
            return code


def new_secret() -> str:
    return random_text(SECRET_LENGTH)


def normalize(text: str) -> str:
    """Return a code or secret without spaces or dashes, in capitals, as printed on receipts.

    NFKC folds the full-width letters and digits that a Chinese keyboard types
    in full-width mode. Spaces, dashes and invisible format characters of any
    width are dropped.
    """
    folded = unicodedata.normalize("NFKC", str(text)).upper()
    return "".join(ch for ch in folded
                   if not ch.isspace() and unicodedata.category(ch) not in _DROPPED_CATEGORIES)


def secret_hash(code: str, secret: str) -> str:
    return crypto.keyed_hash(f"petition-tracking:{normalize(code)}:{normalize(secret)}")


def _code_digest(code: str) -> str:
    # Keyed hashes keep client addresses and codes out of the cache's key space.
    return crypto.keyed_hash(code)[:32]


@lru_cache(maxsize=1024)
def _address_key(client_ip: str) -> str:
    # A process serves few distinct addresses between restarts, and the hash key
    # is fixed for the life of the process.
    return f"petitions:track:ip:{crypto.keyed_hash(limit_subject(client_ip))[:32]}"


def _counter_keys(digest: str, client_ip: str) -> tuple[str, str, str]:
    """Return the failure counters of the address, of the code, and of the code from the address."""
    address = _address_key(client_ip)
    code = f"petitions:track:code:{digest}"
    return (address, code, f"{code}:{address.rsplit(':', 1)[-1]}")


def _window_end_key(key: str) -> str:
    return key + ":until"


def _record_failure(keys: tuple[str, str, str], timeout: int) -> tuple[int, int, int]:
    """Count a failure under every key and return the new counts.

    A count's window starts with its first failure; the moment it ends is
    kept beside it for the lockout message.
    """
    counts = []
    for key in keys:
        if cache.add(key, 0, timeout):
            cache.set(_window_end_key(key), time.time() + timeout, timeout)
        try:
            counts.append(int(cache.incr(key)))
        except ValueError:
            # The counter expired between add and incr; start it again.
            cache.set(key, 1, timeout)
            cache.set(_window_end_key(key), time.time() + timeout, timeout)
            counts.append(1)
    return counts[0], counts[1], counts[2]


def _over_limits(address_count: int, code_count: int, pair_count: int) -> bool:
    """Return whether an address with these failure counts is locked out of a code."""
    code_limit = get_setting(MAX_FAILURES_PER_CODE)
    return (address_count >= get_setting(MAX_FAILURES_PER_IP)
            or pair_count >= code_limit
            or (code_count >= code_limit
                and pair_count >= get_setting(MAX_FAILURES_UNDER_ATTACK)))


def _lockout(keys: tuple[str, str, str]) -> TrackingLocked:
    """Return the lockout error, naming when the latest of the counting windows ends."""
    ends = cache.get_many([_window_end_key(key) for key in keys])
    minutes = get_setting(LOCKOUT_MINUTES)
    end = max(ends.values(), default=time.time() + minutes * 60)
    logger.warning("tracking look-up rejected during lockout: code key %s", keys[1][-12:])
    return TrackingLocked(datetime.datetime.fromtimestamp(end, tz=datetime.UTC))


def _locked(keys: tuple[str, str, str], found: dict[str, Any]) -> bool:
    address, code, pair = (int(found.get(key, 0)) for key in keys)
    return _over_limits(address, code, pair)


def _check_lockout(keys: tuple[str, str, str], found: dict[str, Any]) -> None:
    if _locked(keys, found):
        raise _lockout(keys)


def _failed(keys: tuple[str, str, str], known: bool) -> None:
    """Count a failed look-up; raise TrackingLocked when it went past a limit.

    Parallel look-ups may all pass the lockout check before any of them
    fails. Because the response follows the count, only the failures within
    the limits get the plain "no match" response, and the rest get the
    lockout error.
    """
    address_count, code_count, pair_count = _record_failure(keys,
                                                            get_setting(LOCKOUT_MINUTES) * 60)
    logger.info("tracking look-up failed: code key %s, known code %s", keys[1][-12:], known)
    if _over_limits(address_count - 1, code_count - 1, pair_count - 1):
        raise _lockout(keys)


def _matches(stored: str, code: str, secret: str) -> bool:
    return crypto.constant_time_equal(stored, secret_hash(code, secret))


def _find(code: str, secret: str,
          keys: tuple[str, str, str]) -> Petition | ReceivedReport | None:
    """Return the petition when code and secret match; otherwise count a failure.

    A report that has its receipt but is not registered yet, or was not
    accepted at registration, is returned as its ``ReceivedReport``.
    """
    petition = (Petition.all_objects.select_related("category", "region", "assigned_unit")
                .filter(tracking_code=code).first())
    # Both tables are read for every code, so an unknown code takes as long as a known one.
    received = (ReceivedReport.objects.select_related("category", "region")
                .filter(tracking_code=code).exclude(outcome=ReceivedReport.Outcome.REGISTERED)
                .first())
    found: Petition | ReceivedReport | None = petition or received
    stored = found.secret_hash if found is not None else _UNKNOWN_CODE_HASH
    if _matches(stored, code, secret) and found is not None:
        return found
    _failed(keys, found is not None)
    return None


def lookup(code: str, secret: str, *,
           client_ip: str) -> Petition | ReceivedReport | None:
    """Return the petition for a tracking code and secret, or None when either is wrong.

    A report still waiting for registration, or refused at it, is returned as
    its ``ReceivedReport``.

    Raises TrackingLocked when the client address or the code has too many
    recent failures.
    """
    code = normalize(code)
    keys = _counter_keys(_code_digest(code), client_ip)
    _check_lockout(keys, cache.get_many(list(keys)))
    return _find(code, secret, keys)


def _status_key(digest: str, language: str, day: datetime.date) -> str:
    return f"petitions:status:v{STATUS_FORMAT}:{digest}:{language}:{day.isoformat()}"


def read_status(code: str, secret: str, *, client_ip: str,
                build: Callable[[Petition | ReceivedReport], T]) -> T | None:
    """Return ``build(petition)`` for a tracking code and secret, or None when either is wrong.

    The reporter's view changes only when someone acts on the petition. So
    the built status is kept in the shared cache per language and day,
    because deadlines are shown as due soon or overdue against today. The
    secret's hash is kept with it and checked on every read. Every write to
    the petition, its steps, replies or extensions drops it
    (``forget_status``). Names of units, regions and categories may be
    stale for up to ``STATUS_SECONDS``. Lockouts apply as in ``lookup`` and
    are read in the same round trip as the kept status.
    """
    code = normalize(code)
    digest = _code_digest(code)
    keys = _counter_keys(digest, client_ip)
    status_key = _status_key(digest, translation.get_language() or "", timezone.localdate())
    found = cache.get_many([*keys, status_key])
    _check_lockout(keys, found)
    kept = found.get(status_key)
    if kept is not None:
        stored, value = kept
        if _matches(stored, code, secret):
            return value
        _failed(keys, True)
        return None

    matched = _find(code, secret, keys)
    if matched is None:
        return None
    value = build(matched)
    # A received report changes when it is registered, which is not a write to a petition.
    if isinstance(matched, Petition):
        cache.set(status_key, (matched.secret_hash, value), STATUS_SECONDS)
    return value


def peek_status(code: str, secret: str, *, client_ip: str, language: str) -> Any | None:
    """Return the kept status for a code and secret, or None, without counting or logging.

    None means the caller must run ``read_status``: nothing is kept, the
    secret is wrong or a lockout applies. That full look-up counts the
    failure once.
    """
    code = normalize(code)
    digest = _code_digest(code)
    keys = _counter_keys(digest, client_ip)
    status_key = _status_key(digest, language, timezone.localdate())
    found = cache.get_many([*keys, status_key])
    kept = found.get(status_key)
    if kept is None or _locked(keys, found):
        return None
    stored, value = kept
    return value if _matches(stored, code, secret) else None


def forget_status(code: str) -> None:
    """Drop the kept status of a petition in every language, for today."""
    digest, today = _code_digest(normalize(code)), timezone.localdate()
    cache.delete_many([_status_key(digest, language, today)
                       for language, _name in settings.LANGUAGES])


def public_step_condition(prefix: str = "") -> Q:
    """Return the condition on a step that lets the reporter see it.

    ``prefix`` is the lookup path from another model, such as ``events__``
    from a petition.
    """
    return Q(**{f"{prefix}is_public": True})


def public_events(petition: Petition):
    """Return the steps the reporter sees when following the petition."""
    return petition.events.filter(public_step_condition()).order_by("at", "id")
