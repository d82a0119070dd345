"""Statutory deadlines: each rule's default, counting rules, versioned settings and status."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from sunshine.petitions import deadlines
from sunshine.petitions.deadlines import DeadlineStatus
from sunshine.rules.models import Setting
from tests.conftest import region

pytestmark = pytest.mark.django_db

D = datetime.date
JIAOJIANG = "331002"
HUANGYAN = "331003"


def due(rule: str, start: datetime.date, code: str = JIAOJIANG) -> datetime.date:
    return deadlines.compute(rule, start, region=region(code)).due


@pytest.mark.parametrize(("rule", "start", "expected"), [
    # Petition Work Regulation art. 22: transfer within 15 days of registration.
    (deadlines.TRANSFER, D(2026, 3, 2), D(2026, 3, 17)),
    # Art. 23 paras. 2 and 3: written notice within 15 days of receipt.
    (deadlines.ACCEPT_NOTICE, D(2026, 3, 2), D(2026, 3, 17)),
    # Art. 23 para. 3: objection within 5 working days.
    (deadlines.REFERRAL_OBJECTION, D(2026, 3, 2), D(2026, 3, 9)),
    # Art. 34: handled within 60 days of acceptance.
    (deadlines.HANDLE, D(2026, 3, 2), D(2026, 5, 6)),
    # Art. 35: review request within 30 days, decision within 30 days.
    (deadlines.REVIEW_REQUEST, D(2026, 3, 2), D(2026, 4, 1)),
    (deadlines.REVIEW_DECISION, D(2026, 3, 2), D(2026, 4, 1)),
    # Art. 36: the same for re-review.
    (deadlines.RE_REVIEW_REQUEST, D(2026, 3, 2), D(2026, 4, 1)),
    (deadlines.RE_REVIEW_DECISION, D(2026, 3, 2), D(2026, 4, 1)),
    # Commission rules on reports (2020) art. 16: accept or transfer in 5 working days.
    (deadlines.ACCUSATION_ACCEPT, D(2026, 3, 2), D(2026, 3, 9)),
    # Commission rules on real-name reports: notice and feedback in 15 working days.
    (deadlines.ACCUSATION_NOTICE, D(2026, 3, 2), D(2026, 3, 23)),
    (deadlines.ACCUSATION_FEEDBACK, D(2026, 3, 2), D(2026, 3, 23)),
    # Zhejiang Petition Regulation arts. 20 and 23: internal targets.
    (deadlines.ACCEPT_WARNING, D(2026, 3, 2), D(2026, 3, 9)),
    (deadlines.HANDLE_WARNING, D(2026, 3, 2), D(2026, 4, 1)),
])
def test_rule_defaults(rule, start, expected):
    assert due(rule, start) == expected


def test_handle_period_moves_past_labour_day():
    # 60 days after 2 March 2026 is 1 May, the first day of the Labour Day
    # holiday (1-5 May), so the period ends on Wed 6 May.
    assert deadlines.compute(deadlines.HANDLE, D(2026, 3, 2), region=region(JIAOJIANG)).due \
        == D(2026, 5, 6)
    assert D(2026, 3, 2) + datetime.timedelta(days=60) == D(2026, 5, 1)


def test_zhejiang_targets_are_not_legal_deadlines():
    warning = deadlines.compute(deadlines.ACCEPT_WARNING, D(2026, 3, 2), region=region(JIAOJIANG))
    legal = deadlines.compute(deadlines.ACCEPT_NOTICE, D(2026, 3, 2), region=region(JIAOJIANG))

    assert warning.legal is False
    assert legal.legal is True


def test_working_days_cross_spring_festival():
    # Received Fri 13 Feb 2026: 14 Feb is a make-up working day, 15-23 Feb off.
    assert due(deadlines.ACCUSATION_ACCEPT, D(2026, 2, 13)) == D(2026, 2, 27)
    assert due(deadlines.ACCUSATION_NOTICE, D(2026, 2, 13)) == D(2026, 3, 12)


def test_calendar_days_ending_in_holiday_move():
    # 1 Feb + 15 days = 16 Feb, inside the Spring Festival: Civil Code art. 203.
    assert due(deadlines.ACCEPT_NOTICE, D(2026, 2, 1)) == D(2026, 2, 24)


def test_calendar_days_ending_on_make_up_day_stay():
    assert due(deadlines.ACCEPT_NOTICE, D(2026, 2, 13)) == D(2026, 2, 28)


def test_calendar_days_ending_on_weekend_move():
    # 15 days after Fri 6 Mar 2026 is Sat 21 Mar, so Mon 23 Mar.
    assert due(deadlines.ACCEPT_NOTICE, D(2026, 3, 6)) == D(2026, 3, 23)
    # 15 days after Sat 21 Mar is Sun 5 Apr, inside Qingming (4-6 Apr), so Tue 7 Apr.
    assert due(deadlines.ACCEPT_NOTICE, D(2026, 3, 21)) == D(2026, 4, 7)


def test_holiday_rule_can_be_switched_off():
    Setting.objects.create(key=deadlines.END_ON_HOLIDAY_MOVES, value=False,
                           effective_from=D(2026, 1, 1))

    assert due(deadlines.ACCEPT_NOTICE, D(2026, 2, 1)) == D(2026, 2, 16)


def test_calendar_and_working_days_differ():
    calendar_days = {"count": 5, "unit": "days"}
    Setting.objects.create(key=deadlines.REFERRAL_OBJECTION, county=region(HUANGYAN),
                           value=calendar_days, effective_from=D(2026, 1, 1))

    assert due(deadlines.REFERRAL_OBJECTION, D(2026, 3, 2), HUANGYAN) == D(2026, 3, 9)
    assert due(deadlines.REFERRAL_OBJECTION, D(2026, 3, 4), HUANGYAN) == D(2026, 3, 9)
    assert due(deadlines.REFERRAL_OBJECTION, D(2026, 3, 4), JIAOJIANG) == D(2026, 3, 11)


def test_county_setting_applies_from_its_date():
    Setting.objects.create(key=deadlines.ACCEPT_NOTICE, county=region(JIAOJIANG),
                           value={"count": 10, "unit": "days"}, effective_from=D(2026, 3, 10))

    assert due(deadlines.ACCEPT_NOTICE, D(2026, 3, 9)) == D(2026, 3, 24)
    assert due(deadlines.ACCEPT_NOTICE, D(2026, 3, 10)) == D(2026, 3, 20)
    assert due(deadlines.ACCEPT_NOTICE, D(2026, 3, 10), HUANGYAN) == D(2026, 3, 25)


def test_village_uses_its_county_setting():
    Setting.objects.create(key=deadlines.HANDLE, county=region(JIAOJIANG),
                           value={"count": 30, "unit": "days"}, effective_from=D(2026, 1, 1))

    assert due(deadlines.HANDLE, D(2026, 3, 2), "331002001") == D(2026, 4, 1)


def test_invalid_setting_names_the_key():
    Setting.objects.create(key=deadlines.HANDLE, value={"count": 60, "unit": "weeks"},
                           effective_from=D(2026, 1, 1))

    with pytest.raises(ImproperlyConfigured, match="petitions.handle_days"):
        due(deadlines.HANDLE, D(2026, 3, 2))


def test_setting_with_bare_number_is_rejected():
    Setting.objects.create(key=deadlines.HANDLE, value=45, effective_from=D(2026, 1, 1))

    with pytest.raises(ImproperlyConfigured, match="petitions.handle_days"):
        due(deadlines.HANDLE, D(2026, 3, 2))


def test_setting_without_unit_is_rejected():
    Setting.objects.create(key=deadlines.HANDLE, value={"count": 60},
                           effective_from=D(2026, 1, 1))

    with pytest.raises(ImproperlyConfigured, match="workdays"):
        due(deadlines.HANDLE, D(2026, 3, 2))


def test_2027_working_days_use_fallback():
    # No 2027 notice: Mon-Fri counting, so 5 working days after Fri 5 Feb are Fri 12 Feb.
    assert due(deadlines.ACCUSATION_ACCEPT, D(2027, 2, 5)) == D(2027, 2, 12)


def test_extend_moves_by_calendar_days():
    assert deadlines.extend(D(2026, 3, 2), 30, region=region(JIAOJIANG)) == D(2026, 4, 1)
    assert deadlines.extend(D(2026, 1, 17), 30, region=region(JIAOJIANG)) == D(2026, 2, 24)


@pytest.mark.parametrize(("today", "expected"), [
    (D(2026, 3, 1), DeadlineStatus.ON_TIME),
    (D(2026, 3, 7), DeadlineStatus.DUE_SOON),
    (D(2026, 3, 10), DeadlineStatus.DUE_SOON),
    (D(2026, 3, 11), DeadlineStatus.OVERDUE),
])
def test_status_of_deadline(today, expected):
    assert deadlines.status_of(D(2026, 3, 10), region=region(JIAOJIANG), today=today) == expected


def test_status_follows_the_clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 11, 9, tzinfo=datetime.UTC), tick=False)

    assert deadlines.status_of(D(2026, 3, 10)) == DeadlineStatus.OVERDUE
    assert deadlines.status_of(None) is None


def test_due_soon_days_is_a_setting():
    Setting.objects.create(key=deadlines.DUE_SOON_DAYS, value=7, effective_from=D(2026, 1, 1))

    assert deadlines.status_of(D(2026, 3, 10), today=D(2026, 3, 3)) == DeadlineStatus.DUE_SOON
