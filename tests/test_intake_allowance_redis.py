"""The per-address report allowance on a Redis cache, where it is one round trip per report.

Needs a Redis server at 127.0.0.1:6379 and skips without one. Uses database
12 under a key prefix of its own and deletes only its own keys.
"""

import datetime
import uuid

import pytest
import redis
from django.core.cache import cache

from sunshine.petitions.views.access import INTAKE_LIMIT, AddressLimited
from sunshine.rules.models import Setting
from tests.test_sessions_redis import REDIS_LOCATION, needs_redis

pytestmark = [pytest.mark.django_db, needs_redis]

ADDRESS = "198.51.100.9"


@pytest.fixture
def redis_cache(settings):
    prefix = f"test-allowance-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_LOCATION, "KEY_PREFIX": prefix}}
    Setting.objects.create(key="petitions.intake_max_per_ip", value=2,
                           effective_from=datetime.date(2020, 1, 1))
    server = redis.Redis.from_url(REDIS_LOCATION)
    yield server
    keys = list(server.scan_iter(match=f"{prefix}:*"))
    if keys:
        server.delete(*keys)


def test_allowance_counts_in_one_key(redis_cache):
    INTAKE_LIMIT.reserve(ADDRESS)
    INTAKE_LIMIT.reserve(ADDRESS)

    with pytest.raises(AddressLimited) as limited:
        INTAKE_LIMIT.reserve(ADDRESS)

    key = cache.make_key(INTAKE_LIMIT.key(ADDRESS))
    assert int(redis_cache.get(key)) == 2
    assert 0 < redis_cache.ttl(key) <= 60 * 60
    assert cache.get(INTAKE_LIMIT.window_end_key(ADDRESS)) is not None
    assert limited.value.retry_after_seconds() > 0


def test_released_share_can_be_taken_again(redis_cache):
    INTAKE_LIMIT.reserve(ADDRESS)
    INTAKE_LIMIT.reserve(ADDRESS)

    INTAKE_LIMIT.release(ADDRESS)
    INTAKE_LIMIT.reserve(ADDRESS)

    assert cache.get(INTAKE_LIMIT.key(ADDRESS)) == 2
