"""Length limits of the free text in merit reviews, in the actions and on the pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunshine.merit import actions
from sunshine.merit.models import Appeal
from sunshine.merit.text import MAX_TEXT_LENGTH
from tests.merit_data import NOW, make_directive, make_leader, make_person, make_task, post

pytestmark = pytest.mark.django_db

TOO_LONG = "申" * (MAX_TEXT_LENGTH + 1)


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
def penalty(operator_a, unit_a):
    cadre = make_person(operator_a, unit_a)
    task = make_task(operator_a, make_directive(operator_a, unit_a), "1", responsible_person=cadre)
    return post("task_overdue", cadre, task, datetime.date(2026, 2, 27))


def assert_too_long(call) -> None:
    with pytest.raises(ValidationError) as error:
        call()

    assert error.value.code == "text_too_long"
    assert str(MAX_TEXT_LENGTH + 1) in error.value.messages[0]


def test_appeal_reason_of_four_million_characters(operator_a, penalty):
    with pytest.raises(ValidationError) as error:
        actions.file_appeal(operator_a, penalty, reason="x" * 4_000_000)

    assert error.value.code == "text_too_long"
    assert "4000000" in error.value.messages[0]
    assert not Appeal.objects.exists()


def test_appeal_reason_at_limit_is_kept(operator_a, penalty):
    appeal = actions.file_appeal(operator_a, penalty, reason="申" * MAX_TEXT_LENGTH)

    assert len(appeal.reason) == MAX_TEXT_LENGTH


def test_appeal_decision_too_long(operator_a, leader_a, penalty):
    appeal = actions.file_appeal(operator_a, penalty, reason="不服")

    assert_too_long(lambda: actions.decide_appeal(leader_a, appeal, uphold=False,
                                                  reason=TOO_LONG))


def test_reversal_reason_too_long(leader_a, penalty):
    assert_too_long(lambda: actions.reverse_entry(leader_a, penalty, reason=TOO_LONG))


@pytest.mark.parametrize("field", ["reason", "correction"])
def test_exemption_texts_too_long(operator_a, penalty, field):
    texts = {"reason": "按程序决策", "correction": "", field: TOO_LONG}

    assert_too_long(lambda: actions.request_exemption(
        operator_a, penalty, followed_procedure=True, private_gain=False,
        prohibited_by_superior=False, **texts))


def test_exemption_note_too_long(operator_a, leader_a, penalty):
    exemption = actions.request_exemption(
        operator_a, penalty, reason="按程序决策", followed_procedure=True, private_gain=False,
        prohibited_by_superior=False)

    assert_too_long(lambda: actions.decide_exemption(leader_a, exemption, approve=False,
                                                     note=TOO_LONG))


def test_award_texts_too_long(township_leader, leader_a, township_operator, township_unit):
    nominee = make_person(township_operator, township_unit, name="王五")
    assert_too_long(lambda: actions.nominate_award(township_leader, nominee, reason=TOO_LONG))

    award = actions.nominate_award(township_leader, nominee, reason="带头完成任务")
    assert_too_long(lambda: actions.decide_award(leader_a, award, approve=False,
                                                 reason=TOO_LONG))


def test_appeal_page_rejects_long_reason(client, operator_a, penalty):
    client.force_login(operator_a)

    response = client.post(reverse("merit:entry_appeal", args=[penalty.pk]),
                           {"reason": TOO_LONG})

    text = response.content.decode()
    assert response.status_code == 400
    assert f"文字有 {MAX_TEXT_LENGTH + 1} 个字符，超过了允许的 {MAX_TEXT_LENGTH} 个" in text
    assert f'maxlength="{MAX_TEXT_LENGTH}"' in text
    assert not Appeal.objects.exists()
