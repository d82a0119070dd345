"""Derived task statuses and the task querysets, computed for the day asked about."""

import datetime
from decimal import Decimal

import pytest

from sunshine.duties import actions
from sunshine.duties.models import Task, TaskStatus, derive_status
from tests.conftest import region
from tests.duties_data import NOW, TODAY, make_directive, make_task

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 3, 31)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.mark.parametrize(("cancelled", "completed", "progress", "today", "expected"), [
    (None, None, "0", datetime.date(2026, 3, 1), TaskStatus.NOT_STARTED),
    (None, None, "40", datetime.date(2026, 3, 1), TaskStatus.IN_PROGRESS),
    (None, None, "40", datetime.date(2026, 3, 31), TaskStatus.IN_PROGRESS),
    (None, None, "40", datetime.date(2026, 4, 1), TaskStatus.OVERDUE),
    (None, None, "0", datetime.date(2026, 4, 1), TaskStatus.OVERDUE),
    (None, datetime.date(2026, 3, 31), "100", datetime.date(2026, 5, 1), TaskStatus.DONE_ON_TIME),
    (None, datetime.date(2026, 4, 2), "100", datetime.date(2026, 5, 1), TaskStatus.DONE_LATE),
    (datetime.date(2026, 3, 2), None, "40", datetime.date(2026, 5, 1), TaskStatus.CANCELLED),
])
def test_derive_status(cancelled, completed, progress, today, expected):
    status = derive_status(cancelled_on=cancelled, completed_on=completed, deadline=DEADLINE,
                           progress=Decimal(progress), today=today)

    assert status == expected


@pytest.fixture
def tasks(operator_a, unit_a, unit_b, operator_b):
    """Tasks of 椒江区 in every status on 2026-04-10, and one task of 黄岩区."""
    directive = make_directive(operator_a, unit_a)
    values = {"deadline": DEADLINE}
    made = {
        "not_started": make_task(operator_a, directive, "A", weight="20", **values),
        "in_progress": make_task(operator_a, directive, "B", weight="20",
                                 deadline=datetime.date(2026, 6, 30)),
        "on_time": make_task(operator_a, directive, "C", weight="20", **values),
        "late": make_task(operator_a, directive, "D", weight="20", **values),
        "cancelled": make_task(operator_a, directive, "E", weight="20", **values),
    }
    Task.objects.filter(pk=made["in_progress"].pk).update(progress=Decimal("30"))
    Task.objects.filter(pk=made["on_time"].pk).update(progress=Decimal("100"),
                                                      completed_on=datetime.date(2026, 3, 20))
    Task.objects.filter(pk=made["late"].pk).update(progress=Decimal("100"),
                                                   completed_on=datetime.date(2026, 4, 5))
    actions.cancel_task(operator_a, made["cancelled"], reason="不再需要")
    other = make_directive(operator_b, unit_b, number="黄政办发〔2026〕2号")
    made["other_county"] = make_task(operator_b, other, "Z", **values)
    return made


def test_with_status_matches_derive_status(tasks):
    today = datetime.date(2026, 4, 10)

    for task in Task.objects.with_status(today):
        assert task.status == task.status_on(today), task.code


def test_statuses_change_with_the_day_without_any_job(tasks):
    before = {t.code: t.status for t in Task.objects.with_status(datetime.date(2026, 3, 30))}
    after = {t.code: t.status for t in Task.objects.with_status(datetime.date(2026, 4, 10))}

    assert before["A"] == TaskStatus.NOT_STARTED
    assert after["A"] == TaskStatus.OVERDUE
    assert after["C"] == TaskStatus.DONE_ON_TIME
    assert after["D"] == TaskStatus.DONE_LATE
    assert after["E"] == TaskStatus.CANCELLED
    assert after["B"] == TaskStatus.IN_PROGRESS


def test_overdue_counts_open_tasks_past_their_deadline(tasks):
    overdue = Task.objects.overdue(datetime.date(2026, 4, 10))

    assert set(overdue.values_list("code", flat=True)) == {"A", "Z"}


def test_overdue_defaults_to_today(tasks):
    assert not Task.objects.overdue().exists()


def test_due_between_leaves_out_cancelled_tasks(tasks):
    due = Task.objects.due_between(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))

    assert set(due.values_list("code", flat=True)) == {"A", "C", "D", "Z"}


def test_done_on_time_and_late(tasks):
    assert list(Task.objects.done_on_time().values_list("code", flat=True)) == ["C"]
    assert list(Task.objects.done_late().values_list("code", flat=True)) == ["D"]


def test_in_region_follows_the_lead_unit(tasks):
    codes = set(Task.objects.in_region(region("331002")).values_list("code", flat=True))

    assert codes == {"A", "B", "C", "D", "E"}
    assert set(Task.objects.in_region(region("331000")).values_list("code", flat=True)) == {
        "A", "B", "C", "D", "E", "Z"}


def test_in_unit_takes_the_unit_subtree(tasks, unit_a):
    assert Task.objects.in_unit(unit_a).count() == 5


def test_status_filter_in_sql(tasks):
    codes = Task.objects.with_status_in([TaskStatus.OVERDUE], datetime.date(2026, 4, 10))

    assert set(codes.values_list("code", flat=True)) == {"A", "Z"}


def test_status_label_follows_language(tasks):
    from django.utils import translation

    task = Task.objects.with_status(datetime.date(2026, 4, 10)).get(code="A")
    with translation.override("zh-hans"):
        assert task.get_status_display() == "已超期"
    with translation.override("en"):
        assert task.get_status_display() == "overdue"
    assert TODAY < DEADLINE
