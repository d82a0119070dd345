"""Execution-pioneer awards: a leader nominates, a higher-level leader decides."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sunshine.merit import actions
from sunshine.merit.models import AwardStatus, PointEntry
from tests.merit_data import NOW, TODAY, make_leader, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def township_leader(django_user_model, township_unit):
    return make_leader(django_user_model, township_unit, username="township_leader")


@pytest.fixture
def nominee(township_operator, township_unit):
    return make_person(township_operator, township_unit, name="赵六")


def test_nomination_then_approval_posts_points(township_leader, leader_a, nominee):
    award = actions.nominate_award(township_leader, nominee, reason="攻坚拆违，提前完成")

    decided = actions.decide_award(leader_a, award, approve=True)

    assert decided.status == AwardStatus.APPROVED
    assert decided.entry.rule_code == "award_pioneer"
    assert decided.entry.points == 20
    assert decided.entry.cause == decided
    assert decided.entry.occurred_on == TODAY
    assert decided.entry.person == nominee


def test_rejection_recorded_without_points(township_leader, leader_a, nominee):
    award = actions.nominate_award(township_leader, nominee, reason="表现突出")
    with pytest.raises(ValidationError):
        actions.decide_award(leader_a, award, approve=False)

    decided = actions.decide_award(leader_a, award, approve=False, reason="事迹材料不足")

    assert decided.status == AwardStatus.REJECTED
    assert decided.decision_reason == "事迹材料不足"
    assert not PointEntry.objects.filter(person=nominee).exists()


def test_same_level_leader_cannot_approve(django_user_model, township_unit, township_leader,
                                          nominee):
    peer = make_leader(django_user_model, township_unit, username="township_peer")
    award = actions.nominate_award(township_leader, nominee, reason="表现突出")

    with pytest.raises(PermissionDenied):
        actions.decide_award(peer, award, approve=True)


def test_nominator_cannot_approve(leader_a, nominee):
    award = actions.nominate_award(leader_a, nominee, reason="表现突出")

    with pytest.raises(PermissionDenied):
        actions.decide_award(leader_a, award, approve=True)


def test_operator_cannot_nominate(operator_a, nominee):
    with pytest.raises(PermissionDenied):
        actions.nominate_award(operator_a, nominee, reason="表现突出")


def test_nomination_needs_reason(township_leader, nominee):
    with pytest.raises(ValidationError) as error:
        actions.nominate_award(township_leader, nominee, reason="")

    assert error.value.code == "reason_missing"


def test_decided_award_cannot_be_decided_again(township_leader, leader_a, nominee):
    award = actions.nominate_award(township_leader, nominee, reason="表现突出")
    actions.decide_award(leader_a, award, approve=True)

    with pytest.raises(ValidationError) as error:
        actions.decide_award(leader_a, award, approve=True)

    assert error.value.code == "already_decided"
    assert PointEntry.objects.filter(person=nominee).count() == 1
