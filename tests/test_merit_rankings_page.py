"""The ranking page: pages of rows, drill-down links on every page, and the minimum sample."""

import datetime

import pytest
from django.urls import reverse

from sunshine.funds.views.access import PAGE_SIZE
from tests.merit_data import NOW, make_directive, make_leader, make_person, make_task, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def last(operator_a, unit_a):
    """A person with a penalty, so they rank last behind everyone with 0 points."""
    cadre = make_person(operator_a, unit_a)
    task = make_task(operator_a, make_directive(operator_a, unit_a), "1", responsible_person=cadre)
    post("task_overdue", cadre, task, datetime.date(2026, 2, 27))
    return cadre


def rows_of(text: str) -> int:
    table = text.split('<table class="ranking">')[1].split("</table>")[0]
    return table.count("<tr>") - 1


def test_rankings_split_into_pages(client, leader_a, unit_a, last):
    for n in range(PAGE_SIZE + 4):
        make_person(None, unit_a, name=f"干部{n:02d}")
    client.force_login(leader_a)
    query = {"unit": unit_a.pk, "period": "2026Q1"}

    first = client.get(reverse("merit:rankings"), query).content.decode()
    second = client.get(reverse("merit:rankings"), {**query, "page": 2}).content.decode()

    assert rows_of(first) == PAGE_SIZE
    assert rows_of(second) == 5
    assert f"unit={unit_a.pk}&amp;period=2026Q1&amp;page=2" in first
    assert f"?person={last.pk}&amp;period=2026Q1" in second
    assert f"?person={last.pk}&amp;" not in first


def test_rankings_page_past_the_end_shows_last(client, leader_a, unit_a, last):
    for n in range(PAGE_SIZE + 4):
        make_person(None, unit_a, name=f"干部{n:02d}")
    client.force_login(leader_a)

    response = client.get(reverse("merit:rankings"),
                          {"unit": unit_a.pk, "period": "2026Q1", "page": "99999999999999999999"})

    assert response.status_code == 200
    assert f"?person={last.pk}&amp;period=2026Q1" in response.content.decode()


def test_small_sample_has_no_rows(client, leader_a, unit_a, last):
    client.force_login(leader_a)

    response = client.get(reverse("merit:rankings"), {"unit": unit_a.pk, "period": "2026Q1"})

    text = response.content.decode()
    assert "样本过小" in text
    assert '<table class="ranking">' not in text


def test_period_out_of_range_is_named(client, leader_a, unit_a, last):
    client.force_login(leader_a)

    response = client.get(reverse("merit:rankings"), {"unit": unit_a.pk, "period": "9999Q4"})

    text = response.content.decode()
    assert "“9999Q4”超出 2000 至 2027 年的范围" in text
    assert '<table class="ranking">' not in text
