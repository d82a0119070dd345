"""A session's repeated staff page comes from the shared cache until a write or a change of rights.

These tests commit for real (``transaction=True``): inside a transaction
nothing is cached. Sessions live in the cache here, as they do whenever
``REDIS_URL`` is set, because only then does the page cache switch on.
"""

import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from sunshine.lib import staff_pages
from sunshine.organisation import actions as org_actions
from tests.merit_data import make_person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("cache_sessions"),
]

MINE = "/staff/merit/"
RATE = "/staff/duties/rate/?region=331002"
SESSION = settings.SESSION_COOKIE_NAME


@pytest.fixture
def cache_sessions():
    cache.clear()
    with override_settings(SESSION_ENGINE=staff_pages.CACHE_SESSION_ENGINE):
        yield
    cache.clear()


@pytest.fixture
def cadre(operator_a, unit_a):
    return make_person(operator_a, unit_a, name="张三")


def logged_in(user) -> Client:
    """A client that logs in as a browser does: the login page gives it its CSRF cookie."""
    client = Client()
    client.get(settings.LOGIN_URL)
    client.force_login(user)
    return client


def rename_behind_the_cache(person, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE organisation_person SET name = %s WHERE id = %s", [name, person.pk])


def test_reload_served_from_cache(cadre, operator_a):
    client = logged_in(operator_a)
    first = client.get(MINE)
    assert "张三" in first.content.decode()
    rename_behind_the_cache(cadre, "王五")

    again = client.get(MINE)

    assert again.status_code == 200
    assert again.content == first.content
    assert "王五" not in again.content.decode()


def test_hit_extends_session_expiry(cadre, operator_a):
    client = logged_in(operator_a)
    client.get(MINE)
    session_entry = "django.contrib.sessions.cache" + client.cookies[SESSION].value
    cache.touch(session_entry, 1)

    hit = client.get(MINE)
    time.sleep(1.5)

    assert hit.cookies[SESSION]["max-age"] == settings.SESSION_COOKIE_AGE
    assert hit.cookies[SESSION].value == client.cookies[SESSION].value
    assert cache.get(session_entry) is not None
    assert client.get(MINE).status_code == 200


def test_another_session_gets_its_own_page(cadre, operator_a, operator_b, unit_b):
    make_person(operator_b, unit_b, name="李四")
    logged_in(operator_a).get(MINE)

    other = logged_in(operator_b).get(MINE).content.decode()

    assert "李四" in other
    assert "张三" not in other


def test_audited_write_refreshes_page(cadre, operator_a, unit_a):
    client = logged_in(operator_a)
    client.get(MINE)
    rename_behind_the_cache(cadre, "王五")

    org_actions.create_unit(None, name="椒江区审计局", region=unit_a.region, kind=unit_a.kind)

    assert "王五" in client.get(MINE).content.decode()


def test_logged_out_session_loses_pages(cadre, operator_a):
    client = logged_in(operator_a)
    client.get(MINE)
    cookie = client.cookies[SESSION].value
    client.logout()

    stranger = Client()
    stranger.cookies[SESSION] = cookie
    response = stranger.get(MINE)

    assert response.status_code == 302
    assert settings.LOGIN_URL in response["Location"]


def test_deactivated_user_loses_pages(cadre, operator_a):
    client = logged_in(operator_a)
    client.get(MINE)

    operator_a.is_active = False
    operator_a.save()

    assert client.get(MINE).status_code == 302


def test_password_change_ends_sessions(cadre, operator_a):
    client = logged_in(operator_a)
    client.get(MINE)

    operator_a.set_password("another-Secret-2026")
    operator_a.save()

    assert client.get(MINE).status_code == 302


def test_withdrawn_person_link_shows(cadre, operator_a):
    client = logged_in(operator_a)
    assert "张三" in client.get(MINE).content.decode()

    cadre.user = None
    cadre.save()

    assert "张三" not in client.get(MINE).content.decode()


def test_languages_are_kept_apart(cadre, operator_a):
    client = logged_in(operator_a)
    chinese = client.get(MINE).content.decode()
    english = client.get(MINE, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "积分" in chinese
    assert "points" in english.lower()
    assert "积分" not in english


def test_database_sessions_leave_the_cache_off(cadre, operator_a):
    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db"):
        client = logged_in(operator_a)
        client.get(MINE)
        rename_behind_the_cache(cadre, "王五")

        assert "王五" in client.get(MINE).content.decode()


def test_reloaded_rate_page_reads_no_task(city_admin):
    client = logged_in(city_admin)
    first = client.get(RATE)
    assert first.status_code == 200

    with CaptureQueriesContext(connection) as queries:
        again = client.get(RATE)

    assert again.content == first.content
    assert not [query for query in queries if "duties_" in query["sql"]]


@pytest.mark.parametrize("query", ["?page=1&x=1", "?page=1&page=2", "?page=1234567890123"])
def test_odd_queries_are_not_kept(cadre, operator_a, query):
    client = logged_in(operator_a)
    client.get(MINE + query)
    rename_behind_the_cache(cadre, "王五")

    assert "王五" in client.get(MINE + query).content.decode()


def test_known_query_is_kept(cadre, operator_a):
    client = logged_in(operator_a)
    client.get(MINE + "?page=1")
    rename_behind_the_cache(cadre, "王五")

    assert "王五" not in client.get(MINE + "?page=1").content.decode()
