"""Duty workbook export: text that looks like a formula stays text and imports back unchanged."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from sunshine.audit.models import AuditEntry
from sunshine.duties.excel.importer import import_workbook
from sunshine.duties.models import Directive
from tests.duties_data import NOW, download, make_person
from tests.test_duties_excel import (
    DIRECTIVE_HEADERS,
    NUMBER,
    TASK_HEADERS,
    logged_in,
    sheets,
    workbook,
)

pytestmark = pytest.mark.django_db

TITLE = '=HYPERLINK("http://127.0.0.1:9/","点此查看")'
FORMULA_NUMBER = "=1+1"
DESCRIPTION = "=cmd|' /C calc'!A0"
TASK_NAME = "=SUM(1,2)"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def people(operator_a, unit_a, township_unit):
    return make_person(operator_a, unit_a)


def formula_sheets() -> dict[str, list[list]]:
    """Return the sample workbook with formula-like text in the directive and a task."""
    data = sheets()
    directive = list(data["决策部署"][1])
    directive[DIRECTIVE_HEADERS.index("文号")] = FORMULA_NUMBER
    directive[DIRECTIVE_HEADERS.index("标题")] = TITLE
    directive[DIRECTIVE_HEADERS.index("说明")] = DESCRIPTION
    data["决策部署"] = [DIRECTIVE_HEADERS, directive]
    data["权责清单"] = [[value if value != NUMBER else FORMULA_NUMBER for value in row]
                       for row in data["权责清单"]]
    tasks = [list(row) for row in data["任务分解"]]
    for row in tasks[1:]:
        row[TASK_HEADERS.index("决策部署文号")] = FORMULA_NUMBER
    tasks[4][TASK_HEADERS.index("任务名称")] = TASK_NAME
    data["任务分解"] = tasks
    return data


def imported(tmp_path, actor) -> None:
    """Import the formula-like sample, saved as text cells as Excel saves '=1+1."""
    path = workbook(tmp_path, "formulas.xlsx", **formula_sheets())
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    book.save(path)
    import_workbook(actor, path)


def formula_cells(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    return [f"{sheet.title}!{cell.coordinate}" for sheet in book.worksheets
            for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_import_stores_formula_text_as_given(tmp_path, people, operator_a):
    imported(tmp_path, operator_a)

    # The sample's monthly duty adds a directive holding its tasks of each period.
    directive = Directive.objects.get(document_number=FORMULA_NUMBER)
    assert directive.title == TITLE
    assert directive.description == DESCRIPTION


def test_staff_export_writes_no_formula(tmp_path, people, operator_a):
    imported(tmp_path, operator_a)

    response = logged_in(operator_a).get(reverse("duties:excel_export"))
    data = download(response)

    assert response.status_code == 200
    assert formula_cells(data) == []
    directives = load_workbook(io.BytesIO(data))["决策部署"]
    assert directives["A2"].value == FORMULA_NUMBER
    assert directives["B2"].value == TITLE
    assert directives["G2"].value == DESCRIPTION
    assert directives["A2"].data_type == "s"


def test_exported_formula_text_imports_unchanged(tmp_path, people, operator_a):
    imported(tmp_path, operator_a)
    data = download(logged_in(operator_a).get(reverse("duties:excel_export")))
    exported = tmp_path / "exported.xlsx"
    exported.write_bytes(data)
    entries = AuditEntry.objects.count()

    report = import_workbook(operator_a, exported)

    assert not report.changed, report.summary_lines()
    assert AuditEntry.objects.count() == entries
    assert Directive.objects.get(document_number=FORMULA_NUMBER).title == TITLE


def test_export_command_writes_no_formula(tmp_path, people, operator_a):
    imported(tmp_path, operator_a)
    target = tmp_path / "command.xlsx"

    call_command("export_duties", str(target), stdout=io.StringIO())

    assert formula_cells(target.read_bytes()) == []
    tasks = load_workbook(target)["任务分解"]
    assert TASK_NAME in [row[TASK_HEADERS.index("任务名称")] for row in tasks.values]
