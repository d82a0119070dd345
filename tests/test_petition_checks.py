"""The system check that names a year without an official holiday calendar."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import checks
from django.db import transaction

from sunshine.audit.actions import create_row
from sunshine.petitions.checks import check_holiday_calendar
from sunshine.petitions.models import WorkdayOverride

pytestmark = pytest.mark.django_db


def on(year: int, month: int, day: int, time_machine) -> None:
    time_machine.move_to(datetime.datetime(year, month, day, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
                         tick=False)


def test_it_names_the_uncovered_year(time_machine):
    on(2026, 12, 4, time_machine)

    found = check_holiday_calendar(None, databases=["default"])

    assert [c.id for c in found] == ["petitions.W001"]
    assert found[0].level == checks.WARNING
    assert "2027" in found[0].msg
    assert "State Council notice" in found[0].hint


def test_it_is_silent_when_overrides_exist(time_machine):
    on(2026, 12, 4, time_machine)
    with transaction.atomic():
        create_row(None, WorkdayOverride(date=datetime.date(2027, 2, 8), is_workday=False,
                                         name="春节", source="国务院办公厅通知"))

    assert check_holiday_calendar(None, databases=["default"]) == []


def test_it_is_silent_far_from_year_end(time_machine):
    on(2026, 5, 1, time_machine)

    assert check_holiday_calendar(None, databases=["default"]) == []


def test_it_needs_the_database_flag(time_machine):
    on(2026, 12, 4, time_machine)

    assert check_holiday_calendar(None) == []
