"""Public pages and anonymous API answers come from the shared cache until a write.

These tests commit for real (``transaction=True``): inside a transaction
nothing is cached, which is what every other test relies on.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection

from sunshine.funds import actions
from sunshine.portal import cache as public_cache
from tests.portal_data import build_projects

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/projects/JJ-2025-001/"
API = "/api/v1/projects/JJ-2025-001/"


@pytest.fixture
def project(unit_a, unit_b):
    cache.clear()
    return build_projects(None, unit_a, unit_b)["public"]


def paid_in_api(client) -> str:
    return client.get(API).json()["paid"]


def set_paid_behind_the_cache(project) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE funds_project SET paid_total = 1 WHERE id = %s", [project.pk])


def test_repeat_reads_come_from_the_cache(client, project):
    first = paid_in_api(client)
    page = client.get(PAGE).content.decode()
    set_paid_behind_the_cache(project)

    assert paid_in_api(client) == first
    assert "301,200.50" in page
    assert client.get(PAGE).content.decode() == page


def test_an_audited_write_refreshes_the_cache(client, project):
    assert paid_in_api(client) == "301200.50"

    actions.add_disbursement(None, project, paid_on=datetime.date(2025, 4, 1),
                             amount=Decimal("99.50"), payee_name="台州市椒江建设工程有限公司")

    assert paid_in_api(client) == "301300.00"


def test_languages_are_cached_apart(client, project):
    chinese = client.get(PAGE).content.decode()
    english = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "支付" in chinese
    assert "Paid" in english


def test_requests_with_a_session_bypass_the_cache(client, project, operator_a):
    paid_in_api(client)
    set_paid_behind_the_cache(project)
    client.force_login(operator_a)

    assert "0.01" in client.get(PAGE).content.decode()



def test_a_write_by_another_process_reaches_the_cache(client, project):
    paid_in_api(client)
    set_paid_behind_the_cache(project)
    with connection.cursor() as cursor:
        # What an import run by the command line leaves behind: a newer chain head.
        cursor.execute("UPDATE audit_chainhead SET last_id = last_id + 1")

    public_cache._state["checked_at"] = 0.0  # as if REFRESH_SECONDS had passed

    assert paid_in_api(client) == "0.01"
