"""Person ids outside the range of a database id on the merit ledger page and API.

SQLite raises OverflowError on an integer above 2**63 - 1, so both endpoints
reject such an id with 400 before they query.
"""

import pytest
from django.urls import reverse

from sunshine.organisation.tokens import issue_token
from tests.merit_data import NOW, make_leader

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.mark.parametrize("value", [HUGE, "9223372036854775808", "0", "-3"])
def test_api_person_out_of_range_is_400(client, leader_a, value):
    token = issue_token(None, leader_a)

    response = client.get("/api/v1/points/", {"person": value},
                          HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 400
    assert value in response.json()["detail"]
    assert "人员编号" in response.json()["detail"]


def test_api_largest_id_is_no_match(client, leader_a):
    token = issue_token(None, leader_a)

    response = client.get("/api/v1/points/", {"person": str(2**63 - 1)},
                          HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_api_huge_page_is_400(client, leader_a):
    token = issue_token(None, leader_a)

    response = client.get("/api/v1/points/mine/", {"page": HUGE},
                          HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 400


@pytest.mark.parametrize("value", [HUGE, "0"])
def test_ledger_person_out_of_range_is_400(client, leader_a, value):
    client.force_login(leader_a)

    response = client.get(reverse("merit:ledger"), {"person": value})

    assert response.status_code == 400
    assert value in response.content.decode()
    assert "人员编号" in response.content.decode()


def test_ledger_unit_out_of_range_is_400(client, leader_a):
    client.force_login(leader_a)

    response = client.get(reverse("merit:ledger"), {"unit": HUGE})

    assert response.status_code == 400
    assert HUGE in response.content.decode()
