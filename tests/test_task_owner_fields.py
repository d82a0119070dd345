"""A task's deadline, weight and cancellation belong to the level that assigned the task.

The county issues a directive and gives a top-level task to a township. The
township reports progress and edits the task's description, but moving its
deadline, changing its weight or cancelling it is the county's decision.
Sub-tasks that the township adds under its own task stay the township's.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from sunshine.duties import actions
from sunshine.duties.excel.importer import LedgerError, import_workbook
from sunshine.duties.models import Task
from tests.duties_data import NOW, make_directive, make_task
from tests.test_duties_excel import TASK_HEADERS

pytestmark = pytest.mark.django_db

LATER = datetime.date(2026, 12, 31)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(name="assigned")
def assigned_fixture(operator_a, unit_a, township_unit) -> Task:
    directive = make_directive(operator_a, unit_a)
    return make_task(operator_a, directive, "1", lead_unit=township_unit)


def test_assignee_cannot_move_deadline(assigned, township_operator):
    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as denied:
        actions.update_task(township_operator, assigned, {"deadline": LATER},
                            expected_version=assigned.version)

    assert "椒政办发〔2026〕1号" in str(denied.value)
    assert Task.objects.get(pk=assigned.pk).deadline == assigned.deadline


def test_assignee_cannot_change_weight_or_cancel(assigned, township_operator):
    with pytest.raises(PermissionDenied):
        actions.update_task(township_operator, assigned, {"weight": Decimal("50")},
                            expected_version=assigned.version)
    with pytest.raises(PermissionDenied):
        actions.cancel_task(township_operator, assigned, reason="不再需要")

    assert Task.objects.get(pk=assigned.pk).cancelled_on is None


def test_assignee_edits_other_fields(assigned, township_operator):
    edited = actions.update_task(township_operator, assigned,
                                 {"description": "分三段推进", "deadline": assigned.deadline},
                                 expected_version=assigned.version)

    assert edited.description == "分三段推进"


def test_issuer_moves_deadline(assigned, operator_a):
    moved = actions.update_task(operator_a, assigned, {"deadline": LATER},
                                expected_version=assigned.version)

    assert moved.deadline == LATER


def test_assignee_manages_own_sub_tasks(assigned, township_operator, township_unit):
    child = make_task(township_operator, assigned.directive, "1.1", parent=assigned,
                      lead_unit=township_unit, deadline=datetime.date(2026, 5, 31))

    moved = actions.update_task(township_operator, child, {"deadline": assigned.deadline},
                                expected_version=child.version)
    actions.cancel_task(township_operator, moved, reason="并入1.2")

    assert moved.deadline == assigned.deadline
    assert Task.objects.get(pk=child.pk).cancelled_on is not None


def test_edit_page_refuses_new_deadline(assigned, township_operator):
    client = Client()
    client.force_login(township_operator)

    answer = client.post(reverse("duties:task_edit", args=[assigned.pk]), {
        "code": assigned.code, "name": assigned.name, "description": "",
        "lead_unit": assigned.lead_unit_id, "start": assigned.start.isoformat(),
        "deadline": LATER.isoformat(), "weight": "100", "version": assigned.version})

    assert answer.status_code == 400
    assert "如需调整完成时限或权重" in answer.content.decode()
    assert Task.objects.get(pk=assigned.pk).deadline == assigned.deadline


def test_workbook_cannot_move_deadline(tmp_path, assigned, township_operator):
    book = Workbook()
    sheet = book.active
    sheet.title = "任务分解"
    sheet.append(TASK_HEADERS)
    sheet.append([assigned.directive.document_number, "1", "", assigned.name, "海门街道办事处",
                  "", "", assigned.start, LATER, 100, "", "", ""])
    path = tmp_path / "tasks.xlsx"
    book.save(path)

    with translation.override("en"), pytest.raises(LedgerError) as refused:
        import_workbook(township_operator, path)

    reasons = " ".join(issue.reason for issue in refused.value.errors)
    assert "ask that level" in reasons
    assert Task.objects.get(pk=assigned.pk).deadline == assigned.deadline
