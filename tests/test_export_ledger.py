"""The export_ledger command, and the round trip export → import that must change nothing.

Personas from conftest: ``operator_b`` reads 黄岩区 (331003) only.
"""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.funds import actions
from sunshine.funds.ledger.importer import import_workbook
from sunshine.funds.models import Disbursement, Project
from sunshine.organisation.actions import create_person
from tests.conftest import region
from tests.ledger_workbooks import CREDIT_CODE, allocation, payment, project, write_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(operator_a, unit_a, unit_b):
    """Projects entered through the staff actions, one payment at a time."""
    person = create_person(operator_a, name="李四", unit=unit_a)
    road = actions.create_project(operator_a, code="JJ-2024-001", name="海门街道道路改造",
                                  region=region("331002001"), owner_unit=unit_a,
                                  responsible_person=person, budget=Decimal("1000000"),
                                  planned_start=datetime.date(2024, 3, 1), status="in_progress",
                                  is_public=True, progress=35)
    actions.add_allocation(operator_a, road, source="county", approved_amount=Decimal("500000"),
                           approved_on=datetime.date(2024, 3, 5),
                           arrived_amount=Decimal("300000"), arrived_on=datetime.date(2024, 3, 20))
    actions.add_disbursement(operator_a, road, paid_on=datetime.date(2024, 5, 1),
                             amount=Decimal("200000"), payee_name="台州某建设有限公司",
                             payee_credit_code=CREDIT_CODE, voucher_no="记-1")
    # Entered second but dated earlier: flagged when entered, though in date
    # order it is the other payment that passes the arrived funds.
    actions.add_disbursement(operator_a, road, paid_on=datetime.date(2024, 4, 1),
                             amount=Decimal("150000.05"), payee_name="张三", payee_is_person=True,
                             voucher_no="记-2", purpose="劳务费")
    # A company without a credit code, marked as such by hand.
    actions.add_disbursement(operator_a, road, paid_on=datetime.date(2024, 6, 1),
                             amount=Decimal("10"), payee_name="某村股份经济合作社",
                             payee_is_person=False, voucher_no="记-3")
    actions.create_project(None, code="HY-2024-001", name="北城街道排水改造",
                           region=region("331003001"), owner_unit=unit_b)
    actions.create_project(None, code="ocds-test-1", name="Road repair", region=region("331002"),
                           currency="UAH")
    return road


def export(path, **options) -> StringIO:
    out = StringIO()
    call_command("export_ledger", str(path), stdout=out, **options)
    return out


def sheet_rows(path, name: str) -> list[list]:
    return [[cell.value for cell in row] for row in load_workbook(path)[name].iter_rows(min_row=2)]


def test_it_exports_projects_allocations_and_payments(tmp_path, stored):
    path = tmp_path / "export.xlsx"

    out = export(path)

    assert [row[0] for row in sheet_rows(path, "项目")] == ["HY-2024-001", "JJ-2024-001"]
    road = sheet_rows(path, "项目")[1]
    assert road[3:7] == ["331002001", "椒江区人民政府", "李四", 1000000]
    assert road[10:] == ["在建", "是"]
    assert sheet_rows(path, "资金到位") == [
        ["JJ-2024-001", "县级", 500000, datetime.datetime(2024, 3, 5), 300000,  # noqa: DTZ001
         datetime.datetime(2024, 3, 20)]]  # noqa: DTZ001
    assert [row[2] for row in sheet_rows(path, "资金支付")] == [150000.05, 200000, 10]
    assert out.getvalue().splitlines()[0] == (
        f"已将 2 个项目、1 条资金到位记录和 3 条资金支付记录写入 {path}。")


def test_it_formats_amounts_and_dates(tmp_path, stored):
    path = tmp_path / "export.xlsx"
    export(path)

    payments = load_workbook(path)["资金支付"]

    assert payments["C2"].number_format == "#,##0.00"
    assert payments["B2"].number_format == "yyyy-mm-dd"
    assert payments["E3"].value == CREDIT_CODE


def test_export_then_import_changes_nothing(tmp_path, stored):
    path = tmp_path / "export.xlsx"
    export(path)
    entries = AuditEntry.objects.count()
    rows = list(Disbursement.objects.order_by("pk").values_list("pk", "version", "exceeds_arrived"))

    report = import_workbook(None, path)

    assert report.audit_entries == 0
    assert AuditEntry.objects.count() == entries
    assert list(Disbursement.objects.order_by("pk").values_list(
        "pk", "version", "exceeds_arrived")) == rows
    assert Project.all_objects.get(code="JJ-2024-001").responsible_name == ""
    assert verify() == []


def test_import_export_import_changes_nothing(tmp_path, unit_a):
    workbook = write_workbook(tmp_path / "in.xlsx",
                              projects=[project(), project(项目编号="JJ-2", 预算金额=None)],
                              allocations=[allocation(), allocation(资金来源="省级", 到位金额=None)],
                              payments=[payment(), payment(统一社会信用代码=None, 支付金额=0.1),
                                        payment(项目编号="JJ-2", 支付金额=99999999.99)])
    import_workbook(None, workbook)
    path = tmp_path / "export.xlsx"
    export(path)
    entries = AuditEntry.objects.count()

    report = import_workbook(None, path)

    assert report.audit_entries == 0
    assert AuditEntry.objects.count() == entries
    assert (report.projects.unchanged, report.allocations.unchanged,
            report.disbursements.unchanged) == (2, 2, 3)


def test_it_exports_only_what_the_user_may_read(tmp_path, stored, operator_b):
    path = tmp_path / "export.xlsx"

    export(path, user="operator_b")

    assert [row[0] for row in sheet_rows(path, "项目")] == ["HY-2024-001"]
    assert sheet_rows(path, "资金支付") == []


def test_it_exports_one_region(tmp_path, stored):
    path = tmp_path / "export.xlsx"

    export(path, region="331002001")

    assert [row[0] for row in sheet_rows(path, "项目")] == ["JJ-2024-001"]


def test_it_leaves_out_projects_in_other_currencies(tmp_path, stored):
    path = tmp_path / "export.xlsx"

    export(path, region="331002")

    assert "ocds-test-1" not in [row[0] for row in sheet_rows(path, "项目")]


def notes_lines(path) -> list[str]:
    return [row[0].value for row in load_workbook(path)["说明"].iter_rows(max_col=1) if row[0].value]


def test_notes_count_projects_in_other_currencies(tmp_path, stored):
    actions.create_project(None, code="ocds-test-2", name="Street lights", region=region("331002"),
                           currency="TWD")
    path = tmp_path / "export.xlsx"

    out = export(path, region="331002")

    note = ("本次导出未包含 2 个以人民币以外币种记账的项目（TWD, UAH），因为台账只记录人民币金额。"
            "工作人员端的项目清单（CSV）列有这些项目的金额及其币种。")
    assert notes_lines(path)[1] == note
    assert note in out.getvalue()


def test_notes_count_left_out_in_english(tmp_path, stored):
    path = tmp_path / "export.xlsx"

    export(path, language="en")

    assert notes_lines(path)[1] == (
        "This export leaves out 1 project kept in another currency than yuan (UAH), because "
        "the ledger holds amounts in yuan only. The project list (CSV) on the staff site gives "
        "its amounts with their currency.")


def test_notes_without_other_currencies(tmp_path, stored, operator_b):
    path = tmp_path / "export.xlsx"

    out = export(path, user="operator_b")

    assert not any("人民币以外" in line for line in notes_lines(path))
    assert "人民币以外" not in out.getvalue()


def test_it_rejects_an_unknown_region(tmp_path, stored):
    with pytest.raises(CommandError, match="区划代码“999999”不存在"):
        export(tmp_path / "export.xlsx", region="999999")


def test_it_records_the_export_in_the_audit_log(tmp_path, stored, operator_a):
    export(tmp_path / "export.xlsx", user="operator_a")

    entry = AuditEntry.objects.get(action="export_ledger")
    assert entry.actor_label == "operator_a"
    assert entry.changes == {"projects": 1, "allocations": 1, "disbursements": 3}
    assert verify() == []


def test_text_starting_with_equals_stays_text(tmp_path, stored, operator_a):
    actions.update_project(operator_a, stored, {"name": "=HYPERLINK(\"http://x\")"},
                           expected_version=stored.version)
    path = tmp_path / "export.xlsx"
    export(path)
    before = AuditEntry.objects.count()

    import_workbook(None, path)

    assert Project.all_objects.get(code="JJ-2024-001").name == "=HYPERLINK(\"http://x\")"
    assert AuditEntry.objects.count() == before
