"""An open appeal closes as upheld when its entry is cancelled by other means.

A reviewer may reverse an entry, or approve an exemption that offsets it,
while the cadre's appeal against it is still open. The appeal then closes
as upheld and names the cancelling entry, so the appeal never shows as
rejected although the points are gone.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunshine.audit.models import AuditEntry
from sunshine.merit import actions
from sunshine.merit.models import Appeal, AppealStatus, EntryKind
from tests.merit_data import NOW, make_directive, make_leader, make_person, make_task, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def penalty(operator_a, unit_a):
    cadre = make_person(operator_a, unit_a)
    task = make_task(operator_a, make_directive(operator_a, unit_a), "1", responsible_person=cadre)
    return post("task_overdue", cadre, task, datetime.date(2026, 2, 27))


@pytest.fixture
def appeal(operator_a, penalty):
    return actions.file_appeal(operator_a, penalty, reason="时限已批准顺延")


def test_reversal_upholds_open_appeal(leader_a, penalty, appeal):
    reversal = actions.reverse_entry(leader_a, penalty, reason="时限已顺延，不应扣分")

    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD
    assert appeal.reversal == reversal
    assert appeal.decided_by == leader_a
    assert appeal.decision_reason == "时限已顺延，不应扣分"
    assert appeal.closed_by_correction


def test_closing_is_audited(leader_a, penalty, appeal):
    actions.reverse_entry(leader_a, penalty, reason="错记")

    closing = AuditEntry.objects.filter(action="update", object_id=str(appeal.pk)).last()
    assert closing is not None
    assert closing.actor_id == leader_a.pk
    assert "upheld" in str(closing.changes)


def test_closed_appeal_cannot_be_rejected(leader_a, penalty, appeal):
    actions.reverse_entry(leader_a, penalty, reason="错记")

    with pytest.raises(ValidationError) as error:
        actions.decide_appeal(leader_a, appeal, uphold=False, reason="确实超期")

    assert error.value.code == "already_decided"


def test_exemption_offset_upholds_open_appeal(operator_a, leader_a, inspector_a, penalty,
                                             appeal):
    exemption = actions.request_exemption(
        operator_a, penalty, reason="按程序集体决策", followed_procedure=True, private_gain=False,
        prohibited_by_superior=False)

    actions.decide_exemption(inspector_a, exemption, approve=True)

    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD
    assert appeal.reversal.kind == EntryKind.EXEMPTION


def test_upheld_appeal_is_not_closed_by_correction(leader_a, appeal):
    decided = actions.decide_appeal(leader_a, appeal, uphold=True, reason="核实属实")

    assert decided.status == AppealStatus.UPHELD
    assert not decided.closed_by_correction


def test_rejected_appeal_stays_rejected(leader_a, penalty, appeal):
    actions.decide_appeal(leader_a, appeal, uphold=False, reason="确实超期")

    actions.reverse_entry(leader_a, penalty, reason="复核后冲销")

    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.REJECTED


def test_pages_show_the_closing(client, leader_a, penalty, appeal):
    client.force_login(leader_a)
    entry_page = client.get(reverse("merit:entry_detail", args=[penalty.pk])).content.decode()

    reversed_ = client.post(reverse("merit:entry_reverse", args=[penalty.pk]),
                            {"reason": "时限已顺延"})
    appeal_page = client.get(reverse("merit:appeal_detail", args=[appeal.pk]))

    text = appeal_page.content.decode()
    assert "申诉将按申诉成立结案" in entry_page
    assert reversed_.status_code == 302
    assert "申诉成立" in text
    assert f"积分记录 #{penalty.pk} 在申诉期间已被积分记录" in text
    assert 'name="decision"' not in text
