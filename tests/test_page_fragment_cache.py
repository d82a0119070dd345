"""The rate table and the "my points" entries, rendered once and reused until the next write.

These tests run outside a transaction, because nothing is cached inside one.
The cache is the test settings' local-memory cache, cleared before each test.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from sunshine.audit import chain
from sunshine.duties.models import Task
from tests.duties_data import make_directive as make_duty_directive
from tests.duties_data import make_task as make_duty_task
from tests.merit_data import make_directive, make_person, make_task, post

pytestmark = pytest.mark.django_db(transaction=True)

RATE_URL = reverse("duties:execution_rate") + "?region=331002&period=2026"
MINE_URL = reverse("merit:mine")
RATE_TABLE = "duties/_rate_table.html"
MY_POINTS = "merit/_my_points.html"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def append_audit_entry() -> None:
    with transaction.atomic():
        chain.append(None, "test", object_type="duties.task", changes={})


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


def entry_queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "merit_pointentry" in q["sql"]]


@pytest.fixture
def due_task(unit_a):
    directive = make_duty_directive(None, unit_a)
    return make_duty_task(None, directive, "1", deadline=datetime.date(2026, 6, 30))


def test_rate_table_reused_until_write(due_task, operator_a):
    client = logged_in(operator_a)

    first = client.get(RATE_URL, HTTP_ACCEPT_LANGUAGE="en")
    # A raw update bypasses the audit chain, so the rendered table stays as it was.
    Task.objects.update(completed_on=datetime.date(2026, 6, 1))
    second = client.get(RATE_URL, HTTP_ACCEPT_LANGUAGE="en")
    append_audit_entry()
    third = client.get(RATE_URL, HTTP_ACCEPT_LANGUAGE="en")

    assert RATE_TABLE in template_names(first)
    assert RATE_TABLE not in template_names(second)
    assert RATE_TABLE in template_names(third)
    assert '<td class="num">0%</td>' in first.content.decode()
    assert '<td class="num">0%</td>' in second.content.decode()
    assert '<td class="num">100%</td>' in third.content.decode()


def test_rate_table_cached_per_language(due_task, operator_a):
    client = logged_in(operator_a)

    chinese = client.get(RATE_URL).content.decode()
    with translation.override("en"):
        english = client.get(RATE_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Region or unit" in english
    assert "Region or unit" not in chinese
    assert "椒江区, all" not in chinese


@pytest.fixture
def cadre(operator_a, unit_a):
    return make_person(operator_a, unit_a)


@pytest.fixture
def directive(operator_a, unit_a):
    return make_directive(operator_a, unit_a)


def test_my_points_reused_until_write(operator_a, cadre, directive):
    first_task = make_task(operator_a, directive, "1", responsible_person=cadre)
    post("task_on_time", cadre, first_task, datetime.date(2026, 2, 1))
    client = logged_in(operator_a)

    assert entry_queries(client, MINE_URL)
    assert entry_queries(client, MINE_URL) == []
    assert MY_POINTS not in template_names(client.get(MINE_URL))

    second_task = make_task(operator_a, directive, "2", responsible_person=cadre)
    post("task_overdue", cadre, second_task, datetime.date(2026, 2, 2))
    response = client.get(MINE_URL)

    assert MY_POINTS in template_names(response)
    assert "task_overdue" in response.content.decode()
    assert "task_on_time" in response.content.decode()


def test_my_points_odd_page_not_cached(operator_a, cadre, directive):
    task = make_task(operator_a, directive, "1", responsible_person=cadre)
    post("task_on_time", cadre, task, datetime.date(2026, 2, 1))
    client = logged_in(operator_a)

    for page in ("123456", "abc"):
        entry_queries(client, f"{MINE_URL}?page={page}")
        assert entry_queries(client, f"{MINE_URL}?page={page}")
