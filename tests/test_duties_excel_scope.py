"""A duty workbook obeys the same scope rules as the task form.

A township may not add tasks under a county directive. A weight message
names no task that the uploader may not read.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from openpyxl import Workbook, load_workbook

from sunshine.audit.models import AuditEntry
from sunshine.duties import actions
from sunshine.duties.excel.importer import LedgerError, import_workbook
from sunshine.duties.excel.writer import export_workbook
from sunshine.duties.models import Directive, Duty, Task
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Role, UnitKind
from sunshine.organisation.scoping import scoped
from tests.conftest import make_staff, region
from tests.duties_data import NOW, make_directive, make_task
from tests.test_duties_excel import TASK_HEADERS

pytestmark = pytest.mark.django_db

COUNTY_NUMBER = "椒政办发〔2026〕10号"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(name="county_directive")
def county_directive_fixture(operator_a, unit_a, township_unit):
    directive = make_directive(operator_a, unit_a, COUNTY_NUMBER)
    make_task(operator_a, directive, "1", name="县级统筹", weight="60")
    make_task(operator_a, directive, "2", name="海门街道强村富民", weight="40",
              lead_unit=township_unit)
    return directive


def task_book(tmp_path, *rows):
    book = Workbook()
    sheet = book.active
    sheet.title = "任务分解"
    sheet.append(TASK_HEADERS)
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / "tasks.xlsx"
    book.save(path)
    return path


def new_row(number: str, code: str, unit: str, weight: int = 10) -> tuple:
    return (number, code, "", "海门插入的任务", unit, "", "", datetime.date(2026, 2, 1),
            datetime.date(2026, 5, 31), weight, "", "", "")


def test_township_cannot_add_to_county_directive(tmp_path, county_directive,
                                                 township_operator):
    path = task_book(tmp_path, new_row(COUNTY_NUMBER, "99", "海门街道办事处"))

    with translation.override("zh-hans"), pytest.raises(LedgerError) as refused:
        import_workbook(township_operator, path)

    issue = refused.value.errors[0]
    assert issue.column == "决策部署文号"
    assert COUNTY_NUMBER in issue.reason
    assert "不在您可修改的范围内" in issue.reason
    assert not Task.objects.filter(code="99").exists()


def test_action_refuses_the_same_task(county_directive, township_operator, township_unit):
    with pytest.raises(PermissionDenied):
        make_task(township_operator, county_directive, "99", lead_unit=township_unit,
                  weight="10")


@pytest.fixture(name="village_directive")
def village_directive_fixture(township_unit):
    """Return a village's directive whose one task is led by a county department."""
    village = org_actions.create_unit(None, name="海门村", kind=UnitKind.VILLAGE_COMMITTEE,
                                      region=region("331002001003"), parent=township_unit)
    department = org_actions.create_unit(None, name="椒江区农业农村局",
                                         kind=UnitKind.DEPARTMENT, region=region("331002"))
    directive = make_directive(None, village, "海门村〔2026〕1号")
    make_task(None, directive, "1", name="县局代办事项", weight="70", lead_unit=department)
    return directive


@pytest.fixture(name="village_operator")
def village_operator_fixture(django_user_model, village_directive):
    return make_staff(django_user_model, "village_operator", Role.OPERATOR,
                      village_directive.unit)


def test_workbook_weights_hide_unreadable_tasks(tmp_path, village_directive,
                                                village_operator):
    path = task_book(tmp_path, new_row("海门村〔2026〕1号", "2", "海门村", weight=50))

    with translation.override("en"), pytest.raises(LedgerError) as refused:
        import_workbook(village_operator, path)

    reason = refused.value.errors[0].reason
    assert "县局代办事项" not in reason
    assert "1 other task outside your scope 70%" in reason


def test_form_weights_hide_unreadable_tasks(village_directive, village_operator):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        actions.create_task(village_operator, directive=village_directive, code="2",
                            name="村级任务", lead_unit=village_directive.unit,
                            start=datetime.date(2026, 2, 1), deadline=datetime.date(2026, 5, 31),
                            weight=Decimal("50"))

    text = " ".join(refused.value.messages)
    assert "县局代办事项" not in text
    assert "1 other task outside your scope 70%" in text


def export_as(user, path):
    export_workbook(user, path, directives=scoped(Directive.objects.all(), user),
                    duties=scoped(Duty.all_objects.all(), user),
                    tasks=scoped(Task.objects.all(), user))


def directive_sheet(path):
    book = load_workbook(path)
    return book, book["决策部署"]


def test_township_export_reimports_unchanged(tmp_path, county_directive, township_operator):
    exported = tmp_path / "export.xlsx"
    export_as(township_operator, exported)
    entries = AuditEntry.objects.count()

    report = import_workbook(township_operator, exported)

    assert not report.changed, report.summary_lines()
    assert report.directives.unchanged == 1
    assert AuditEntry.objects.count() == entries


def test_township_county_directive_edit_rejected(tmp_path, county_directive,
                                                 township_operator):
    exported = tmp_path / "export.xlsx"
    export_as(township_operator, exported)
    book, sheet = directive_sheet(exported)
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("标题") + 1, value="海门改写的标题")
    book.save(exported)

    with translation.override("zh-hans"), pytest.raises(LedgerError) as refused:
        import_workbook(township_operator, exported)

    issue = refused.value.errors[0]
    assert issue.row == 2
    assert "331002" in str(issue.value)
    assert "椒江区不在您可修改的区划范围内" in issue.reason
    assert Directive.objects.get().title == county_directive.title
