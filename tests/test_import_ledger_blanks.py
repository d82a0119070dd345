"""Blank cells when a ledger is imported again over stored projects and rows.

A blank optional cell means the field has no value, so it clears the stored
value, and progress and the arrived amount become 0. A blank required cell
rejects the file with an issue that names sheet, row and column.
"""

import datetime
from decimal import Decimal

import pytest

from sunshine.audit.verify import verify
from sunshine.funds import actions
from sunshine.funds.ledger.importer import LedgerError, import_workbook
from sunshine.funds.models import Allocation, Disbursement, Project
from sunshine.organisation.actions import create_person
from tests.conftest import region
from tests.ledger_workbooks import CREDIT_CODE, allocation, payment, project, write_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(tmp_path, unit_a):
    actions.create_supplier(None, name="台州某建设有限公司", credit_code=CREDIT_CODE)
    import_workbook(None, write_workbook(tmp_path / "full.xlsx", projects=[project()],
                                         allocations=[allocation()], payments=[payment()]))


def reimport(tmp_path, *, projects=None, allocations=None, payments=None) -> None:
    import_workbook(None, write_workbook(
        tmp_path / "again.xlsx", projects=projects or [project()],
        allocations=allocations or [allocation()], payments=payments or [payment()]))


PROJECT_BLANKS = [
    ("项目类别", "category", ""),
    ("主管单位", "owner_unit_id", None),
    ("责任人", "responsible_name", ""),
    ("预算金额", "budget", None),
    ("计划开工日期", "planned_start", None),
    ("计划完工日期", "planned_end", None),
    ("形象进度(%)", "progress", 0),
]


@pytest.mark.parametrize(("header", "field", "empty"), PROJECT_BLANKS)
def test_blank_project_cell_clears_field(tmp_path, stored, header, field, empty):
    before = Project.all_objects.get()

    reimport(tmp_path, projects=[project(**{header: None})])

    after = Project.all_objects.get()
    assert getattr(after, field) == empty
    assert after.name == before.name
    assert after.status == before.status
    assert verify() == []


ALLOCATION_BLANKS = [
    ("下达日期", "approved_on", None),
    ("到位金额", "arrived_amount", Decimal("0.00")),
    ("到位日期", "arrived_on", None),
]


@pytest.mark.parametrize(("header", "field", "empty"), ALLOCATION_BLANKS)
def test_blank_allocation_cell_clears_field(tmp_path, stored, header, field, empty):
    row = Allocation.objects.get()

    reimport(tmp_path, allocations=[allocation(**{header: None})])

    after = Allocation.objects.get()
    assert after.pk == row.pk
    assert getattr(after, field) == empty
    assert after.approved_amount == row.approved_amount


PAYMENT_BLANKS = [
    ("统一社会信用代码", "payee_credit_code", ""),
    ("凭证号", "voucher_no", ""),
    ("用途", "purpose", ""),
]


@pytest.mark.parametrize(("header", "field", "empty"), PAYMENT_BLANKS)
def test_blank_payment_cell_clears_field(tmp_path, stored, header, field, empty):
    row = Disbursement.objects.get()

    reimport(tmp_path, payments=[payment(**{header: None})])

    after = Disbursement.objects.get()
    assert after.pk == row.pk
    assert getattr(after, field) == empty
    assert after.amount == row.amount


def test_blank_credit_code_unlinks_supplier(tmp_path, stored):
    assert Disbursement.objects.get().supplier_id is not None

    reimport(tmp_path, payments=[payment(统一社会信用代码=None)])

    after = Disbursement.objects.get()
    assert after.supplier_id is None
    assert after.payee_is_person is True


@pytest.mark.parametrize("header", ["凭证号", "用途"])
def test_blank_voucher_keeps_staff_payee_choice(tmp_path, unit_a, header):
    import_workbook(None, write_workbook(tmp_path / "full.xlsx", projects=[project()],
                                         payments=[payment(统一社会信用代码=None)]))
    stored_payment = Disbursement.objects.get()
    actions.update_disbursement(None, stored_payment, {"payee_is_person": False},
                                expected_version=None)

    reimport(tmp_path, allocations=[], payments=[payment(统一社会信用代码=None,
                                                         **{header: None})])

    after = Disbursement.objects.get()
    assert getattr(after, "voucher_no" if header == "凭证号" else "purpose") == ""
    assert after.payee_is_person is False


def test_blank_responsible_cell_clears_linked_person(tmp_path, unit_a):
    person = create_person(None, name="李四", unit=unit_a)
    actions.create_project(None, code="JJ-2024-001", name="海门街道道路改造",
                           region=region("331002001"), responsible_person=person)

    import_workbook(None, write_workbook(tmp_path / "blank.xlsx", projects=[project(责任人=None)]))

    after = Project.all_objects.get()
    assert after.responsible_person_id is None
    assert after.responsible_name == ""
    assert verify() == []


def test_other_responsible_name_replaces_link(tmp_path, unit_a):
    person = create_person(None, name="李四", unit=unit_a)
    actions.create_project(None, code="JJ-2024-001", name="海门街道道路改造",
                           region=region("331002001"), responsible_person=person)

    import_workbook(None, write_workbook(tmp_path / "other.xlsx", projects=[project(责任人="张三")]))

    after = Project.all_objects.get()
    assert after.responsible_person_id is None
    assert after.responsible_name == "张三"


def test_linked_person_with_imported_name_stays(tmp_path, unit_a):
    person = create_person(None, name="李四", unit=unit_a)
    stored_project = actions.create_project(None, code="JJ-2024-001", name="海门街道道路改造",
                                            region=region("331002001"), responsible_person=person,
                                            responsible_name="李四（代）")

    import_workbook(None, write_workbook(tmp_path / "same.xlsx",
                                         projects=[project(责任人="李四（代）")]))

    after = Project.all_objects.get()
    assert after.responsible_person_id == person.pk
    assert after.responsible_name == "李四（代）"
    assert after.version > stored_project.version  # other cells of the row did change


def test_blank_required_cell_names_wan_header(tmp_path, stored):
    path = write_workbook(tmp_path / "wan.xlsx", projects=[project()],
                          allocations=[{"项目编号": "JJ-2024-001", "资金来源": "县级"}],
                          headers={"资金到位": ["项目编号", "资金来源", "下达金额(万元)", "下达日期",
                                                "到位金额(万元)", "到位日期"]})

    with pytest.raises(LedgerError) as caught:
        import_workbook(None, path)

    issue = caught.value.errors[0]
    assert (issue.sheet, issue.row, issue.column) == ("资金到位", 2, "下达金额(万元)")
    assert "“下达金额(万元)”列为必填项" in issue.reason
    assert Allocation.objects.get().approved_on == datetime.date(2024, 3, 5)
