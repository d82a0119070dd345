"""Reversals, exemptions (容错纠错) and appeals, with their checks and audit entries."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.utils import translation

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.merit import actions
from sunshine.merit.models import (
    AppealStatus,
    EntryKind,
    ExemptionStatus,
    PointEntry,
)
from sunshine.organisation.models import Role
from tests.conftest import make_staff, skip_without_concurrent_writers
from tests.merit_data import NOW, make_directive, make_leader, make_person, make_task, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def cadre(operator_a, unit_a):
    return make_person(operator_a, unit_a)


@pytest.fixture
def tasks(operator_a, unit_a, cadre):
    directive = make_directive(operator_a, unit_a)
    return [make_task(operator_a, directive, str(n), responsible_person=cadre) for n in range(3)]


@pytest.fixture
def penalty(cadre, tasks):
    return post("task_overdue", cadre, tasks[0], datetime.date(2026, 2, 27))


@pytest.fixture
def bonus(cadre, tasks):
    return post("task_on_time", cadre, tasks[1], datetime.date(2026, 3, 2))


def test_reversal_negates_and_links(leader_a, penalty):
    reversal = actions.reverse_entry(leader_a, penalty, reason="时限已顺延，不应扣分")

    assert reversal.kind == EntryKind.REVERSAL
    assert reversal.reverses == penalty
    assert reversal.points == 5
    assert reversal.period == penalty.period
    assert reversal.occurred_on == penalty.occurred_on
    assert reversal.rule == penalty.rule
    assert reversal.created_by == leader_a
    assert AuditEntry.objects.filter(action="reversal", object_id=str(reversal.pk)).exists()
    assert sum(PointEntry.objects.filter(person=penalty.person).values_list("points",
                                                                          flat=True)) == 0


def test_reversal_needs_reason(leader_a, penalty):
    with pytest.raises(ValidationError) as error:
        actions.reverse_entry(leader_a, penalty, reason="  ")

    assert error.value.code == "reason_missing"


def test_double_reversal_refused(leader_a, penalty):
    first = actions.reverse_entry(leader_a, penalty, reason="错记")

    with pytest.raises(ValidationError) as error:
        actions.reverse_entry(leader_a, penalty, reason="再冲一次")

    assert error.value.code == "already_reversed"
    assert f"#{first.pk}" in error.value.messages[0]
    assert PointEntry.objects.filter(reverses=penalty).count() == 1


def test_reversal_of_a_reversal_refused(leader_a, penalty):
    reversal = actions.reverse_entry(leader_a, penalty, reason="错记")

    with pytest.raises(ValidationError) as error:
        actions.reverse_entry(leader_a, reversal, reason="冲销冲销")

    assert error.value.code == "not_a_posting"


def test_cadre_cannot_reverse_own_entry(operator_a, penalty):
    with pytest.raises(PermissionDenied):
        actions.reverse_entry(operator_a, penalty, reason="我觉得不对")


def test_leader_of_other_county_cannot_reverse(django_user_model, unit_b, penalty):
    other = make_leader(django_user_model, unit_b, username="leader_b")

    with pytest.raises(PermissionDenied):
        actions.reverse_entry(other, penalty, reason="越权")


def test_exemption_approved_posts_offset(operator_a, leader_a, inspector_a, penalty):
    exemption = actions.request_exemption(
        operator_a, penalty, reason="先行先试，按程序决策", followed_procedure=True,
        private_gain=False, prohibited_by_superior=False, correction="补齐台账")

    decided = actions.decide_exemption(inspector_a, exemption, approve=True)

    assert decided.status == ExemptionStatus.APPROVED
    assert decided.offset.kind == EntryKind.EXEMPTION
    assert decided.offset.reverses == penalty
    assert decided.offset.points == 5
    assert decided.offset.cause == decided
    assert decided.decided_by == inspector_a
    assert AuditEntry.objects.filter(object_type="merit.exemption",
                                     object_id=str(exemption.pk)).count() == 2


def test_offset_names_its_exemption_in_chinese(operator_a, inspector_a, penalty):
    exemption = actions.request_exemption(
        operator_a, penalty, reason="先行先试，按程序决策", followed_procedure=True,
        private_gain=False, prohibited_by_superior=False, correction="补齐台账")

    with translation.override("en"):
        decided = actions.decide_exemption(inspector_a, exemption, approve=True)

    assert decided.offset.cause_label == (
        f"第 {penalty.pk} 号积分记录的第 {exemption.pk} 号容错免责申请")


def test_exemption_of_positive_entry_refused(operator_a, bonus):
    with pytest.raises(ValidationError) as error:
        actions.request_exemption(operator_a, bonus, reason="无", followed_procedure=True,
                                  private_gain=False, prohibited_by_superior=False)

    assert error.value.code == "not_negative"
    assert "+10" in error.value.messages[0]


def test_exemption_with_failed_checklist_cannot_be_approved(operator_a, leader_a, penalty):
    exemption = actions.request_exemption(
        operator_a, penalty, reason="情况特殊", followed_procedure=False, private_gain=True,
        prohibited_by_superior=False)

    with pytest.raises(ValidationError) as error:
        actions.decide_exemption(leader_a, exemption, approve=True)

    assert error.value.code == "checklist_failed"
    assert not PointEntry.objects.filter(reverses=penalty).exists()


def test_exemption_rejection_needs_note_and_is_recorded(operator_a, leader_a, penalty):
    exemption = actions.request_exemption(
        operator_a, penalty, reason="情况特殊", followed_procedure=True, private_gain=False,
        prohibited_by_superior=True)
    with pytest.raises(ValidationError):
        actions.decide_exemption(leader_a, exemption, approve=False)

    rejected = actions.decide_exemption(leader_a, exemption, approve=False, note="上级明令禁止")

    assert rejected.status == ExemptionStatus.REJECTED
    assert rejected.decision_note == "上级明令禁止"
    assert rejected.offset is None


def test_exemption_requester_cannot_decide(leader_a, penalty):
    exemption = actions.request_exemption(
        leader_a, penalty, reason="按程序", followed_procedure=True, private_gain=False,
        prohibited_by_superior=False)

    with pytest.raises(PermissionDenied):
        actions.decide_exemption(leader_a, exemption, approve=True)


def test_second_live_exemption_refused(operator_a, penalty):
    actions.request_exemption(operator_a, penalty, reason="一", followed_procedure=True,
                              private_gain=False, prohibited_by_superior=False)

    with pytest.raises(ValidationError) as error:
        actions.request_exemption(operator_a, penalty, reason="二", followed_procedure=True,
                                  private_gain=False, prohibited_by_superior=False)

    assert error.value.code == "exemption_exists"


def test_exempted_entry_cannot_be_reversed(operator_a, leader_a, inspector_a, penalty):
    exemption = actions.request_exemption(operator_a, penalty, reason="按程序",
                                          followed_procedure=True, private_gain=False,
                                          prohibited_by_superior=False)
    actions.decide_exemption(inspector_a, exemption, approve=True)

    with pytest.raises(ValidationError) as error:
        actions.reverse_entry(leader_a, penalty, reason="再冲")

    assert error.value.code == "already_reversed"


def request_exemption(actor, entry, reason="按程序决策"):
    return actions.request_exemption(actor, entry, reason=reason, followed_procedure=True,
                                     private_gain=False, prohibited_by_superior=False)


def test_reversal_closes_pending_exemption_as_moot(operator_a, leader_a, penalty):
    exemption = request_exemption(operator_a, penalty)

    reversal = actions.reverse_entry(leader_a, penalty, reason="时限已顺延")

    exemption.refresh_from_db()
    assert exemption.status == ExemptionStatus.MOOT
    assert exemption.decided_by == leader_a
    assert exemption.decided_at == reversal.created_at
    assert f"#{reversal.pk}" in exemption.decision_note
    assert "时限已顺延" in exemption.decision_note
    assert exemption.offset is None
    update = AuditEntry.objects.get(object_type="merit.exemption", object_id=str(exemption.pk),
                                    action="update")
    assert update.changes["status"] == ["pending", "moot"]
    assert verify() == []


def test_moot_exemption_cannot_be_decided(operator_a, leader_a, inspector_a, penalty):
    exemption = request_exemption(operator_a, penalty)
    actions.reverse_entry(leader_a, penalty, reason="错记")

    with pytest.raises(ValidationError) as error:
        actions.decide_exemption(inspector_a, exemption, approve=True)

    assert error.value.code == "already_decided"
    assert PointEntry.objects.filter(reverses=penalty).count() == 1


def test_upheld_appeal_closes_pending_exemption(operator_a, leader_a, penalty):
    exemption = request_exemption(operator_a, penalty)
    appeal = actions.file_appeal(operator_a, penalty, reason="任务已延期批准")

    decided = actions.decide_appeal(leader_a, appeal, uphold=True, reason="核实属实")

    exemption.refresh_from_db()
    assert exemption.status == ExemptionStatus.MOOT
    assert f"#{decided.reversal.pk}" in exemption.decision_note


def test_reversal_leaves_rejected_exemption(operator_a, leader_a, inspector_a, penalty):
    exemption = request_exemption(operator_a, penalty)
    actions.decide_exemption(inspector_a, exemption, approve=False, note="上级明令禁止")

    actions.reverse_entry(leader_a, penalty, reason="错记")

    exemption.refresh_from_db()
    assert exemption.status == ExemptionStatus.REJECTED
    assert exemption.decision_note == "上级明令禁止"


def test_approved_exemption_is_not_moot(operator_a, inspector_a, penalty):
    exemption = request_exemption(operator_a, penalty)

    decided = actions.decide_exemption(inspector_a, exemption, approve=True)

    assert decided.status == ExemptionStatus.APPROVED
    assert not AuditEntry.objects.filter(object_type="merit.exemption",
                                         changes__status=["pending", "moot"]).exists()


def test_appeal_upheld_reverses(operator_a, leader_a, penalty):
    appeal = actions.file_appeal(operator_a, penalty, reason="任务已延期批准")

    decided = actions.decide_appeal(leader_a, appeal, uphold=True, reason="核实属实")

    assert decided.status == AppealStatus.UPHELD
    assert decided.reversal.reverses == penalty
    assert decided.reversal.cause == decided
    assert decided.reversal.points == 5
    assert AuditEntry.objects.filter(action="file_appeal").exists()


def test_appeal_rejected_recorded(operator_a, leader_a, penalty):
    appeal = actions.file_appeal(operator_a, penalty, reason="不服")

    decided = actions.decide_appeal(leader_a, appeal, uphold=False, reason="确实超期")

    assert decided.status == AppealStatus.REJECTED
    assert decided.decision_reason == "确实超期"
    assert decided.reversal is None
    assert not PointEntry.objects.filter(reverses=penalty).exists()


def test_appeal_without_reason_refused(operator_a, penalty):
    with pytest.raises(ValidationError) as error:
        actions.file_appeal(operator_a, penalty, reason="")

    assert error.value.code == "reason_missing"


def test_one_open_appeal_per_entry(operator_a, leader_a, penalty):
    appeal = actions.file_appeal(operator_a, penalty, reason="不服")
    with pytest.raises(ValidationError) as error:
        actions.file_appeal(operator_a, penalty, reason="还是不服")
    assert error.value.code == "appeal_open"

    actions.decide_appeal(leader_a, appeal, uphold=False, reason="确实超期")
    second = actions.file_appeal(operator_a, penalty, reason="有新证据")

    assert second.status == AppealStatus.OPEN


def test_appeal_only_against_own_entry(django_user_model, unit_a, penalty):
    colleague = make_staff(django_user_model, "colleague", Role.OPERATOR, unit_a)

    with pytest.raises(PermissionDenied):
        actions.file_appeal(colleague, penalty, reason="替他申诉")


def test_appellant_cannot_decide_own_appeal(operator_a, penalty, unit_a):
    from sunshine.organisation.models import Assignment

    Assignment.objects.create(user=operator_a, role=Role.LEADER, unit=unit_a)
    appeal = actions.file_appeal(operator_a, penalty, reason="不服")

    with pytest.raises(PermissionDenied):
        actions.decide_appeal(operator_a, appeal, uphold=True, reason="自己批")


@pytest.mark.django_db(transaction=True)
def test_simultaneous_appeals_file_one(operator_a, penalty):
    skip_without_concurrent_writers()
    barrier = threading.Barrier(4)

    def appeal(number: int) -> str:
        barrier.wait()
        try:
            actions.file_appeal(operator_a, penalty, reason=f"任务已延期批准 {number}")
            return "filed"
        except ValidationError as error:
            return error.code or ""
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(appeal, range(4)))

    assert outcomes == ["appeal_open"] * 3 + ["filed"]
    assert penalty.appeals.count() == 1
