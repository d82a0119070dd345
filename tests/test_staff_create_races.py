"""Two staff requests that create a row with the same unique value at the same moment.

The second request's form check passes because the first request has not
committed yet. Its INSERT then waits for the first transaction and fails
on the unique constraint, and the page must show the form's own message.

These tests commit for real (``transaction=True``) so the two connections
see each other's rows. They run on PostgreSQL only. pg_locks shows when the
request is waiting, which makes the interleaving certain. SQLite's test
database is in memory with a shared cache, where a second writer fails at
once instead of waiting.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from sunshine.funds import actions
from sunshine.funds.models import Project, Supplier
from tests.conftest import region

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL row locks and pg_locks"),
]

CREDIT_CODE = "91110000600037341L"
WAIT_SECONDS = 20


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def wait_for_blocked_query() -> None:
    """Return once another connection waits for a lock; fail after WAIT_SECONDS."""
    with connection.cursor() as cursor:
        for _ in range(WAIT_SECONDS * 20):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            threading.Event().wait(0.05)
    raise AssertionError(f"no request waited for a lock within {WAIT_SECONDS} s")


def commit_first(create: Callable[[], object], errors: list[BaseException],
                 started: threading.Event) -> None:
    """Create a row in an open transaction and commit it once the other request waits."""
    try:
        with transaction.atomic():
            create()
            started.set()
            wait_for_blocked_query()
    except BaseException as error:  # noqa: BLE001 (reported by the test thread)
        errors.append(error)
        started.set()
    finally:
        connection.close()


def post_while_other_commits(create: Callable[[], object], client: Client, url: str,
                             data: dict):
    errors: list[BaseException] = []
    started = threading.Event()
    first = threading.Thread(target=commit_first, args=(create, errors, started))
    first.start()
    assert started.wait(WAIT_SECONDS)
    try:
        response = client.post(url, data)
    finally:
        first.join(WAIT_SECONDS)
    assert errors == []
    return response


def project_data(code: str) -> dict:
    return {"code": code, "name": "同时新建的项目", "region": "331002001", "progress": "0",
            "status": "planned", "budget": "", "category": "", "description": ""}


def test_project_create_race_shows_duplicate_code(operator_a, city_admin):
    response = post_while_other_commits(
        lambda: actions.create_project(city_admin, code="RACE-0", name="先提交的项目",
                                       region=region("331002001")),
        logged_in(operator_a), reverse("funds:project_create"), project_data("RACE-0"),
    )

    assert response.status_code == 400
    assert "项目编号“RACE-0”已被其他项目使用" in " ".join(response.context["form"].errors["code"])
    assert list(Project.all_objects.values_list("name", flat=True)) == ["先提交的项目"]


def test_project_create_after_race_still_saves(operator_a, city_admin):
    client = logged_in(operator_a)
    post_while_other_commits(
        lambda: actions.create_project(city_admin, code="RACE-1", name="先提交的项目",
                                       region=region("331002001")),
        client, reverse("funds:project_create"), project_data("RACE-1"),
    )

    response = client.post(reverse("funds:project_create"), project_data("RACE-2"))

    assert response.status_code == 302
    assert Project.all_objects.filter(code="RACE-2").exists()


def test_supplier_create_race_shows_duplicate_code(operator_a, city_admin):
    data = {"name": "台州某建设有限公司", "credit_code": CREDIT_CODE, "legal_representative": "",
            "address": "", "phone": ""}

    response = post_while_other_commits(
        lambda: actions.create_supplier(city_admin, name="先提交的公司", credit_code=CREDIT_CODE),
        logged_in(operator_a), reverse("funds:supplier_create"), data,
    )

    assert response.status_code == 400
    message = " ".join(response.context["form"].errors["credit_code"])
    assert CREDIT_CODE in message
    assert "先提交的公司" in message
    assert Supplier.objects.count() == 1
