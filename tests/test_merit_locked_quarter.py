"""Point entries of a locked quarter, and the time limit on appeals."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sunshine.duties.actions import lock_quarter, unlock_quarter
from sunshine.duties.periods import quarter
from sunshine.merit import actions
from sunshine.merit.models import Appeal, AppealStatus, Exemption, ExemptionStatus, PointEntry
from sunshine.rules.models import Setting
from sunshine.rules.values import settings_changed
from tests.conftest import region
from tests.merit_data import NOW, make_directive, make_leader, make_person, make_task, post

pytestmark = pytest.mark.django_db

Q4_2025 = quarter(2025, 4)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def city_admin(django_user_model):
    return django_user_model.objects.create_superuser(username="root", password="x-Pass-9271")


@pytest.fixture
def cadre(operator_a, unit_a):
    return make_person(operator_a, unit_a)


@pytest.fixture
def penalty(operator_a, unit_a, cadre):
    """A deduction of 2025Q4, posted on NOW (16 March 2026)."""
    directive = make_directive(operator_a, unit_a)
    task = make_task(operator_a, directive, "1", responsible_person=cadre)
    return post("task_overdue", cadre, task, datetime.date(2025, 12, 20))


def lock(admin):
    lock_quarter(admin, region("331002"), Q4_2025, reason="第四季度执行率已通报")


def appeal_of(operator_a, entry):
    return actions.file_appeal(operator_a, entry, reason="已按时完成")


def exemption_of(operator_a, entry):
    return actions.request_exemption(
        operator_a, entry, reason="按程序报批调整工期", followed_procedure=True,
        private_gain=False, prohibited_by_superior=False)


def assert_locked(error, entry):
    message = error.value.messages[0]
    assert error.value.code == "period_locked"
    assert f"#{entry.pk}" in message
    assert "Q4 2025" in message
    assert "unlock" in message


def test_automatic_lock_leaves_entries_open(operator_a, leader_a, penalty):
    # 2025Q4 locked itself for progress reports on 15 January 2026.
    appeal = appeal_of(operator_a, penalty)

    decided = actions.decide_appeal(leader_a, appeal, uphold=True, reason="时限已顺延")

    assert decided.status == AppealStatus.UPHELD


def test_locked_quarter_rejects_corrections(operator_a, leader_a, city_admin, penalty):
    lock(city_admin)

    with translation.override("en"):
        with pytest.raises(ValidationError) as reversal:
            actions.reverse_entry(leader_a, penalty, reason="错记")
        with pytest.raises(ValidationError) as appeal:
            appeal_of(operator_a, penalty)
        with pytest.raises(ValidationError) as exemption:
            exemption_of(operator_a, penalty)

    for error in (reversal, appeal, exemption):
        assert_locked(error, penalty)
    assert PointEntry.objects.count() == 1
    assert not Appeal.objects.exists()
    assert not Exemption.objects.exists()


def test_locked_quarter_message_in_chinese(operator_a, city_admin, penalty):
    lock(city_admin)

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        appeal_of(operator_a, penalty)

    assert "锁定" in error.value.messages[0]
    assert "2025" in error.value.messages[0]


@pytest.mark.parametrize("uphold", [True, False])
def test_locked_appeal_decided_after_unlock(operator_a, leader_a, city_admin, penalty,
                                            uphold):
    appeal = appeal_of(operator_a, penalty)
    lock(city_admin)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        actions.decide_appeal(leader_a, appeal, uphold=uphold, reason="核实")

    assert_locked(error, penalty)
    assert Appeal.objects.get().status == AppealStatus.OPEN
    assert PointEntry.objects.count() == 1

    unlock_quarter(city_admin, region("331002"), Q4_2025, reason="更正申诉")
    assert actions.decide_appeal(leader_a, appeal, uphold=uphold, reason="核实").status == (
        AppealStatus.UPHELD if uphold else AppealStatus.REJECTED)


def test_locked_exemption_decision_rejected(operator_a, inspector_a, city_admin,
                                            penalty):
    exemption = exemption_of(operator_a, penalty)
    lock(city_admin)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        actions.decide_exemption(inspector_a, exemption, approve=True)

    assert_locked(error, penalty)
    assert Exemption.objects.get().status == ExemptionStatus.PENDING


def test_other_county_lock_ignored(operator_a, city_admin, penalty):
    lock_quarter(city_admin, region("331003"), Q4_2025, reason="黄岩区已通报")

    assert appeal_of(operator_a, penalty).status == AppealStatus.OPEN


def test_appeal_on_last_day_accepted(operator_a, penalty, time_machine):
    time_machine.move_to(NOW + datetime.timedelta(days=30), tick=False)

    assert appeal_of(operator_a, penalty).status == AppealStatus.OPEN


def test_late_appeal_rejected(operator_a, leader_a, penalty, time_machine):
    time_machine.move_to(NOW + datetime.timedelta(days=31), tick=False)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        appeal_of(operator_a, penalty)

    message = error.value.messages[0]
    assert error.value.code == "appeal_too_late"
    assert "2026-03-16" in message
    assert "30 days" in message
    assert "2026-04-15" in message
    assert not Appeal.objects.exists()
    # A reviewer can still correct a wrong posting.
    assert actions.reverse_entry(leader_a, penalty, reason="错记").points == 5


def test_appeal_days_per_county(operator_a, penalty, time_machine):
    Setting.objects.create(key="merit.appeal_days", county=region("331002"), value=60,
                           effective_from=datetime.date(2026, 1, 1))
    settings_changed()
    time_machine.move_to(NOW + datetime.timedelta(days=45), tick=False)

    assert appeal_of(operator_a, penalty).status == AppealStatus.OPEN


def test_entry_page_shows_appeal_deadline(operator_a, penalty):
    client = Client()
    client.force_login(operator_a)

    page = client.get(reverse("merit:entry_detail", args=[penalty.pk]),
                      HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert "accepted until 2026-04-15" in page.content.decode()
