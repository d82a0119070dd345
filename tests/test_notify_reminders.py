"""Deadline reminders: thresholds, one reminder per task and threshold, overdue escalation."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.duties import actions
from sunshine.duties.reminders import send_task_reminders, threshold_for
from sunshine.notify.models import DeliveryStatus, Notification
from sunshine.rules.models import Setting
from tests.duties_data import NOW, make_directive, make_leader, make_person, make_task

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 3, 31)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def task(operator_a, unit_a):
    person = make_person(operator_a, unit_a)
    directive = make_directive(operator_a, unit_a)
    return make_task(operator_a, directive, "1", deadline=DEADLINE, responsible_person=person)


def day(number: int) -> datetime.date:
    return datetime.date(2026, 3, number)


@pytest.mark.parametrize(("days_left", "expected"), [
    (8, None), (7, 7), (5, 7), (3, 3), (2, 3), (1, 1), (0, 1),
])
def test_threshold_for_days_left(days_left, expected):
    assert threshold_for(days_left, [7, 3, 1]) == expected


def test_seven_days_before_reminds_the_responsible_person(operator_a, task):
    result = send_task_reminders(day(24))

    notification = Notification.objects.get()
    assert result["queued"] == 1
    assert notification.recipient == operator_a
    assert notification.key == f"task:{task.pk}:2026-03-31:due:7"
    assert "7 天到期" in notification.subject
    assert notification.url == f"/staff/duties/tasks/{task.pk}/"


def test_running_twice_sends_once(task):
    send_task_reminders(day(24))
    again = send_task_reminders(day(24))

    assert again == {"messages": 1, "queued": 0, "skipped": 0}
    assert Notification.objects.count() == 1


def test_each_threshold_reminds_once(task):
    for number in range(20, 32):
        send_task_reminders(day(number))

    keys = sorted(Notification.objects.values_list("key", flat=True))
    assert keys == [f"task:{task.pk}:2026-03-31:due:{n}" for n in (1, 3, 7)]


def test_skipped_run_sends_nearest_threshold(task):
    send_task_reminders(day(30))

    assert list(Notification.objects.values_list("key", flat=True)) == [
        f"task:{task.pk}:2026-03-31:due:1"]


def test_overdue_reminds_the_person_and_the_leaders_once(operator_a, leader_a, task):
    send_task_reminders(datetime.date(2026, 4, 2))
    send_task_reminders(datetime.date(2026, 4, 3))

    rows = Notification.objects.filter(key__endswith="overdue")
    assert {row.recipient for row in rows} == {operator_a, leader_a}
    assert "已超期" in rows.first().subject


def test_done_and_cancelled_tasks_are_not_reminded(operator_a, task):
    actions.cancel_task(operator_a, task, reason="撤销")

    assert send_task_reminders(day(30))["messages"] == 0


def test_moved_deadline_restarts_reminders(operator_a, task):
    send_task_reminders(day(30))
    actions.update_task(operator_a, task, {"deadline": datetime.date(2026, 6, 30)},
                        expected_version=task.version)

    send_task_reminders(datetime.date(2026, 6, 29))

    assert Notification.objects.count() == 2


def test_thresholds_are_a_versioned_setting(task):
    Setting.objects.create(key="duties.reminder_days", value=[10],
                           effective_from=datetime.date(2025, 1, 1))

    send_task_reminders(day(21))

    assert Notification.objects.get().key.endswith(":due:10")


def test_task_without_user_reminds_nobody(operator_a, unit_a):
    directive = make_directive(operator_a, unit_a, number="椒政发〔2026〕77号")
    make_task(operator_a, directive, "1", deadline=DEADLINE)

    assert send_task_reminders(day(30))["queued"] == 0


def test_command_queues_and_delivers(task, time_machine):
    out = io.StringIO()
    time_machine.move_to(NOW + datetime.timedelta(days=14), tick=False)

    call_command("send_reminders", "--date", "2026-03-24", stdout=out)

    notification = Notification.objects.get()
    assert notification.status == DeliveryStatus.SENT
    assert notification.attempts == 1
    assert "新增 1 条" in out.getvalue()
    assert AuditEntry.objects.filter(action="send_reminders").count() == 1
    assert verify() == []


def test_command_rejects_a_later_date(task):
    with pytest.raises(CommandError) as caught:
        call_command("send_reminders", "--date", "2026-03-30")

    assert "2026-03-30" in str(caught.value)
    assert not Notification.objects.exists()


def test_command_rejects_a_bad_date():
    with pytest.raises(CommandError) as caught:
        call_command("send_reminders", "--date", "31/03/2026")

    assert "31/03/2026" in str(caught.value)


def test_inactive_user_is_not_reminded(operator_a, task):
    operator_a.is_active = False
    operator_a.save(update_fields=["is_active"])

    assert send_task_reminders(day(30))["queued"] == 0


def test_catch_up_skips_overdue_task(task, time_machine):
    # 5 April 2026: the deadline of 31 March has passed.
    time_machine.move_to(NOW + datetime.timedelta(days=20), tick=False)

    result = send_task_reminders(day(30))

    assert result == {"messages": 0, "queued": 0, "skipped": 1}
    assert not Notification.objects.exists()


def test_catch_up_after_overdue_notice(operator_a, task, time_machine):
    time_machine.move_to(NOW + datetime.timedelta(days=20), tick=False)
    send_task_reminders()
    out = io.StringIO()

    call_command("send_reminders", "--date", "2026-03-28", stdout=out)

    keys = set(Notification.objects.filter(recipient=operator_a).values_list("key", flat=True))
    assert keys == {f"task:{task.pk}:2026-03-31:overdue"}
    assert "跳过 1 条已过时的提醒" in out.getvalue()


def test_catch_up_keeps_reminders_still_true(operator_a, unit_a, task, time_machine):
    directive = make_directive(operator_a, unit_a, number="椒政发〔2026〕78号")
    later = make_task(operator_a, directive, "1", deadline=datetime.date(2026, 4, 7),
                      responsible_person=task.responsible_person)
    time_machine.move_to(NOW + datetime.timedelta(days=20), tick=False)

    result = send_task_reminders(day(31))

    assert result["skipped"] == 1
    assert list(Notification.objects.values_list("key", flat=True)) == [
        f"task:{later.pk}:2026-04-07:due:7"]


def test_catch_up_reminds_task_due_today(task, time_machine):
    time_machine.move_to(datetime.datetime.combine(DEADLINE, datetime.time(9)), tick=False)

    send_task_reminders(day(28))

    assert Notification.objects.get().key == f"task:{task.pk}:2026-03-31:due:3"
