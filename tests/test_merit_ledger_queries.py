"""The "my points" page and the scoped ledger over more than one page of entries.

Both pages count their entries in the query that sums them, so the
paginator runs no COUNT(*) of its own. They read only the table's columns,
so a page of 25 rows costs as many queries as a page of 5.
"""

import datetime
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunshine.funds.views.access import PAGE_SIZE
from sunshine.merit import actions
from sunshine.merit.models import PointEntry
from tests.merit_data import NOW, make_directive, make_leader, make_person, make_task, post

pytestmark = pytest.mark.django_db

EXTRA_ENTRIES = 5
WINTER_DAY = datetime.date(2025, 12, 1)
SPRING_DAY = datetime.date(2026, 2, 1)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def cadre(operator_a, unit_a):
    return make_person(operator_a, unit_a)


@pytest.fixture
def entries(operator_a, unit_a, cadre) -> list[PointEntry]:
    """Post one page and five entries more to 张三, alternating between two quarters.

    The rule gives 10 points with a cap of 100 a quarter, so the later
    entries of each quarter are capped and count 0.
    """
    directive = make_directive(operator_a, unit_a)
    posted = []
    for number in range(PAGE_SIZE + EXTRA_ENTRIES):
        task = make_task(operator_a, directive, str(number + 1), responsible_person=cadre)
        posted.append(post("task_on_time", cadre, task, WINTER_DAY if number % 2 else SPRING_DAY))
    return posted


def get_page(client, url: str, **query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def entry_links(response) -> int:
    text = response.content.decode()
    return sum(text.count(f'href="{reverse("merit:entry_detail", args=[e.pk])}"')
               for e in PointEntry.objects.all())


def quarter_totals() -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for entry in PointEntry.objects.all():
        totals[entry.period] += entry.points
    return totals


def test_my_points_pages_and_totals(client, operator_a, entries):
    client.force_login(operator_a)

    first, _ = get_page(client, reverse("merit:mine"))
    second, _ = get_page(client, reverse("merit:mine"), page=2)

    assert first.context["page"].paginator.count == PAGE_SIZE + EXTRA_ENTRIES
    assert first.context["page"].paginator.num_pages == 2
    assert entry_links(first) == PAGE_SIZE
    assert entry_links(second) == EXTRA_ENTRIES
    assert {row["period"]: row["total"] for row in first.context["totals"]} == quarter_totals()
    assert [row["period"] for row in first.context["totals"]] == ["2026Q1", "2025Q4"]
    assert "任务按时完成" in first.content.decode()


def test_my_points_queries_stay_flat(client, operator_a, entries):
    client.force_login(operator_a)

    _, full_page = get_page(client, reverse("merit:mine"))
    _, short_page = get_page(client, reverse("merit:mine"), page=2)

    assert len(full_page) == len(short_page)
    assert not [sql for sql in full_page if "COUNT(*)" in sql]
    assert not [sql for sql in full_page if '"reason"' in sql]


def test_my_points_shows_capped_entry(client, operator_a, entries):
    client.force_login(operator_a)

    response, _ = get_page(client, reverse("merit:mine"))

    shown = response.context["page"].object_list
    capped = [entry for entry in shown if entry.capped_points]
    assert capped
    assert response.content.decode().count("已达上限 100 分：10 分不计入") == len(capped)


def test_ledger_total_and_pages(client, leader_a, entries):
    client.force_login(leader_a)

    first, queries = get_page(client, reverse("merit:ledger"))
    second, _ = get_page(client, reverse("merit:ledger"), page=2)

    assert first.context["total"] == sum(quarter_totals().values())
    assert first.context["page"].paginator.count == PAGE_SIZE + EXTRA_ENTRIES
    assert entry_links(first) == PAGE_SIZE
    assert entry_links(second) == EXTRA_ENTRIES
    assert "张三" in first.content.decode()
    assert not [sql for sql in queries if "COUNT(*)" in sql]


def test_ledger_period_filter_counts(client, leader_a, entries):
    client.force_login(leader_a)
    spring = Counter(e.period for e in PointEntry.objects.all())["2026Q1"]

    response, _ = get_page(client, reverse("merit:ledger"), period="2026Q1")

    assert response.context["page"].paginator.count == spring
    assert response.context["total"] == quarter_totals()["2026Q1"]
    assert entry_links(response) == spring


def test_ledger_queries_stay_flat(client, leader_a, entries):
    client.force_login(leader_a)

    _, full_page = get_page(client, reverse("merit:ledger"))
    _, short_page = get_page(client, reverse("merit:ledger"), page=2)

    assert len(full_page) == len(short_page)


def test_reversal_links_cancelled_entry(client, operator_a, leader_a, entries):
    reversal = actions.reverse_entry(leader_a, entries[-1], reason="任务重复登记")
    client.force_login(operator_a)

    response, _ = get_page(client, reverse("merit:mine"))

    target = reverse("merit:entry_detail", args=[entries[-1].pk])
    assert reversal.reverses_id == entries[-1].pk
    assert f'<a href="{target}">#{entries[-1].pk}</a>' in response.content.decode()
