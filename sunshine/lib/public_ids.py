"""Public numbers for database ids that do not reveal how many rows lie between two of them.

Open311 gives every public service request a ``service_request_id``. The
petition's primary key would do, but keys are sequential, and reports
(检举控告), which Open311 never shows, take keys from the same sequence. A gap
between two published keys would tell that hidden reports were filed in
between. A keyed permutation of the numbers below 2**48 maps each key to a
number that looks random, and back: a four-round Feistel network on two
24-bit halves, with HMAC-SHA256 as its round function.

The key is derived from ``SUNSHINE_HASH_KEY``, so a new hash key gives every
request a new public number, as it gives every look-up hash a new value.
"""

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

BITS = 48
HALF_BITS = BITS // 2
HALF_MASK = (1 << HALF_BITS) - 1
ROUNDS = 4
KEY_LABEL = b"sunshine public id"


@lru_cache(maxsize=4)
def _round_key(hash_key: str) -> bytes:
    return hmac.new(hash_key.encode(), KEY_LABEL, hashlib.sha256).digest()


def _round(key: bytes, number: int, half: int) -> int:
    message = bytes([number]) + half.to_bytes(HALF_BITS // 8, "big")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:HALF_BITS // 8], "big")


def public_number(pk: int) -> int:
    """Return the public number of a primary key from 0 to 2**48 - 1."""
    if not 0 <= pk <= (1 << BITS) - 1:
        raise ValueError(f"key {pk} is outside the 48-bit range of public numbers")
    key = _round_key(settings.SUNSHINE_HASH_KEY)
    left, right = pk >> HALF_BITS, pk & HALF_MASK
    for number in range(ROUNDS):
        left, right = right, left ^ _round(key, number, right)
    return (left << HALF_BITS) | right


def key_of(public: int) -> int | None:
    """Return the primary key of a public number, or None for a number outside the range."""
    if not 0 <= public <= (1 << BITS) - 1:
        return None
    key = _round_key(settings.SUNSHINE_HASH_KEY)
    left, right = public >> HALF_BITS, public & HALF_MASK
    for number in reversed(range(ROUNDS)):
        left, right = right ^ _round(key, number, left), left
    return (left << HALF_BITS) | right
