"""The per-address allowance of new reports: counted before a report is handled.

Each test allows two reports per address an hour. A report in progress
keeps its share, so requests that arrive together cannot all pass a check
that none of them has counted yet. A report that is refused gives its
share back.
"""

import datetime
import threading

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.urls import reverse

from sunshine.petitions.models import Petition
from sunshine.petitions.views.access import IntakeLimited, intake_allowance
from sunshine.rules.models import Setting
from tests.petition_web_data import NOW, TOWNSHIP, make_categories, report_form

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.7"
PORTAL = reverse("petitions:report_new")
API = "/api/v1/reports/"


@pytest.fixture(autouse=True)
def setup(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    make_categories()
    Setting.objects.create(key="petitions.intake_max_per_ip", value=2,
                           effective_from=datetime.date(2020, 1, 1))
    yield
    cache.clear()


def api_report(text: str = "村口道路塌陷。") -> dict:
    return {"kind": "request", "category": "roads", "region": TOWNSHIP, "text": text}


def post_api(body: dict) -> int:
    return Client().post(API, body, content_type="application/json",
                         REMOTE_ADDR=ADDRESS).status_code


def test_reports_in_progress_hold_the_allowance():
    with intake_allowance(ADDRESS), intake_allowance(ADDRESS), pytest.raises(IntakeLimited):
        intake_allowance(ADDRESS).__enter__()


def test_unfiled_report_gives_its_share_back():
    for _ in range(3):
        with intake_allowance(ADDRESS):
            pass  # refused: never kept

    with intake_allowance(ADDRESS) as keep:
        keep()
    with intake_allowance(ADDRESS) as keep:
        keep()
    with pytest.raises(IntakeLimited):
        intake_allowance(ADDRESS).__enter__()


def test_share_is_given_back_when_filing_raises():
    with pytest.raises(RuntimeError), intake_allowance(ADDRESS):
        raise RuntimeError("the database went away")

    assert post_api(api_report()) == 201
    assert post_api(api_report()) == 201
    assert post_api(api_report()) == 429


def test_invalid_reports_do_not_use_the_allowance():
    for _ in range(3):
        assert post_api(api_report(text="   ")) == 400

    assert post_api(api_report()) == 201
    assert post_api(api_report()) == 201
    assert post_api(api_report()) == 429
    assert Petition.all_objects.count() == 2


def test_limit_message_names_the_time_to_send_again():
    post_api(api_report())
    post_api(api_report())

    response = Client().post(API, api_report(), content_type="application/json",
                             REMOTE_ADDR=ADDRESS)

    assert response.status_code == 429
    # NOW is 2 Mar 2026 10:00 in Shanghai; the window of 60 minutes opened then.
    assert "请在 11:00 之后再提交" in response.json()["detail"]
    assert response["Retry-After"] == "3600"


def test_limit_message_dates_a_later_day():
    Setting.objects.create(key="petitions.intake_window_minutes", value=24 * 60,
                           effective_from=datetime.date(2020, 1, 1))
    post_api(api_report())
    post_api(api_report())

    response = Client().post(API, api_report(), content_type="application/json",
                             REMOTE_ADDR=ADDRESS)

    assert response.status_code == 429
    assert "请在 2026-03-03 10:00 之后再提交" in response.json()["detail"]
    assert response["Retry-After"] == str(24 * 3600)


def test_invalid_report_is_checked_first():
    post_api(api_report())
    post_api(api_report())

    response = Client().post(API, api_report(text="   "), content_type="application/json",
                             REMOTE_ADDR=ADDRESS)

    assert response.status_code == 400
    assert "text" in response.json()["errors"]


def test_portal_counts_with_the_api():
    assert post_api(api_report()) == 201
    assert Client().post(PORTAL, report_form(), REMOTE_ADDR=ADDRESS).status_code == 201

    third = Client().post(PORTAL, report_form(), REMOTE_ADDR=ADDRESS)

    assert third.status_code == 429
    assert "请在 11:00 之后再提交" in third.content.decode()
    assert third["Retry-After"] == "3600"


@pytest.mark.django_db(transaction=True)
def test_parallel_reports_stop_at_limit():
    start, finish = threading.Barrier(6), threading.Event()
    outcomes: list[str] = []

    def report() -> None:
        start.wait()
        try:
            with intake_allowance(ADDRESS) as keep:
                outcomes.append("in progress")
                finish.wait(10)
                keep()
        except IntakeLimited:
            outcomes.append("limited")
        finally:
            connections.close_all()  # the settings were read on this thread's own connection

    threads = [threading.Thread(target=report) for _ in range(6)]
    for thread in threads:
        thread.start()
    for _ in range(1000):
        if len(outcomes) == 6:
            break
        threading.Event().wait(0.01)
    finish.set()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["in progress"] * 2 + ["limited"] * 4
