"""Progress reports: submission rules, maker-checker approval, roll-up and notifications."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import translation

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.duties import actions
from sunshine.duties.models import ProgressReport, ReportStatus, Task, TaskStatus
from sunshine.notify.models import Notification
from tests.conftest import skip_without_concurrent_writers
from tests.duties_data import NOW, TODAY, make_directive, make_leader, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def directive(operator_a, unit_a):
    return make_directive(operator_a, unit_a)


@pytest.fixture
def task(operator_a, directive):
    return make_task(operator_a, directive, "1", deadline=datetime.date(2026, 3, 31))


def submit(user, task, percent, **extra):
    values = {"text": "已完成部分整治", "as_of": TODAY}
    values.update(extra)
    return actions.submit_report(user, Task.objects.get(pk=task.pk), percent=percent, **values)


def test_submitted_report_waits_and_leaves_the_task_alone(operator_a, task):
    report = submit(operator_a, task, 40)

    assert report.status == ReportStatus.SUBMITTED
    assert report.previous_percent == Decimal("0.00")
    assert Task.objects.get(pk=task.pk).progress == Decimal("0.00")
    assert verify() == []


def test_leader_approval_updates_progress(operator_a, leader_a, task):
    report = submit(operator_a, task, 40)

    actions.approve_report(leader_a, report)

    refreshed = Task.objects.get(pk=task.pk)
    assert refreshed.progress == Decimal("40.00")
    assert refreshed.completed_on is None
    assert refreshed.status_on(TODAY) == TaskStatus.IN_PROGRESS
    assert ProgressReport.objects.get(pk=report.pk).decided_by == leader_a
    assert verify() == []


def test_approval_at_100_sets_the_completion_date(operator_a, leader_a, task):
    report = submit(operator_a, task, 100, as_of=datetime.date(2026, 3, 12))

    actions.approve_report(leader_a, report)

    refreshed = Task.objects.get(pk=task.pk)
    assert refreshed.completed_on == datetime.date(2026, 3, 12)
    assert refreshed.status_on(TODAY) == TaskStatus.DONE_ON_TIME


def test_maker_cannot_approve_own_report(leader_a, task):
    report = submit(leader_a, task, 40)

    with pytest.raises(PermissionDenied) as caught:
        actions.approve_report(leader_a, report)

    assert "必须由他人审核" in str(caught.value)
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_operator_cannot_approve(operator_a, township_operator, task):
    report = submit(operator_a, task, 40)

    with pytest.raises(PermissionDenied):
        actions.approve_report(township_operator, report)


def test_leader_of_a_parent_unit_approves(django_user_model, operator_a, township_unit,
                                          directive, unit_a):
    leader = make_leader(django_user_model, unit_a, "county_leader")
    task = make_task(operator_a, directive, "T", lead_unit=township_unit)
    report = submit(operator_a, task, 50)

    actions.approve_report(leader, report)

    assert Task.objects.get(pk=task.pk).progress == Decimal("50.00")


def test_leader_of_a_child_unit_cannot_approve(django_user_model, operator_a, township_unit,
                                               task):
    township_leader = make_leader(django_user_model, township_unit, "township_leader")
    report = submit(operator_a, task, 50)

    with pytest.raises(PermissionDenied):
        actions.approve_report(township_leader, report)


def test_return_needs_a_reason_and_keeps_progress(operator_a, leader_a, task):
    report = submit(operator_a, task, 60)

    with pytest.raises(ValidationError):
        actions.return_report(leader_a, report, reason="")
    actions.return_report(leader_a, report, reason="缺少现场照片")

    returned = ProgressReport.objects.get(pk=report.pk)
    assert returned.status == ReportStatus.RETURNED
    assert returned.return_reason == "缺少现场照片"
    assert Task.objects.get(pk=task.pk).progress == Decimal("0.00")


def test_decided_report_cannot_be_decided_again(operator_a, leader_a, task):
    report = submit(operator_a, task, 60)
    actions.approve_report(leader_a, report)

    with pytest.raises(ValidationError) as caught:
        actions.return_report(leader_a, report, reason="再看看")

    assert caught.value.code == "already_decided"


@pytest.mark.parametrize("percent", [101, 150, -1])
def test_progress_outside_0_to_100_is_rejected(operator_a, task, percent):
    with pytest.raises(ValidationError) as caught:
        submit(operator_a, task, percent)

    assert caught.value.code == "percent_range"
    assert str(percent) in caught.value.messages[0]


def test_progress_over_100_message_in_both_languages(operator_a, task):
    for language, expected in (("zh-hans", "不能超过 100%"), ("en", "more than 100% done")):
        with translation.override(language), pytest.raises(ValidationError) as caught:
            submit(operator_a, task, 120)
        assert expected in caught.value.messages[0]


def test_going_backwards_needs_a_reason(operator_a, leader_a, task):
    actions.approve_report(leader_a, submit(operator_a, task, 60))

    with pytest.raises(ValidationError) as caught:
        submit(operator_a, task, 40)
    assert caught.value.code == "reason_missing"
    assert "60" in caught.value.messages[0]

    report = submit(operator_a, task, 40, reason="验收发现返工")
    actions.approve_report(leader_a, report)
    assert Task.objects.get(pk=task.pk).progress == Decimal("40.00")


def test_one_pending_report_at_a_time(operator_a, task):
    submit(operator_a, task, 30)

    with pytest.raises(ValidationError) as caught:
        submit(operator_a, task, 40)

    assert caught.value.code == "pending_report"


def test_future_date_is_rejected(operator_a, task):
    with pytest.raises(ValidationError) as caught:
        submit(operator_a, task, 30, as_of=datetime.date(2026, 3, 17))

    assert caught.value.code == "future"


def test_date_before_the_last_approved_report_is_rejected(operator_a, leader_a, task):
    actions.approve_report(leader_a, submit(operator_a, task, 30))

    with pytest.raises(ValidationError) as caught:
        submit(operator_a, task, 40, as_of=datetime.date(2026, 3, 1))

    assert caught.value.code == "before_last_report"


def test_parent_task_takes_no_reports(operator_a, directive, task):
    make_task(operator_a, directive, "1.1", parent=task, deadline=datetime.date(2026, 3, 20))

    with pytest.raises(ValidationError) as caught:
        submit(operator_a, task, 30)

    assert caught.value.code == "has_children"


def test_cancelled_task_takes_no_reports(operator_a, task):
    actions.cancel_task(operator_a, task, reason="撤销")

    with pytest.raises(ValidationError) as caught:
        submit(operator_a, task, 30)

    assert caught.value.code == "cancelled"


def test_complete_task_reopens_only_with_lower_progress(operator_a, leader_a, task):
    actions.approve_report(leader_a, submit(operator_a, task, 100))

    with pytest.raises(ValidationError) as caught:
        submit(operator_a, task, 100)
    assert caught.value.code == "already_complete"

    actions.approve_report(leader_a, submit(operator_a, task, 90, reason="整改未通过验收"))
    refreshed = Task.objects.get(pk=task.pk)
    assert refreshed.completed_on is None
    assert refreshed.progress == Decimal("90.00")


def test_approval_rolls_up_to_parents(operator_a, leader_a, directive):
    parent = make_task(operator_a, directive, "P")
    first = make_task(operator_a, directive, "P.1", parent=parent, weight="70")
    second = make_task(operator_a, directive, "P.2", parent=parent, weight="30")

    actions.approve_report(leader_a, submit(operator_a, first, 50,
                                            as_of=datetime.date(2026, 3, 5)))
    assert Task.objects.get(pk=parent.pk).progress == Decimal("35.00")

    actions.approve_report(leader_a, submit(operator_a, first, 100,
                                            as_of=datetime.date(2026, 3, 10)))
    actions.approve_report(leader_a, submit(operator_a, second, 100,
                                            as_of=datetime.date(2026, 3, 14)))
    parent = Task.objects.get(pk=parent.pk)
    assert parent.progress == Decimal("100.00")
    assert parent.completed_on == datetime.date(2026, 3, 14)
    assert verify() == []


def test_other_county_cannot_submit(operator_b, task):
    with pytest.raises(PermissionDenied):
        submit(operator_b, task, 10)


def test_submit_and_decision_notify_after_commit(operator_a, leader_a, task,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(operator_a, task, 40)
    to_leader = Notification.objects.get(recipient=leader_a)
    assert "40%" in to_leader.subject
    assert to_leader.url.endswith(f"/reports/{report.pk}/")

    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_report(leader_a, report)
    assert Notification.objects.filter(recipient=operator_a, key__endswith="approved").exists()


def test_each_step_is_one_audit_entry(operator_a, leader_a, task):
    report = submit(operator_a, task, 40)
    actions.approve_report(leader_a, report)

    entries = AuditEntry.objects.filter(object_type="duties.progressreport",
                                        object_id=str(report.pk))
    assert list(entries.values_list("action", flat=True)) == ["submit", "approve"]
    assert entries.get(action="approve").actor_id == leader_a.pk


def test_verify_audit_after_workflow(operator_a, leader_a, task):
    report = submit(operator_a, task, 40)
    actions.approve_report(leader_a, report)
    actions.cancel_task(operator_a, Task.objects.get(pk=task.pk), reason="合并")
    call_command("verify_audit", stdout=StringIO())

    ProgressReport.objects.filter(pk=report.pk).update(percent=90)
    with pytest.raises(CommandError):
        call_command("verify_audit", stderr=StringIO())


@pytest.mark.django_db(transaction=True)
def test_simultaneous_approve_and_return_decide_once(operator_a, leader_a, task):
    skip_without_concurrent_writers()
    report = submit(operator_a, task, 60)
    barrier = threading.Barrier(2)

    def decide(step: str) -> str:
        barrier.wait()
        try:
            if step == "approve":
                actions.approve_report(leader_a, report)
            else:
                actions.return_report(leader_a, report, reason="缺少现场照片")
            return "done"
        except ValidationError as error:
            return error.code or ""
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(decide, ["approve", "return"]))

    assert outcomes == ["already_decided", "done"]
    decided = ProgressReport.objects.get(pk=report.pk)
    assert (decided.status == ReportStatus.APPROVED) == (decided.return_reason == "")
    assert verify() == []
