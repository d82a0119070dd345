"""The task tree: creation rules, weights, deadlines, weighted roll-up and the audit chain."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.duties import actions
from sunshine.duties.models import Task, TaskCooperation
from sunshine.duties.rollup import directive_progress, weighted
from tests.duties_data import NOW, make_directive, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def directive(operator_a, unit_a):
    return make_directive(operator_a, unit_a)


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_it_creates_a_task_with_path_and_audit_entry(operator_a, directive, unit_b):
    task = make_task(operator_a, directive, "1", cooperating_units=[unit_b],
                     milestones=[("完成设计", datetime.date(2026, 3, 31))])

    assert task.path == f"{task.pk}/"
    assert list(task.cooperating_units.all()) == [unit_b]
    assert task.milestones.get().name == "完成设计"
    entry = AuditEntry.objects.get(object_type="duties.task", object_id=str(task.pk))
    assert entry.action == "create"
    assert entry.row_count == 3
    assert verify() == []


def test_sub_task_path_includes_the_parent(operator_a, directive):
    parent = make_task(operator_a, directive, "1")
    child = make_task(operator_a, directive, "1.1", parent=parent, weight="40")

    assert child.path == f"{parent.pk}/{child.pk}/"
    assert child.ancestor_ids() == [parent.pk]
    assert child.depth == 1


def test_deadline_before_start_is_rejected(operator_a, directive):
    with pytest.raises(ValidationError) as caught:
        make_task(operator_a, directive, "1", start=datetime.date(2026, 5, 1),
                  deadline=datetime.date(2026, 4, 1))

    assert caught.value.code == "deadline_before_start"
    assert "2026-04-01" in messages_of(caught.value)
    assert "2026-05-01" in messages_of(caught.value)


def test_deadline_message_is_chinese_by_default(operator_a, directive):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        make_task(operator_a, directive, "1", start=datetime.date(2026, 5, 1),
                  deadline=datetime.date(2026, 4, 1))

    assert "早于开始日期" in messages_of(caught.value)


def test_child_deadline_after_parent_is_rejected(operator_a, directive):
    parent = make_task(operator_a, directive, "1", deadline=datetime.date(2026, 6, 30))

    with pytest.raises(ValidationError) as caught:
        make_task(operator_a, directive, "1.1", parent=parent, weight="50",
                  deadline=datetime.date(2026, 7, 15))

    assert caught.value.code == "deadline_after_parent"
    assert "2026-06-30" in messages_of(caught.value)
    assert "2026-07-15" in messages_of(caught.value)


def test_parent_deadline_cannot_move_before_a_child(operator_a, directive):
    parent = make_task(operator_a, directive, "1", deadline=datetime.date(2026, 6, 30))
    make_task(operator_a, directive, "1.1", parent=parent, deadline=datetime.date(2026, 6, 1))

    with pytest.raises(ValidationError) as caught:
        actions.update_task(operator_a, parent, {"deadline": datetime.date(2026, 5, 1)},
                            expected_version=parent.version)

    assert caught.value.code == "deadline_before_child"


def test_weights_above_100_name_the_values(operator_a, directive):
    parent = make_task(operator_a, directive, "1")
    make_task(operator_a, directive, "1.1", parent=parent, weight="60")

    with pytest.raises(ValidationError) as caught:
        make_task(operator_a, directive, "1.2", parent=parent, weight="50")

    text = messages_of(caught.value)
    assert caught.value.code == "weights_total"
    assert "110%" in text
    assert "60%" in text
    assert "50%" in text


def test_weights_below_100_are_allowed_while_building(operator_a, directive):
    parent = make_task(operator_a, directive, "1")

    make_task(operator_a, directive, "1.1", parent=parent, weight="60")

    assert parent.children.count() == 1


def test_set_weights_requires_exactly_100(operator_a, directive):
    parent = make_task(operator_a, directive, "1")
    first = make_task(operator_a, directive, "1.1", parent=parent, weight="50")
    second = make_task(operator_a, directive, "1.2", parent=parent, weight="30")

    with pytest.raises(ValidationError) as caught:
        actions.set_weights(operator_a, directive, parent,
                            {first.pk: Decimal("50"), second.pk: Decimal("40")})
    assert "90%" in messages_of(caught.value)

    actions.set_weights(operator_a, directive, parent,
                        {first.pk: Decimal("70"), second.pk: Decimal("30")})
    assert Task.objects.get(pk=first.pk).weight == Decimal("70.00")
    assert verify() == []


def test_top_level_weights_of_a_directive_also_sum_to_100(operator_a, directive):
    make_task(operator_a, directive, "1", weight="70")

    with pytest.raises(ValidationError) as caught:
        make_task(operator_a, directive, "2", weight="40")

    assert "110%" in messages_of(caught.value)


def test_weighted_roll_up_of_children():
    rows = [(Decimal("70"), Decimal("50"), None), (Decimal("30"), Decimal("100"),
                                                   datetime.date(2026, 3, 1))]

    assert weighted(rows) == (Decimal("65.00"), None)


def test_roll_up_is_complete_on_the_last_child_date():
    rows = [(Decimal("50"), Decimal("100"), datetime.date(2026, 3, 1)),
            (Decimal("50"), Decimal("100"), datetime.date(2026, 3, 9))]

    assert weighted(rows) == (Decimal("100"), datetime.date(2026, 3, 9))


def test_roll_up_never_rounds_an_unfinished_parent_to_100():
    rows = [(Decimal("99.99"), Decimal("100"), datetime.date(2026, 3, 1)),
            (Decimal("0.01"), Decimal("50"), None)]

    assert weighted(rows)[0] == Decimal("99.99")


def test_cancelling_a_child_drops_it_from_the_roll_up(operator_a, directive):
    parent = make_task(operator_a, directive, "1")
    child = make_task(operator_a, directive, "1.1", parent=parent, weight="50")
    make_task(operator_a, directive, "1.2", parent=parent, weight="50")

    actions.cancel_task(operator_a, child, reason="合并到1.2")

    assert Task.objects.get(pk=child.pk).cancelled_on == NOW.date()
    assert parent.children.active().count() == 1
    assert verify() == []


def test_cancel_needs_a_reason(operator_a, directive):
    task = make_task(operator_a, directive, "1")

    with pytest.raises(ValidationError) as caught:
        actions.cancel_task(operator_a, task, reason=" ")

    assert caught.value.code == "reason_missing"


def test_cancel_reaches_open_descendants(operator_a, directive):
    parent = make_task(operator_a, directive, "1")
    child = make_task(operator_a, directive, "1.1", parent=parent)

    actions.cancel_task(operator_a, parent, reason="上级调整部署")

    assert Task.objects.get(pk=child.pk).cancelled_on is not None


def test_directive_progress_weights_top_level_tasks(operator_a, directive):
    make_task(operator_a, directive, "1", weight="60")
    make_task(operator_a, directive, "2", weight="40")
    Task.objects.filter(code="1").update(progress=Decimal("50"))

    assert directive_progress(directive) == Decimal("30.00")


def test_editing_cooperating_units_replaces_them(operator_a, directive, unit_b, township_unit):
    task = make_task(operator_a, directive, "1", cooperating_units=[unit_b])

    actions.update_task(operator_a, task, {"name": "新名称"},
                        cooperating_units=[township_unit], expected_version=task.version)

    assert list(TaskCooperation.objects.filter(task=task).values_list("unit", flat=True)) == [
        township_unit.pk]
    assert verify() == []


def test_other_county_cannot_create_tasks_for_a_unit(operator_b, directive, unit_a):
    with pytest.raises(PermissionDenied):
        make_task(operator_b, directive, "1", lead_unit=unit_a)
