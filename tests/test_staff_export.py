"""CSV export of the staff project list."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sunshine.funds import actions
from tests.conftest import region

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(operator_a, operator_b, unit_a, unit_b):
    township = actions.create_project(
        operator_a, code="JJ-2024-001", name="海门街道道路改造", region=region("331002001"),
        owner_unit=unit_a, budget=Decimal("1000000.00"), planned_end=datetime.date(2020, 1, 1))
    actions.add_allocation(operator_a, township, source="county",
                           approved_amount=Decimal("500000"), arrived_amount=Decimal("300000"),
                           arrived_on=datetime.date(2024, 4, 1))
    actions.add_disbursement(operator_a, township, paid_on=datetime.date(2024, 5, 1),
                             amount=Decimal("120000.55"), payee_name="台州某建设有限公司")
    actions.create_project(operator_a, code="JJ-2024-900", name="=HYPERLINK(\"x\")",
                           region=region("331002"), owner_unit=unit_a)
    actions.create_project(operator_b, code="HY-2024-001", name="东城街道污水管网",
                           region=region("331003001"), owner_unit=unit_b)


def export(user, **params) -> tuple:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("funds:project_export"), params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_export_starts_with_bom_and_chinese_headers(operator_a, projects):
    response, body = export(operator_a)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert body.startswith(b"\xef\xbb\xbf")
    header = rows(body)[0]
    assert header[:2] == ["项目编号", "项目名称"]
    assert "已支付" in header
    assert "币种" in header


def test_export_contains_own_county_only(operator_a, projects):
    codes = [row[0] for row in rows(export(operator_a)[1])[1:]]

    assert codes == ["JJ-2024-001", "JJ-2024-900"]


def test_export_for_other_county(operator_b, projects):
    codes = [row[0] for row in rows(export(operator_b)[1])[1:]]

    assert codes == ["HY-2024-001"]


def test_export_for_township_operator(township_operator, projects):
    codes = [row[0] for row in rows(export(township_operator)[1])[1:]]

    assert codes == ["JJ-2024-001"]


def test_export_writes_exact_amounts_and_flags(operator_a, projects):
    table = rows(export(operator_a)[1])
    record = dict(zip(table[0], table[1], strict=True))

    assert record["县（市、区）"] == "椒江区"
    assert record["乡镇（街道）"] == "海门街道"
    assert record["币种"] == "CNY"
    assert record["预算"] == "1000000.00"
    assert record["到位"] == "300000.00"
    assert record["已支付"] == "120000.55"
    assert record["结余"] == "179999.45"
    assert record["逾期"] == "是"


def test_export_applies_filters(operator_a, projects):
    codes = [row[0] for row in rows(export(operator_a, q="道路")[1])[1:]]

    assert codes == ["JJ-2024-001"]


def test_export_defuses_formulas(operator_a, projects):
    table = rows(export(operator_a, q="JJ-2024-900")[1])

    assert table[1][1] == "'=HYPERLINK(\"x\")"


def test_export_rejects_county_outside_scope(operator_a, projects):
    response, body = export(operator_a, county="331003")

    assert response.status_code == 400
    assert "HY-2024-001" not in body.decode()


def test_export_forbids_user_without_role(django_user_model, projects):
    user = django_user_model.objects.create_user("nobody", password="x-Pass-9271")

    assert export(user)[0].status_code == 403


def test_export_rejects_post(operator_a):
    client = Client()
    client.force_login(operator_a)

    assert client.post(reverse("funds:project_export")).status_code == 405


def test_export_redirects_anonymous(client):
    assert client.get(reverse("funds:project_export")).status_code == 302


def test_export_names_foreign_currency(operator_a, projects, unit_a):
    project = actions.create_project(operator_a, code="ocds-mx-1", name="Obra",
                                     region=region("331002001"), owner_unit=unit_a,
                                     budget=Decimal("2500.00"), currency="MXN")
    actions.add_disbursement(operator_a, project, paid_on=datetime.date(2024, 5, 1),
                             amount=Decimal("100"), payee_name="Acme")

    table = rows(export(operator_a, q="ocds-mx-1")[1])
    record = dict(zip(table[0], table[1], strict=True))

    assert record["币种"] == "MXN"
    assert record["预算"] == "2500.00"
    assert record["已支付"] == "100.00"
    assert not any("元" in header for header in table[0][9:15])
