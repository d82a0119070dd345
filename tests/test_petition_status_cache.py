"""The reporter's status view of a petition, kept in the shared cache between writes.

A read with the right secret stores the view. A repeated read is served from
the cache without touching the database, and the secret is still checked. Any
step on the petition drops the view once its transaction commits.
"""

import pytest
from django.core.cache import cache

from sunshine.petitions import actions
from sunshine.petitions.models import Outcome, Petition
from tests.petition_web_data import NOW, file_by_api

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def filed(client, township_unit):
    return file_by_api(client)


def read(client, filed, secret=None, **headers):
    return client.get(f"{REPORTS}{filed['tracking_code']}/",
                      HTTP_X_TRACKING_SECRET=secret or filed["secret"], **headers)


def test_status_repeated_read_no_query(client, filed, django_assert_num_queries):
    first = read(client, filed)

    with django_assert_num_queries(0):
        second = read(client, filed)

    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert second.json()["state"] == "received"


def test_status_kept_view_needs_secret(client, filed):
    read(client, filed)

    wrong = read(client, filed, secret="2222222222")

    assert wrong.status_code == 404
    assert wrong.json()["detail"] == "查询码和密码不匹配任何件，请对照回执核对两者。"


def test_status_kept_view_failures_lock(client, filed):
    from sunshine.rules.values import get_setting

    read(client, filed)
    limit = get_setting("petitions.tracking_max_failures_per_code")
    for _ in range(limit):
        assert read(client, filed, secret="2222222222").status_code == 404

    assert read(client, filed).status_code == 429


def test_status_reply_shows_on_next_read(client, filed, township_operator,
                                        django_capture_on_commit_callbacks):
    before = read(client, filed).json()
    petition = Petition.all_objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        petition = actions.accept(township_operator, petition, notice="已受理。")
    with django_capture_on_commit_callbacks(execute=True):
        actions.reply(township_operator, petition, text="已修复。", outcome=Outcome.SUPPORT)
    after = read(client, filed).json()

    assert before["replies"] == []
    assert after["state"] == "replied"
    assert after["replies"][0]["text"] == "已修复。"


def test_status_view_per_language(client, filed):
    chinese = read(client, filed).json()
    english = read(client, filed, HTTP_ACCEPT_LANGUAGE="en").json()

    assert chinese["state_label"] == "已登记"
    assert english["state_label"] != chinese["state_label"]
    assert english["state"] == chinese["state"]


def test_status_kept_read_keeps_headers(client, filed):
    first = read(client, filed)
    second = read(client, filed)
    english = read(client, filed, HTTP_ACCEPT_LANGUAGE="en")
    again_english = read(client, filed, HTTP_ACCEPT_LANGUAGE="en")

    def headers(response):
        return {k: v for k, v in response.headers.items() if k != "Content-Length"}

    assert headers(second) == headers(first)
    assert second.content == first.content
    assert "no-store" in second["Cache-Control"]
    assert second["X-Content-Type-Options"] == "nosniff"
    assert again_english.content == english.content
    assert again_english["Content-Language"] == "en"
