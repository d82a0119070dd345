"""The ledger_template command: the empty workbook that county staff fill in."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from sunshine.audit.models import AuditEntry
from sunshine.funds.ledger.importer import import_workbook
from sunshine.funds.models import Disbursement, Project
from tests.ledger_workbooks import ALLOCATION_HEADERS, DISBURSEMENT_HEADERS, PROJECT_HEADERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("ledger_template", str(path), stdout=StringIO())
    return path


def header_row(sheet) -> list:
    return [cell.value for cell in next(sheet.iter_rows(max_row=1))]


def list_validation(sheet, cell: str) -> str:
    for validation in sheet.data_validations.dataValidation:
        if validation.type == "list" and cell in validation.sqref:
            return validation.formula1
    raise AssertionError(f"no list validation covers {cell}")


def test_it_writes_three_sheets_and_notes(template):
    workbook = load_workbook(template)

    assert workbook.sheetnames == ["项目", "资金到位", "资金支付", "说明"]
    assert header_row(workbook["项目"]) == PROJECT_HEADERS
    assert header_row(workbook["资金到位"]) == ALLOCATION_HEADERS
    assert header_row(workbook["资金支付"]) == DISBURSEMENT_HEADERS
    assert workbook["项目"].max_row == 1


def test_it_offers_drop_down_lists(template):
    workbook = load_workbook(template)

    assert list_validation(workbook["项目"], "K2") == '"未开工,在建,已完工,停工,已取消"'
    assert list_validation(workbook["项目"], "L500") == '"是,否"'
    assert list_validation(workbook["资金到位"], "B2") == '"中央,省级,市级,县级,乡镇,自筹,其他"'


def test_it_formats_dates_amounts_and_codes(template):
    projects = load_workbook(template)["项目"]

    assert projects.column_dimensions["H"].number_format == "yyyy-mm-dd"
    assert projects.column_dimensions["G"].number_format == "#,##0.00"
    assert projects.column_dimensions["D"].number_format == "@"
    assert projects.freeze_panes == "A2"


def test_notes_explain_each_column_in_chinese(template):
    notes = load_workbook(template)["说明"]
    rows = [[cell.value for cell in row] for row in notes.iter_rows()]

    assert rows[0][0] == "项目台账填写说明"
    budget = next(row for row in rows if row[1] == "预算金额(元)")
    assert budget[0] == "项目"
    assert "预算金额(万元)" in budget[3]
    status = next(row for row in rows if row[1] == "状态")
    assert status[2] == "是"
    assert "未开工、在建、已完工、停工、已取消" in status[3]


def test_notes_in_english_on_request(tmp_path):
    path = tmp_path / "en.xlsx"

    call_command("ledger_template", str(path), language="en", stdout=StringIO())

    notes = load_workbook(path)["说明"]
    assert notes["A1"].value == "How to fill in the project ledger"


def test_command_names_the_file_written(tmp_path):
    out = StringIO()

    call_command("ledger_template", str(tmp_path / "t.xlsx"), stdout=out)

    assert out.getvalue().strip() == f"模板已写入 {tmp_path / 't.xlsx'}。"


def test_empty_template_imports_without_changes(template):
    entries = AuditEntry.objects.count()

    report = import_workbook(None, template)

    assert report.audit_entries == 0
    assert AuditEntry.objects.count() == entries


def test_filled_in_template_imports(template, unit_a):
    workbook = load_workbook(template)
    workbook["项目"].append(["JJ-2024-001", "海门街道道路改造", "交通", "331002001",
                             "椒江区人民政府", "王建国", 1000000, datetime.date(2024, 3, 1),
                             datetime.date(2024, 12, 31), 40, "在建", "是"])
    workbook["资金支付"].append(["JJ-2024-001", datetime.date(2024, 4, 1), 1200.5, "张三", None,
                               "记-1", "劳务费"])
    workbook.save(template)

    import_workbook(None, template)

    assert Project.all_objects.get().code == "JJ-2024-001"
    assert Disbursement.objects.get().payee_is_person is True
