"""Per-process copies of small tables: settings and working-day overrides.

A transaction that has not written a table may keep what it reads; one
that has written it must see its own rows and keep nothing, because they
may roll back.
"""

import datetime

import pytest
from django.db import connection, transaction

from sunshine.petitions import workdays
from sunshine.petitions.actions.calendar import set_workday
from sunshine.rules.models import Setting
from sunshine.rules.values import _copy as settings_copy
from sunshine.rules.values import get_setting

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "portal.max_search_results"
SATURDAY = datetime.date(2031, 3, 1)


def test_a_transaction_that_has_not_written_keeps_what_it_checked(django_assert_num_queries):
    assert get_setting(KEY) == 50
    settings_copy.expire()

    with transaction.atomic():
        with django_assert_num_queries(1):  # the generation, which still matches
            assert get_setting(KEY) == 50
        with django_assert_num_queries(0):
            assert get_setting(KEY) == 50


def test_a_transaction_sees_its_own_version_and_a_rollback_forgets_it():
    assert get_setting(KEY) == 50

    with pytest.raises(RuntimeError), transaction.atomic():
        Setting.objects.create(key=KEY, value=30, effective_from=datetime.date(2020, 1, 1))
        assert get_setting(KEY) == 30
        raise RuntimeError("roll back")

    assert get_setting(KEY) == 50


def test_a_committed_version_is_seen_at_once_by_the_writer():
    assert get_setting(KEY) == 50

    with transaction.atomic():
        Setting.objects.create(key=KEY, value=30, effective_from=datetime.date(2020, 1, 1))

    assert get_setting(KEY) == 30


def test_a_version_written_elsewhere_is_seen_once_the_copy_is_due_for_a_check():
    assert get_setting(KEY) == 50
    with connection.cursor() as cursor:
        # Raw SQL sends no signal, as with a write made by another process.
        cursor.execute(
            "INSERT INTO rules_setting (key, value, effective_from, source, created_at)"
            " VALUES (%s, '30', '2020-01-01', '', %s)",
            [KEY, datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)],
        )
    assert get_setting(KEY) == 50  # within the refresh interval

    settings_copy.expire()

    assert get_setting(KEY) == 30


def test_a_working_day_override_applies_to_the_next_deadline():
    assert not workdays.is_workday(SATURDAY)

    set_workday(None, SATURDAY, is_workday=True, name="调休上班", source="test notice")

    assert workdays.is_workday(SATURDAY)
    assert workdays.add_workdays(SATURDAY - datetime.timedelta(days=1), 1) == SATURDAY


def test_an_override_inside_a_rolled_back_transaction_is_forgotten():
    with pytest.raises(RuntimeError), transaction.atomic():
        set_workday(None, SATURDAY, is_workday=True, name="调休上班", source="test notice")
        assert workdays.is_workday(SATURDAY)
        raise RuntimeError("roll back")

    assert not workdays.is_workday(SATURDAY)


def test_a_rolled_back_write_does_not_mark_the_next_transaction(django_assert_num_queries):
    with pytest.raises(RuntimeError), transaction.atomic():
        Setting.objects.create(key=KEY, value=30, effective_from=datetime.date(2020, 1, 1))
        raise RuntimeError("roll back")

    with transaction.atomic():
        assert get_setting(KEY) == 50
        with django_assert_num_queries(0):
            assert get_setting(KEY) == 50
