import datetime
from decimal import Decimal

import pytest

from sunshine.rules.actions import add_setting
from sunshine.rules.defaults import DEFAULTS
from sunshine.rules.models import Setting
from sunshine.rules.values import get_setting
from tests.conftest import region

pytestmark = pytest.mark.django_db


def test_default_applies_without_versions():
    assert get_setting("funds.low_arrival_rate") == DEFAULTS["funds.low_arrival_rate"].value


def test_county_version_wins_for_its_villages():
    Setting.objects.create(key="funds.low_arrival_rate", value="0.5",
                           effective_from=datetime.date(2024, 1, 1))
    Setting.objects.create(key="funds.low_arrival_rate", county=region("331002"), value="0.7",
                           effective_from=datetime.date(2024, 1, 1))

    assert get_setting("funds.low_arrival_rate", region=region("331002001003")) == Decimal("0.7")
    assert get_setting("funds.low_arrival_rate", region=region("331003001")) == Decimal("0.5")


def test_version_applies_only_from_its_date():
    Setting.objects.create(key="assets.disclosure_days", value=3,
                           effective_from=datetime.date(2025, 7, 1))

    assert get_setting("assets.disclosure_days", on=datetime.date(2025, 6, 30)) == 5
    assert get_setting("assets.disclosure_days", on=datetime.date(2025, 7, 1)) == 3


def test_unknown_key_raises():
    with pytest.raises(KeyError):
        get_setting("no.such.setting")


@pytest.mark.django_db(transaction=True)
def test_cached_values_follow_a_new_version():
    assert get_setting("portal.max_search_results") == 50

    Setting.objects.create(key="portal.max_search_results", value=20,
                           effective_from=datetime.date(2020, 1, 1))

    assert get_setting("portal.max_search_results") == 20


@pytest.mark.django_db(transaction=True)
def test_cached_values_follow_a_same_day_correction():
    add_setting(None, "portal.max_search_results", 20, effective_from=datetime.date(2020, 1, 1))
    assert get_setting("portal.max_search_results") == 20

    add_setting(None, "portal.max_search_results", 30, effective_from=datetime.date(2020, 1, 1))

    assert get_setting("portal.max_search_results") == 30


@pytest.mark.django_db(transaction=True)
def test_a_version_written_by_another_process_is_seen():
    from django.db import connection

    from sunshine.rules import values

    assert get_setting("portal.max_search_results") == 50
    with connection.cursor() as cursor:
        # No signal reaches this process, as with a write made by another one.
        cursor.execute(
            "INSERT INTO rules_setting (key, value, effective_from, source, created_at, version)"
            " VALUES ('portal.max_search_results', '30', '2020-01-01', '', %s, 1)",
            [datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)],
        )
    values._copy.expire()

    assert get_setting("portal.max_search_results") == 30
