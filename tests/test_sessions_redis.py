"""Staff sessions kept in a Redis cache, as production runs them when REDIS_URL is set.

The rest of the suite runs without Redis, on database sessions. These tests
need a Redis server at 127.0.0.1:6379 and skip without one. They use
database 12 under a key prefix of their own and delete only their own keys.
"""

import os
import re
import subprocess
import sys
import uuid

import pytest
import redis
from django.contrib.sessions.backends.cache import KEY_PREFIX as SESSION_KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

REDIS_LOCATION = "redis://127.0.0.1:6379/12"
CACHE_ENGINE = "django.contrib.sessions.backends.cache"
PASSWORD = "x-Pass-9271"
IDLE_SECONDS = 30 * 60


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_LOCATION, socket_timeout=1).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_answers(),
                                 reason="no Redis server answers at 127.0.0.1:6379")


@pytest.fixture
def redis_sessions(settings):
    prefix = f"test-sessions-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_LOCATION, "KEY_PREFIX": prefix}}
    settings.SESSION_ENGINE = CACHE_ENGINE
    server = redis.Redis.from_url(REDIS_LOCATION)
    yield server
    keys = list(server.scan_iter(match=f"{prefix}:*"))
    if keys:
        server.delete(*keys)


def session_redis_key(client: Client) -> str:
    return cache.make_key(SESSION_KEY_PREFIX + client.cookies["sessionid"].value)


def session_ttl(server: redis.Redis, client: Client) -> int:
    """Return the seconds the client's session has left in Redis; negative when it is gone."""
    return server.ttl(session_redis_key(client))


def log_in(client: Client, username: str = "operator_a") -> int:
    """Log in through the login page with its CSRF token; return the response status."""
    page = client.get(reverse("login")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD,
                                               "csrfmiddlewaretoken": token[1]})
    return response.status_code


def settings_value(name: str, **environment: str) -> str:
    """Return ``repr`` of a setting as sunshine.settings computes it in a fresh interpreter."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    code = f"import sunshine.settings as s; print(repr(getattr(s, {name!r}, None)))"
    completed = subprocess.run([sys.executable, "-c", code], env={**env, **environment},
                               capture_output=True, text=True, check=True, timeout=60)
    return completed.stdout.strip()


def test_settings_choose_session_engine():
    assert settings_value("SESSION_ENGINE", REDIS_URL=REDIS_LOCATION) == repr(CACHE_ENGINE)
    assert settings_value("SESSION_ENGINE") == "None"
    assert settings_value("SESSION_SAVE_EVERY_REQUEST", REDIS_URL=REDIS_LOCATION) == "True"


@needs_redis
def test_login_stores_session_in_redis(redis_sessions, operator_a):
    client = Client(enforce_csrf_checks=True)

    assert log_in(client) == 302

    assert client.get(reverse("funds:home")).status_code == 200
    assert 0 < session_ttl(redis_sessions, client) <= IDLE_SECONDS
    assert not Session.objects.exists()


@needs_redis
def test_request_restarts_idle_timeout(redis_sessions, operator_a):
    client = Client(enforce_csrf_checks=True)
    log_in(client)
    redis_sessions.expire(session_redis_key(client), 60)

    assert client.get(reverse("funds:home")).status_code == 200

    assert session_ttl(redis_sessions, client) > IDLE_SECONDS - 60


@needs_redis
def test_expired_session_redirects_to_login(redis_sessions, operator_a):
    client = Client(enforce_csrf_checks=True)
    log_in(client)
    redis_sessions.delete(session_redis_key(client))

    response = client.get(reverse("funds:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@needs_redis
def test_logout_needs_csrf_and_deletes_session(redis_sessions, operator_a):
    client = Client(enforce_csrf_checks=True)
    log_in(client)

    key = session_redis_key(client)

    assert client.post(reverse("logout")).status_code == 403
    assert redis_sessions.exists(key)

    token = client.cookies["csrftoken"].value
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert not redis_sessions.exists(key)
    assert client.get(reverse("funds:home")).status_code == 302


@needs_redis
def test_lockout_works_with_redis_sessions(redis_sessions, operator_a):
    client = Client(enforce_csrf_checks=True)
    failures = [Client().post(reverse("login"), {"username": "operator_a", "password": "wrong"})
                .status_code for _ in range(5)]

    assert failures == [200] * 5
    assert log_in(client) == 429
    assert "_auth_user_id" not in client.session
