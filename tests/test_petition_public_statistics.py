"""The public petition statistics at /supervision/statistics/, published as of a cutoff.

A report (检举控告) filed or closed after the cutoff must not move the
public figures, because a leader whose dashboard leaves reports out could
otherwise tell from the difference when one was filed. Dates are in
Asia/Shanghai; the default cutoff is the start of the current month.
"""

import datetime

import pytest
from django.urls import reverse

from sunshine.organisation.models import Level, UnitKind
from sunshine.petitions import actions, public_statistics
from sunshine.petitions.models import Kind, Outcome
from sunshine.petitions.models_ops import PublishedStatistics
from sunshine.rules.models import Setting
from tests.petition_ops_data import accepted, at, make_category, register

pytestmark = pytest.mark.django_db

URL = reverse("supervision:statistics")


@pytest.fixture
def clock(time_machine):
    def move(year: int, month: int, day: int, hour: int = 10) -> None:
        time_machine.move_to(at(year, month, day, hour), tick=False)

    move(2026, 4, 20)
    return move


@pytest.fixture
def categories(db):
    return {
        "land": make_category(),
        "graft": make_category("graft", Kind.ACCUSATION, UnitKind.COMMISSION, Level.COUNTY),
    }


@pytest.fixture
def april(clock, categories, operator_a, township_operator, township_unit):
    """Two requests received in April, one of them still open."""
    replied = accepted(register(operator_a, categories["land"], phone="13900000001"),
                       township_operator)
    still_open = accepted(register(operator_a, categories["land"], phone="13900000002"),
                          township_operator)
    actions.reply(township_operator, replied, text="已修复。", outcome=Outcome.SUPPORT)
    return {"replied": replied, "open": still_open}


def received(client) -> int:
    return client.get(URL).context["summary"].received


def county_received(client, name: str) -> int:
    rows = client.get(URL).context["rows"]
    return next(row["figures"].received for row in rows if row["label"] == name)


def test_report_filed_after_the_cutoff_is_not_counted(client, clock, april, categories,
                                                      operator_a):
    clock(2026, 5, 6)
    before = received(client)
    county_before = county_received(client, "椒江区")

    register(operator_a, categories["graft"], phone="13900000009", is_anonymous=True)

    assert before == 2
    assert received(client) == before
    assert county_received(client, "椒江区") == county_before


def test_handled_petition_leaves_figures_unchanged(client, clock, april, township_operator):
    clock(2026, 5, 6)
    before = client.get(URL).context["summary"].backlog

    actions.reply(township_operator, april["open"], text="已处理。", outcome=Outcome.SUPPORT)

    assert before == 1
    assert client.get(URL).context["summary"].backlog == before
    assert PublishedStatistics.objects.count() == 1


def test_next_month_counts_the_new_report(client, clock, april, categories, operator_a):
    clock(2026, 5, 6)
    register(operator_a, categories["graft"], phone="13900000009", is_anonymous=True)
    clock(2026, 6, 1, hour=0)

    response = client.get(URL)

    assert response.context["summary"].received == 3
    assert response.context["as_of"] == at(2026, 6, 1, 0)
    assert response.context["last"] == datetime.date(2026, 5, 31)


def test_page_names_the_cutoff_date(client, clock, april):
    clock(2026, 5, 6)

    text = client.get(URL).content.decode()

    assert "以下为截至 2026-05-01 零时的数字" in text
    assert "不实时更新" in text
    assert "积压件数为 2026-05-06 计算这些数字时仍在等待办理的件数" in text


def test_daily_cutoff_counts_before_today(client, clock, categories, operator_a):
    Setting.objects.create(key=public_statistics.CUTOFF, value="day",
                           effective_from=datetime.date(2026, 1, 1))
    register(operator_a, categories["land"], phone="13900000001")

    assert received(client) == 0
    clock(2026, 4, 21)
    assert received(client) == 1


def test_cutoff_follows_the_setting(clock, db):
    assert public_statistics.cutoff() == at(2026, 4, 1, 0)

    Setting.objects.create(key=public_statistics.CUTOFF, value="day",
                           effective_from=datetime.date(2026, 1, 1))

    assert public_statistics.cutoff() == at(2026, 4, 20, 0)


def test_english_page_labels_figures(client, clock, april):
    clock(2026, 5, 6)

    text = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Figures as of the start of 2026-05-01" in text
