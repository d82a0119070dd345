"""The rectification of a failed spot check belongs to the inspectors' side.

The checked unit reports progress on its rectification task. It cannot
edit, re-date or cancel the task or its directive, on the staff pages, in a
duty workbook or through the actions. The check's inspectors and the level
above the unit can.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from sunshine.assessment.models import SpotCheck
from sunshine.audit.verify import verify
from sunshine.duties import actions
from sunshine.duties.excel.importer import LedgerError, import_workbook
from sunshine.duties.models import Directive, Task
from tests.assessment_data import perform, plan
from tests.test_duties_excel import TASK_HEADERS

pytestmark = pytest.mark.django_db



@pytest.fixture(name="rectification")
def rectification_fixture(inspector_a, township_unit) -> Task:
    check = perform(inspector_a, plan(inspector_a, township_unit, title="海门街道暗访"),
                    score="40")
    return Task.objects.select_related("directive").get(
        pk=SpotCheck.objects.get(pk=check.pk).rectification_task_id)


def later(task: Task) -> datetime.date:
    return task.deadline + datetime.timedelta(days=90)


def test_checked_unit_cannot_move_deadline(rectification, township_operator):
    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as denied:
        actions.update_task(township_operator, rectification, {"deadline": later(rectification)},
                            expected_version=rectification.version)

    assert "海门街道暗访" in str(denied.value)
    assert "整改" in str(denied.value)
    assert Task.objects.get(pk=rectification.pk).deadline == rectification.deadline


def test_checked_unit_cannot_cancel_task(rectification, township_operator):
    with pytest.raises(PermissionDenied):
        actions.cancel_task(township_operator, rectification, reason="已自行整改")

    assert Task.objects.get(pk=rectification.pk).cancelled_on is None


def test_checked_unit_cannot_rewrite_directive(rectification, township_operator):
    directive = rectification.directive

    with pytest.raises(PermissionDenied):
        actions.update_directive(township_operator, directive,
                                 {"description": "经核查无问题。", "issuer": "海门街道办事处"},
                                 expected_version=directive.version)

    assert Directive.objects.get(pk=directive.pk).description == directive.description


def test_checked_unit_cannot_add_tasks(rectification, township_operator,
                                                          township_unit):
    with pytest.raises(PermissionDenied):
        actions.set_weights(township_operator, rectification.directive, None,
                            {rectification.pk: Decimal("100")})
    with pytest.raises(PermissionDenied):
        actions.create_task(township_operator, directive=rectification.directive, code="2",
                            name="自加任务", lead_unit=township_unit,
                            start=rectification.start, deadline=rectification.deadline,
                            weight=Decimal("10"), parent=rectification)


def test_checked_unit_still_reports_progress(rectification, township_operator):
    report = actions.submit_report(township_operator, rectification, percent=40,
                                   text="已完成台账整理", as_of=timezone.localdate())

    assert report.task_id == rectification.pk


def test_inspector_moves_deadline_and_cancels(rectification, inspector_a):
    moved = actions.update_task(inspector_a, rectification, {"deadline": later(rectification)},
                                expected_version=rectification.version)
    assert moved.deadline == later(rectification)

    actions.cancel_task(inspector_a, moved, reason="并入回头看整改")

    assert Task.objects.get(pk=rectification.pk).cancelled_on is not None
    assert verify() == []


def test_level_above_may_change_it(rectification, operator_a):
    directive = rectification.directive

    actions.update_directive(operator_a, directive, {"description": "补充：台账需重建"},
                             expected_version=directive.version)
    actions.update_task(operator_a, rectification, {"deadline": later(rectification)},
                        expected_version=rectification.version)

    assert Task.objects.get(pk=rectification.pk).deadline == later(rectification)


def test_user_without_a_role_cannot_cancel(rectification, django_user_model):
    stranger = django_user_model.objects.create_user(username="stranger", password="x-Pass-9271")
    with pytest.raises(PermissionDenied):
        actions.cancel_task(stranger, rectification, reason="无")


def test_cancelled_task_takes_no_milestone(rectification, inspector_a, township_operator):
    actions.cancel_task(inspector_a, rectification, reason="并入回头看整改")
    cancelled = Task.objects.get(pk=rectification.pk)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        actions.add_milestone(township_operator, cancelled, name="取消后加里程碑",
                              due_on=cancelled.deadline)

    assert "cancelled" in " ".join(refused.value.messages)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_pages_refuse_checked_unit(rectification, township_operator):
    client = logged_in(township_operator)
    task = rectification
    edit = client.post(reverse("duties:task_edit", args=[task.pk]), {
        "code": task.code, "name": task.name, "description": task.description,
        "lead_unit": task.lead_unit_id, "start": task.start.isoformat(),
        "deadline": later(task).isoformat(), "weight": "100", "version": task.version})
    cancel = client.post(reverse("duties:task_cancel", args=[task.pk]),
                         {"reason": "已自行整改，无需再跟踪"})

    assert edit.status_code == 400
    assert "只有该暗访的检查人员" in edit.content.decode()
    assert cancel.status_code == 400
    assert Task.objects.get(pk=task.pk).deadline == task.deadline
    assert Task.objects.get(pk=task.pk).cancelled_on is None


def task_book(tmp_path, task: Task, deadline: datetime.date):
    book = Workbook()
    sheet = book.active
    sheet.title = "任务分解"
    sheet.append(TASK_HEADERS)
    sheet.append([task.directive.document_number, task.code, "", task.name, task.lead_unit.name,
                  "", "", task.start, deadline, 100, "", "", task.description])
    path = tmp_path / "rectification.xlsx"
    book.save(path)
    return path


def test_workbook_cannot_move_deadline(tmp_path, rectification,
                                                         township_operator):
    with translation.override("zh-hans"), pytest.raises(LedgerError) as refused:
        import_workbook(township_operator, task_book(tmp_path, rectification,
                                                     later(rectification)))

    assert any("海门街道暗访" in issue.reason for issue in refused.value.errors)
    assert Task.objects.get(pk=rectification.pk).deadline == rectification.deadline


def test_unchanged_workbook_row_passes(tmp_path, rectification,
                                                        township_operator):
    report = import_workbook(township_operator, task_book(tmp_path, rectification,
                                                          rectification.deadline))

    assert report.tasks.unchanged == 1
