"""Record ids in the duty pages' query strings: a malformed or out-of-range id is a 400.

SQLite raises OverflowError on an integer above 2**63 - 1, so the task list
checks its unit and directive ids before it queries, and names the value.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.duties_data import NOW, make_directive, make_task

pytestmark = pytest.mark.django_db

HUGE = "999999999999999999999"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def client_a(operator_a, unit_a) -> Client:
    directive = make_directive(operator_a, unit_a)
    make_task(operator_a, directive, "1", deadline=datetime.date(2026, 6, 30))
    client = Client()
    client.force_login(operator_a)
    return client


@pytest.mark.parametrize("name", ["directive", "unit"])
@pytest.mark.parametrize("value", [HUGE, "abc", "-1", "²"])
def test_task_list_bad_id_is_400(client_a, name, value):
    response = client_a.get(reverse("duties:task_list"), {name: value})

    assert response.status_code == 400
    assert value in response.content.decode()
    assert "无效" in response.content.decode()


def test_task_list_largest_id_is_no_match(client_a):
    response = client_a.get(reverse("duties:task_list"), {"directive": "999999999999999999"})

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


def test_task_list_known_directive_filters(client_a):
    task = client_a.get(reverse("duties:task_list")).context["page"].object_list[0]
    response = client_a.get(reverse("duties:task_list"), {"directive": str(task.directive_id)})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


def test_new_task_with_huge_directive_is_404(client_a):
    response = client_a.get(reverse("duties:task_create"), {"directive": HUGE})

    assert response.status_code == 404
