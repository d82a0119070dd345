"""The public timeline of a project's money and the location line."""

import datetime
from decimal import Decimal

import pytest

from sunshine.funds import actions
from sunshine.funds.models import Disbursement
from sunshine.portal.disclosure import EntryKind, location_names, timeline_page
from tests.conftest import region

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(operator_a):
    project = actions.create_project(operator_a, code="JJ-2025-010", name="村道硬化",
                                     region=region("331002001"), is_public=True)
    actions.add_allocation(operator_a, project, source="provincial",
                           approved_amount=Decimal("300000.00"), approved_on=datetime.date(2025, 1, 2),
                           arrived_amount=Decimal("200000.00"), arrived_on=datetime.date(2025, 2, 3),
                           document_no="台财建〔2025〕1号")
    actions.add_disbursement(operator_a, project, paid_on=datetime.date(2025, 3, 4),
                             amount=Decimal("50000.00"), payee_name="台州路桥建设有限公司",
                             payee_credit_code="91110000600037341L", purpose="工程进度款")
    actions.add_disbursement(operator_a, project, paid_on=datetime.date(2025, 3, 5),
                             amount=Decimal("800.00"), payee_name="王小明", payee_is_person=True,
                             purpose="劳务费")
    return project


def test_it_lists_money_in_and_out_newest_first(project):
    page = timeline_page(project)

    assert [e.kind for e in page.entries] == [
        EntryKind.PAID, EntryKind.PAID, EntryKind.ARRIVED, EntryKind.ALLOCATED,
    ]
    assert [e.date for e in page.entries] == [
        datetime.date(2025, 3, 5), datetime.date(2025, 3, 4),
        datetime.date(2025, 2, 3), datetime.date(2025, 1, 2),
    ]
    assert [e.amount for e in page.entries] == [
        Decimal("800.00"), Decimal("50000.00"), Decimal("200000.00"), Decimal("300000.00"),
    ]
    assert page.has_next is False


def test_it_names_fund_source_and_company_payee(project):
    entries = timeline_page(project).entries

    assert entries[1].party_label == "台州路桥建设有限公司"
    assert entries[1].note == "工程进度款"
    assert entries[2].party == "provincial"
    assert entries[2].note == "台财建〔2025〕1号"


def test_it_withholds_private_payee_name(project):
    entry = timeline_page(project).entries[0]

    assert entry.payee_hidden is True
    assert entry.party == ""
    assert "王小明" not in entry.party_label


@pytest.mark.parametrize(("payee", "purpose"), [
    ("王小明", "支付王小明误工补贴"),
    ("李 四", "支付李四劳务费"),
    ("赵六", "赵 六、钱七 劳务费"),
    ("Zhang San", "wages for zhang san"),
])
def test_private_payee_purpose_is_withheld(operator_a, project, payee, purpose):
    actions.add_disbursement(operator_a, project, paid_on=datetime.date(2025, 4, 2),
                             amount=Decimal("300.00"), payee_name=payee, payee_is_person=True,
                             purpose=purpose)

    entry = timeline_page(project).entries[0]

    assert entry.note == ""
    assert entry.party == ""


def test_company_payee_purpose_is_unchanged(operator_a, project):
    actions.add_disbursement(operator_a, project, paid_on=datetime.date(2025, 4, 3),
                             amount=Decimal("300.00"), payee_name="某某建材有限公司",
                             payee_credit_code="91110000600037341L", purpose="某某建材有限公司货款")

    entry = timeline_page(project).entries[0]

    assert entry.note == "某某建材有限公司货款"


def test_payee_without_credit_code_or_supplier_counts_as_private(operator_a, project):
    actions.add_disbursement(operator_a, project, paid_on=datetime.date(2025, 4, 1),
                             amount=Decimal("100.00"), payee_name="李四")

    entry = timeline_page(project).entries[0]

    assert entry.payee_hidden is True
    assert entry.party == ""


@pytest.mark.parametrize(("supplier", "private"), [
    ({}, True),
    ({"credit_code": "91110000600037341L"}, False),
    ({"scheme": "MX-RFC", "identifier": "ABC123456XYZ"}, False),
])
def test_unidentified_supplier_payee_private(operator_a, project, supplier, private):
    row = actions.create_supplier(operator_a, name="张三", **supplier)
    payment = actions.add_disbursement(operator_a, project, paid_on=datetime.date(2025, 4, 1),
                                       amount=Decimal("100.00"), payee_name="张三",
                                       supplier=row, purpose="张三货款")

    entry = timeline_page(project).entries[0]

    assert Disbursement.objects.get(pk=payment.pk).is_private_payee is private
    assert entry.payee_hidden is private
    assert (entry.party, entry.note) == (("", "") if private else ("张三", "张三货款"))


def test_it_pages_the_timeline(project):
    first = timeline_page(project, page=1, page_size=3)
    second = timeline_page(project, page=2, page_size=3)

    assert len(first.entries) == 3
    assert first.has_next is True
    assert [e.kind for e in second.entries] == [EntryKind.ALLOCATED]
    assert second.has_next is False


def test_undated_entries_come_last(operator_a, project):
    actions.add_allocation(operator_a, project, source="county",
                           approved_amount=Decimal("1000.00"))

    entries = timeline_page(project).entries

    assert entries[-1].date is None
    assert entries[-1].amount == Decimal("1000.00")


def test_location_names_from_county_down():
    assert location_names(region("331002001")) == ["椒江区", "海门街道"]
    assert location_names(region("331002")) == ["椒江区"]
    assert location_names(region("331000")) == ["台州市"]
