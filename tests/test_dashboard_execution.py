"""The execution-rate dashboard page, over the demo's calibrated execution data.

Rates are checked against ``expected_counts``, a count written here from
the definition shown on the page, not through ``sunshine.duties.rates``.
Time is frozen on the demo's data date.
"""

import datetime
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from sunshine.dashboard.execution import LISTED_UNITS
from sunshine.dashboard.templatetags.dashboard_format import rate
from sunshine.demo.builder import stage_rng
from sunshine.demo.duties import build_duties
from sunshine.demo.organisation import build_organisation
from sunshine.demo.schedule import AS_OF
from sunshine.duties.models import Task
from sunshine.duties.periods import Period, quarter, year
from sunshine.lib.money import ratio
from sunshine.organisation.models import Region

pytestmark = pytest.mark.django_db
NOW = datetime.datetime.combine(AS_OF, datetime.time(12), tzinfo=ZoneInfo("Asia/Shanghai"))
YEAR = year(AS_OF.year)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Build the demo units and execution data once, in a transaction rolled back at the end."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        organisation = build_organisation(None, stage_rng(3, "organisation"), 1)
        yield build_duties(None, stage_rng(3, "duties"), organisation)
        transaction.set_rollback(True)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def login(client, username: str):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def expected_counts(region_code: str, period: Period, today: datetime.date,
                    unit_id: int | None = None) -> tuple[int, int]:
    """Count due and done-on-time tasks led by units in the region, from the task rows."""
    due = done = 0
    last = min(period.end, today)
    path = Region.objects.get(code=region_code).path
    tasks = Task.objects.filter(lead_unit__region__path__startswith=path)
    if unit_id is not None:
        tasks = tasks.filter(lead_unit_id=unit_id)
    for deadline, completed, cancelled in tasks.values_list("deadline", "completed_on",
                                                             "cancelled_on"):
        if cancelled is not None:
            continue
        in_period = period.start <= deadline <= last
        carried = deadline < period.start and (completed is None or completed >= period.start)
        if in_period or carried:
            due += 1
            if in_period and completed is not None and completed <= deadline:
                done += 1
    return due, done


def page(client, code: str, period: str = "2026"):
    url = reverse("dashboard:execution_region", args=[code])
    return client.get(url, {"period": period}, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_county_rates_equal_independent_counts(demo, frozen, client):
    response = page(login(client, "jiaojiang"), "331002")
    lines = response.context["lines"]
    townships = [line for line in lines if "page" in line.urls and "rate" in line.urls]

    assert response.status_code == 200
    assert len(townships) == Region.objects.get(code="331002").children.current().count()
    for line in townships:
        code = parse_qs(urlparse(line.urls["rate"]).query)["region"][0]
        due, done = expected_counts(code, YEAR, AS_OF)
        assert (line.counts.due, line.counts.done_on_time) == (due, done), line.label
        assert rate(ratio(done, due)) in response.content.decode(), line.label


def test_county_total_and_definition_shown(demo, frozen, client):
    response = page(login(client, "jiaojiang"), "331002")
    total = response.context["total"].counts
    due, done = expected_counts("331002", YEAR, AS_OF)
    text = response.content.decode()

    assert (total.due, total.done_on_time) == (due, done)
    assert f">{rate(ratio(done, due))}</a>" in text
    assert "按时完成的任务数 ÷ 应完成的任务数" in text
    assert "Cancelled tasks never count" not in text


def test_county_shows_weak_and_strong_townships(demo, frozen, client):
    response = page(login(client, "admin"), "331002")
    rates_shown = [line.counts.execution_rate for line in response.context["lines"]
                   if line.counts.execution_rate is not None and "rate" in line.urls]

    assert min(rates_shown) <= 0.70
    assert max(rates_shown) >= 0.90


def test_due_links_list_the_counted_tasks(demo, frozen, client):
    login(client, "jiaojiang")
    line = page(client, "331002").context["lines"][0]

    for measure, expected in (("due", line.counts.due), ("done_on_time", line.counts.done_on_time)):
        listing = client.get(line.urls[measure], HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert listing.status_code == 200
        assert listing.context["page"].paginator.count == expected, measure


def test_region_rows_link_to_drill_downs(demo, frozen, client):
    response = page(login(client, "admin"), "331000")
    county = next(line for line in response.context["lines"] if line.label == "椒江区")

    assert county.urls["page"].startswith(reverse("dashboard:execution_region", args=["331002"]))
    assert county.urls["rate"].startswith(reverse("duties:execution_rate"))
    assert client.get(county.urls["rate"]).status_code == 200
    assert client.get(county.urls["page"]).status_code == 200
    assert county.urls["rate"] in response.content.decode().replace("&amp;", "&")


def test_top_and_bottom_units_are_ordered(demo, frozen, client):
    response = page(login(client, "admin"), "331000")
    top, bottom = response.context["top"], response.context["bottom"]
    minimum = response.context["min_due"]

    assert len(top) == LISTED_UNITS
    assert len(bottom) == LISTED_UNITS
    top_rates = [line.counts.execution_rate for line in top]
    bottom_rates = [line.counts.execution_rate for line in bottom]
    assert top_rates == sorted(top_rates, reverse=True)
    assert bottom_rates == sorted(bottom_rates)
    assert min(top_rates) >= max(bottom_rates)
    for line in top + bottom:
        unit_id = int(parse_qs(urlparse(line.urls["due"]).query)["unit"][0])
        due, done = expected_counts("331000", YEAR, AS_OF, unit_id)
        assert line.counts.due >= minimum
        assert (line.counts.due, line.counts.done_on_time) == (due, done)


def test_composite_shown_for_quarters_only(demo, frozen, client):
    login(client, "jiaojiang")
    by_year = page(client, "331002", "2026")
    by_quarter = page(client, "331002", quarter(2026, 4).key)

    assert by_year.context["composite"] is None
    summary = by_quarter.context["composite"]
    assert summary is not None
    assert summary.scored >= 1
    scores = [line.composite.score for line in summary.top]
    assert scores == sorted(scores, reverse=True)
    assert summary.url in by_quarter.content.decode().replace("&amp;", "&")


def test_scope_and_bad_requests(demo, frozen, client):
    login(client, "jiaojiang")

    assert page(client, "331003").status_code == 403
    assert page(client, "331002", "2026Q9").status_code == 400
    assert "2026Q9" in page(client, "331002", "2026Q9").content.decode()
    assert client.get(reverse("dashboard:execution_region", args=["331099"])).status_code == 404
    assert client.post(reverse("dashboard:execution_region", args=["331002"])).status_code == 405


def test_index_opens_the_users_region(demo, frozen, client):
    response = login(client, "haimen").get(reverse("dashboard:execution"))

    assert response.status_code == 200
    assert response.context["region"].code == "331002001"


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("dashboard:execution_region", args=["331002"]))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
