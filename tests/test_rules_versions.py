"""Which of several setting versions is in force, and the range each value must be in."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sunshine.petitions.rewards import rule_in_force
from sunshine.rules import values
from sunshine.rules.actions import add_setting
from sunshine.rules.defaults import DEFAULTS
from sunshine.rules.models import Setting
from sunshine.rules.values import get_setting
from tests.conftest import region

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 6)


@pytest.fixture
def rules_admin(city_admin):
    """The city administrator with access to the admin pages of versioned settings."""
    city_admin.is_staff = True
    city_admin.save()
    city_admin.user_permissions.set(Permission.objects.filter(
        codename__in=["add_setting", "view_setting"]))
    return city_admin


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_same_day_correction_wins():
    add_setting(None, "assessment.survey_max_per_ip", 30, effective_from=DAY)
    add_setting(None, "assessment.survey_max_per_ip", 40, effective_from=DAY)

    assert get_setting("assessment.survey_max_per_ip", on=DAY) == 40


def test_same_day_correction_wins_for_a_county():
    jiaojiang = region("331002")
    add_setting(None, "petitions.intake_max_per_ip", 1000, effective_from=DAY)
    add_setting(None, "petitions.intake_max_per_ip", 30, effective_from=DAY, county=jiaojiang)
    add_setting(None, "petitions.intake_max_per_ip", 2000, effective_from=DAY)

    assert get_setting("petitions.intake_max_per_ip", on=DAY) == 2000
    assert get_setting("petitions.intake_max_per_ip", region=jiaojiang, on=DAY) == 30


def test_earlier_entered_later_date_still_wins():
    add_setting(None, "assessment.survey_max_per_ip", 30, effective_from=DAY)
    add_setting(None, "assessment.survey_max_per_ip", 40, effective_from=DAY - datetime.timedelta(days=1))

    assert get_setting("assessment.survey_max_per_ip", on=DAY) == 30


@pytest.mark.django_db(transaction=True)
def test_copy_sees_other_process_correction():
    add_setting(None, "assessment.survey_max_per_ip", 30, effective_from=DAY)
    assert get_setting("assessment.survey_max_per_ip", on=DAY) == 30
    with connection.cursor() as cursor:
        # Raw SQL sends no signal, as with a write made by another process.
        cursor.execute(
            "INSERT INTO rules_setting (key, value, effective_from, source, created_at, version)"
            " VALUES ('assessment.survey_max_per_ip', '40', %s, '', %s, 1)",
            [DAY, datetime.datetime(2026, 12, 6, tzinfo=datetime.UTC)],
        )
    values._copy.expire()

    assert get_setting("assessment.survey_max_per_ip", on=DAY) == 40


def test_reward_rule_same_day_correction_wins():
    key = "rewards.points_other"
    add_setting(None, key, {"true": 8, "partly_true": 4}, effective_from=DAY)
    add_setting(None, key, {"true": 12, "partly_true": 6}, effective_from=DAY)

    points, _label = rule_in_force(key, region=region("331002001"), on=DAY)

    assert points == {"true": 12, "partly_true": 6}


def test_versions_in_force_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 6, 12, tzinfo=datetime.UTC))
    first = add_setting(None, "assessment.survey_max_per_ip", 30, effective_from=DAY)
    second = add_setting(None, "assessment.survey_max_per_ip", 40, effective_from=DAY)
    future = add_setting(None, "assessment.survey_max_per_ip", 50,
                         effective_from=DAY + datetime.timedelta(days=1))

    in_force = values.version_ids_in_force()

    assert second.pk in in_force
    assert first.pk not in in_force
    assert future.pk not in in_force


def test_admin_list_shows_version_in_force(rules_admin, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 6, 12, tzinfo=datetime.UTC))
    add_setting(None, "assessment.survey_max_per_ip", 30, effective_from=DAY)
    add_setting(None, "assessment.survey_max_per_ip", 40, effective_from=DAY)

    response = logged_in(rules_admin).get(reverse("admin:rules_setting_changelist"))

    rows = [row for row in response.content.decode().split("<tr") if "survey_max_per_ip" in row]
    assert len(rows) == 2
    assert ">40<" in rows[0]
    assert "有效" in rows[0]
    assert ">30<" in rows[1]
    assert "已被较新版本取代" in rows[1]


@pytest.mark.parametrize("value", ["-5", "1e9", "0"])
def test_admin_rejects_value_out_of_range(rules_admin, value):
    data = {"key": "petitions.intake_max_per_ip", "county": "", "value": value,
            "effective_from": "2026-12-06", "source": "测试"}

    response = logged_in(rules_admin).post(reverse("admin:rules_setting_add"), data)

    assert response.status_code == 200
    message = " ".join(response.context["adminform"].form.errors["value"])
    assert "petitions.intake_max_per_ip" in message
    assert "超出范围" in message
    assert "1 至 1000000 之间的整数" in message
    assert not Setting.objects.exists()


# 01:00 on 6 December in Shanghai, still 5 December in UTC.
SHANGHAI_MORNING = datetime.datetime(2026, 12, 5, 17, tzinfo=datetime.UTC)


def setting_form(effective_from: str) -> dict:
    return {"key": "petitions.intake_max_per_ip", "county": "", "value": "500",
            "effective_from": effective_from, "source": "测试"}


@pytest.mark.parametrize(("effective_from", "reason"), [
    ("2020-01-01", "早于今天"),
    ("0001-01-01", "早于今天"),
    ("2026-12-05", "早于今天"),
    ("2030-01-01", "太远"),
    ("9999-12-31", "太远"),
])
def test_admin_rejects_effective_date_out_of_range(rules_admin, time_machine, effective_from,
                                                   reason):
    time_machine.move_to(SHANGHAI_MORNING, tick=False)

    response = logged_in(rules_admin).post(reverse("admin:rules_setting_add"),
                                           setting_form(effective_from))

    assert response.status_code == 200
    message = " ".join(response.context["adminform"].form.errors["effective_from"])
    assert f"生效日期 {effective_from} {reason}" in message
    assert "2026-12-06（今天）至 2029-12-31" in message
    assert not Setting.objects.exists()


@pytest.mark.parametrize("effective_from", ["2026-12-06", "2029-12-31"])
def test_admin_accepts_effective_date_in_range(rules_admin, time_machine, effective_from):
    time_machine.move_to(SHANGHAI_MORNING, tick=False)

    response = logged_in(rules_admin).post(reverse("admin:rules_setting_add"),
                                           setting_form(effective_from))

    assert response.status_code == 302
    setting = Setting.objects.get()
    assert setting.effective_from == datetime.date.fromisoformat(effective_from)
    assert setting.value == 500


def test_admin_effective_date_message_in_english(rules_admin, time_machine):
    time_machine.move_to(SHANGHAI_MORNING, tick=False)

    response = logged_in(rules_admin).post(reverse("admin:rules_setting_add"),
                                           setting_form("2020-01-01"),
                                           HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["adminform"].form.errors["effective_from"] == [
        "Effective date 2020-01-01 is in the past; enter a date from 2026-12-06 (today) to "
        "2029-12-31, because a new version must not change decisions already taken"]


def test_past_effective_date_allowed_through_action():
    setting = add_setting(None, "petitions.intake_max_per_ip", 500,
                          effective_from=datetime.date(2020, 1, 1))

    assert setting.effective_from == datetime.date(2020, 1, 1)


def test_range_message_in_english():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        add_setting(None, "petitions.intake_max_per_ip", -5, effective_from=DAY)

    assert error.value.messages == [
        "Value -5 of petitions.intake_max_per_ip is out of range; enter a whole number from 1 "
        "to 1000000"]


@pytest.mark.parametrize(("key", "value"), [
    ("petitions.intake_max_per_ip", -5),
    ("petitions.intake_max_per_ip", 10**9),
    ("petitions.intake_max_per_ip", True),
    ("assets.disclosure_days", 6),
    ("assets.objection_days", 14),
    ("funds.low_arrival_rate", "1.5"),
    ("funds.low_arrival_rate", "NaN"),
    ("merit.excellent_share", "0.3"),
    ("petitions.transfer_days", {"count": 16, "unit": "days"}),
    ("petitions.transfer_days", {"count": 15, "unit": "workdays"}),
    ("petitions.transfer_days", {"count": 0, "unit": "days"}),
    ("petitions.transfer_days", 15),
    ("petitions.review_request_days", {"count": 20, "unit": "days"}),
    ("petitions.extension_max_count", 2),
    ("petitions.end_on_holiday_moves", "yes"),
    ("petitions.backlog_age_buckets", [60, 30]),
    ("petitions.backlog_age_buckets", []),
    ("duties.reminder_days", [3, 3]),
    ("duties.evidence_types", ["jpeg", "exe"]),
    ("assessment.default_weights",
     {"satisfaction": 50, "execution": 20, "evaluation": 20, "spot_check": 20}),
    ("assessment.spot_check_bands", {"excellent": 60, "good": 75, "fair": 90}),
    ("petitions.rating_points", {"satisfied": 5, "partly": 3}),
    ("petitions.reply_templates", [{"title": "", "text": "x", "outcome": "support"}]),
    ("petitions.reply_templates", [{"title": "t", "text": "x", "outcome": "maybe"}]),
    ("petitions.public_statistics_cutoff", "week"),
    ("ocds.default_region", "33100X"),
    ("ocds.ocid_prefix", "OCDS prefix"),
])
def test_out_of_range_values_rejected(key, value):
    with pytest.raises(ValidationError) as error:
        add_setting(None, key, value, effective_from=DAY)

    assert key in error.value.messages[0]
    assert not Setting.objects.exists()


@pytest.mark.parametrize(("key", "value"), [
    ("petitions.intake_max_per_ip", 1000),
    ("assets.disclosure_days", 3),
    ("funds.low_arrival_rate", "0.5"),
    ("petitions.transfer_days", {"count": 10, "unit": "days"}),
    ("petitions.accusation_handle_days", {"count": 40, "unit": "workdays"}),
    ("petitions.backlog_age_buckets", [10, 20, 40, 80]),
    ("duties.evidence_types", ["pdf"]),
    ("assessment.default_weights",
     {"satisfaction": 40, "execution": 30, "evaluation": 20, "spot_check": 10}),
])
def test_values_in_range_accepted(key, value):
    add_setting(None, key, value, effective_from=DAY)

    assert get_setting(key, on=DAY) == (type(DEFAULTS[key].value)(value))


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_default_is_within_its_range(key):
    value = DEFAULTS[key].value
    stored = str(value) if type(value).__name__ == "Decimal" else value

    assert DEFAULTS[key].check.validate(key, stored) == stored
