"""Per-process copies of small tables: settings and working-day overrides.

A transaction that has not written a table may keep what it reads. One
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


def test_copy_kept_by_reading_transaction(django_assert_num_queries):
    assert get_setting(KEY) == 50
    settings_copy.expire()

    with transaction.atomic():
        with django_assert_num_queries(1):  # the generation, which still matches
            assert get_setting(KEY) == 50
        with django_assert_num_queries(0):
            assert get_setting(KEY) == 50


def test_copy_shows_own_write_until_rollback():
    assert get_setting(KEY) == 50

    with pytest.raises(RuntimeError), transaction.atomic():
        Setting.objects.create(key=KEY, value=30, effective_from=datetime.date(2020, 1, 1))
        assert get_setting(KEY) == 30
        raise RuntimeError("roll back")

    assert get_setting(KEY) == 50


def test_copy_shows_committed_write_at_once():
    assert get_setting(KEY) == 50

    with transaction.atomic():
        Setting.objects.create(key=KEY, value=30, effective_from=datetime.date(2020, 1, 1))

    assert get_setting(KEY) == 30


def test_copy_shows_outside_write_after_check():
    assert get_setting(KEY) == 50
    with connection.cursor() as cursor:
        # Raw SQL sends no signal, as with a write made by another process.
        cursor.execute(
            "INSERT INTO rules_setting (key, value, effective_from, source, created_at, version)"
            " VALUES (%s, '30', '2020-01-01', '', %s, 1)",
            [KEY, datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)],
        )
    assert get_setting(KEY) == 50  # within the refresh interval

    settings_copy.expire()

    assert get_setting(KEY) == 30


def test_override_applies_to_next_deadline():
    assert not workdays.is_workday(SATURDAY)

    set_workday(None, SATURDAY, is_workday=True, name="调休上班", source="test notice")

    assert workdays.is_workday(SATURDAY)
    assert workdays.add_workdays(SATURDAY - datetime.timedelta(days=1), 1) == SATURDAY


def test_override_rolled_back_is_forgotten():
    with pytest.raises(RuntimeError), transaction.atomic():
        set_workday(None, SATURDAY, is_workday=True, name="调休上班", source="test notice")
        assert workdays.is_workday(SATURDAY)
        raise RuntimeError("roll back")

    assert not workdays.is_workday(SATURDAY)


def test_rollback_leaves_next_transaction_unmarked(django_assert_num_queries):
    with pytest.raises(RuntimeError), transaction.atomic():
        Setting.objects.create(key=KEY, value=30, effective_from=datetime.date(2020, 1, 1))
        raise RuntimeError("roll back")

    with transaction.atomic():
        assert get_setting(KEY) == 50
        with django_assert_num_queries(0):
            assert get_setting(KEY) == 50
