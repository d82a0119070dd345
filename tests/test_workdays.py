"""The working-day calendar: chinese-calendar 1.11.0 for 2004-2026, overrides, and the fallback."""

import datetime
import logging

import pytest
from django.db import transaction

from sunshine.audit.actions import create_row
from sunshine.petitions import workdays
from sunshine.petitions.models import WorkdayOverride

pytestmark = pytest.mark.django_db

D = datetime.date


def add_override(day: datetime.date, is_workday: bool, name: str = "") -> WorkdayOverride:
    with transaction.atomic():
        return create_row(None, WorkdayOverride(
            date=day, is_workday=is_workday, name=name,
            source="国务院办公厅关于部分节假日安排的通知（测试）",
        ))


@pytest.fixture
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(workdays, "_warned_years", set())


def test_spring_festival_2026_days_are_off():
    for day in range(15, 24):
        assert workdays.is_workday(D(2026, 2, day)) is False, day


def test_make_up_saturdays_2026_are_workdays():
    assert workdays.is_workday(D(2026, 2, 14)) is True
    assert workdays.is_workday(D(2026, 2, 28)) is True


def test_ordinary_weekend_is_off():
    assert workdays.is_workday(D(2026, 3, 7)) is False
    assert workdays.is_workday(D(2026, 3, 9)) is True


def test_add_workdays_across_spring_festival():
    # Fri 13 Feb, then the make-up Saturday 14 Feb counts, 15-23 Feb are
    # off, and 24-27 Feb are the second to fifth working days.
    assert workdays.add_workdays(D(2026, 2, 13), 5) == D(2026, 2, 27)


def test_add_workdays_counts_make_up_day():
    assert workdays.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert workdays.add_workdays(D(2026, 2, 24), 4) == D(2026, 2, 28)


def test_add_workdays_does_not_count_start_day():
    assert workdays.add_workdays(D(2026, 3, 2), 1) == D(2026, 3, 3)
    assert workdays.add_workdays(D(2026, 3, 2), 0) == D(2026, 3, 2)


def test_add_workdays_rejects_negative_count():
    with pytest.raises(ValueError, match="-1"):
        workdays.add_workdays(D(2026, 3, 2), -1)


def test_add_days_starts_the_day_after():
    assert workdays.add_days(D(2026, 3, 1), 15) == D(2026, 3, 16)
    assert workdays.add_days(D(2026, 2, 13), 15) == D(2026, 2, 28)


def test_next_workday_skips_holiday():
    assert workdays.next_workday(D(2026, 2, 16)) == D(2026, 2, 24)
    assert workdays.next_workday(D(2026, 2, 28)) == D(2026, 2, 28)


def test_2027_falls_back_to_weekdays(fresh_warnings, caplog):
    caplog.set_level(logging.WARNING, logger="sunshine.petitions.workdays")

    # 2027-02-06 is the Spring Festival, but no notice is known for 2027.
    assert workdays.add_workdays(D(2027, 2, 5), 5) == D(2027, 2, 12)
    assert workdays.is_workday(D(2027, 2, 8)) is True
    assert workdays.is_workday(D(2027, 2, 6)) is False


def test_2027_fallback_warns_once(fresh_warnings, caplog):
    caplog.set_level(logging.WARNING, logger="sunshine.petitions.workdays")

    workdays.add_workdays(D(2027, 3, 1), 10)
    workdays.is_workday(D(2027, 5, 3))

    warnings = [r for r in caplog.records if "2027" in r.getMessage()]
    assert len(warnings) == 1
    assert "holiday notice" in warnings[0].getMessage()


def test_override_covers_2027(fresh_warnings, caplog):
    caplog.set_level(logging.WARNING, logger="sunshine.petitions.workdays")
    add_override(D(2027, 2, 8), False, "春节")
    add_override(D(2027, 2, 9), False, "春节")
    add_override(D(2027, 2, 20), True, "春节调休上班")

    assert workdays.is_workday(D(2027, 2, 8)) is False
    assert workdays.is_workday(D(2027, 2, 20)) is True
    # 8 and 9 Feb are off, so the fifth working day after Fri 5 Feb is Tue 16 Feb.
    assert workdays.add_workdays(D(2027, 2, 5), 5) == D(2027, 2, 16)
    assert not [r for r in caplog.records if "2027" in r.getMessage()]


def test_override_wins_over_package():
    add_override(D(2026, 3, 3), False, "本地调整")
    add_override(D(2026, 3, 7), True, "本地调整")

    assert workdays.is_workday(D(2026, 3, 3)) is False
    assert workdays.is_workday(D(2026, 3, 7)) is True


def test_package_coverage_ends_2026():
    assert workdays.package_covers(2026) is True
    assert workdays.package_covers(2027) is False
    assert workdays.package_covers(2003) is False
