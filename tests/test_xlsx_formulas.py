"""Formulas saved without their result: found in the archive and rejected by both imports."""

import re
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from sunshine.duties.excel.importer import import_workbook as import_duties
from sunshine.duties.models import Task
from sunshine.funds.ledger.importer import LedgerError
from sunshine.funds.ledger.importer import import_workbook as import_ledger
from sunshine.funds.models import Disbursement, Project
from sunshine.lib.xlsx_formulas import formulas_without_results
from tests.ledger_workbooks import payment, project, write_workbook
from tests.test_duties_excel import issues_of, make_person, replace_cell, sheets, workbook

SHEET_PART = "xl/worksheets/sheet1.xml"


def book_with(tmp_path, cells: dict[str, object], title: str = "数据"):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for reference, value in cells.items():
        sheet[reference] = value
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path


def rewrite_part(path, old: bytes, new: bytes) -> None:
    """Replace a pattern in the first worksheet, as another program would have saved it.

    ``old`` is a regular expression, because openpyxl writes an empty value as
    ``<v />`` or ``<v></v>`` depending on whether lxml is installed.
    """
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    assert re.search(old, parts[SHEET_PART])
    parts[SHEET_PART] = re.sub(old, new, parts[SHEET_PART])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_formulas_written_without_engine_are_found(tmp_path):
    path = book_with(tmp_path, {"A1": 1, "A2": "=A1*2", "B7": "=SUM(A1:A2)"})

    assert formulas_without_results(str(path), ["数据"]) == {"数据": ["A2", "B7"]}


def test_formulas_with_saved_results_pass(tmp_path):
    path = book_with(tmp_path, {"A1": 1, "A2": "=A1*2"})
    rewrite_part(path, rb"<f>A1\*2</f>(<v ?/>|<v></v>)", b"<f>A1*2</f><v>2</v>")

    assert formulas_without_results(str(path), ["数据"]) == {}


def test_empty_text_result_passes(tmp_path):
    path = book_with(tmp_path, {"A1": '=""'})
    rewrite_part(path, b'<c r="A1">', b'<c r="A1" t="str">')

    assert formulas_without_results(str(path), ["数据"]) == {}


def test_prefixed_elements_are_read(tmp_path):
    path = book_with(tmp_path, {"A1": 1, "C3": "=A1"})
    rewrite_part(path, rb'<c r="C3"><f>A1</f>(<v ?/>|<v></v>)</c>', (b'<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                  b'r="C3"><x:f>A1</x:f></x:c>'))

    assert formulas_without_results(str(path), ["数据"]) == {"数据": ["C3"]}


def test_scan_limits_sheets_and_cells(tmp_path):
    path = book_with(tmp_path, {f"A{row}": "=1+1" for row in range(1, 10)})

    assert formulas_without_results(str(path), ["其他"]) == {}
    assert formulas_without_results(str(path), ["数据"], limit=3) == {"数据": ["A1", "A2", "A3"]}


def test_scan_of_non_archive_is_empty(tmp_path):
    path = tmp_path / "plain.xlsx"
    path.write_bytes(b"not a workbook")

    assert formulas_without_results(str(path), ["数据"]) == {}


@pytest.mark.django_db
def test_ledger_import_names_the_formula_cell(tmp_path, unit_a):
    path = write_workbook(tmp_path / "ledger.xlsx", projects=[project()],
                          payments=[payment(支付金额="=100000+20000")])

    with pytest.raises(LedgerError) as caught:
        import_ledger(None, path)

    assert [(issue.sheet, issue.row, issue.value) for issue in caught.value.errors] == [
        ("资金支付", 2, "C2")]
    assert "单元格 C2 的公式没有保存计算结果" in caught.value.errors[0].reason
    assert not Project.all_objects.exists()
    assert not Disbursement.objects.exists()


@pytest.mark.django_db
def test_duty_import_names_the_formula_cell_in_english(tmp_path, operator_a, unit_a,
                                                       township_unit):
    make_person(operator_a, unit_a)
    tasks = replace_cell(sheets()["任务分解"], 3, "权重(%)", "=100-50")
    path = workbook(tmp_path, "formula.xlsx", 任务分解=tasks)

    with translation.override("en"), pytest.raises(LedgerError) as caught:
        import_duties(operator_a, path)

    [(sheet, row, _column, value, reason)] = issues_of(caught.value)
    assert (sheet, row, value) == ("任务分解", 3, "J3")
    assert reason.startswith("Cell J3 holds a formula saved without its result")
    assert not Task.objects.exists()
