"""The per-address limit on supervision day registrations on the public page.

One client address may register ``supervision.registrations_max_per_ip``
times within ``supervision.registration_window_minutes``. Later attempts get
429 with a form error naming the limit and the time to try again.
"""

import datetime
import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from sunshine.rules.models import Setting
from tests.conftest import region
from tests.petition_ops_data import at, plan_haimen_day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at(2026, 3, 2, 8), tick=False)
    cache.clear()
    yield time_machine
    cache.clear()


@pytest.fixture
def day(township_operator, township_unit):
    return plan_haimen_day(township_operator, township_unit)


def set_limit(value: int, minutes: int = 60) -> None:
    since = datetime.date(2020, 1, 1)
    Setting.objects.create(key="supervision.registrations_max_per_ip", value=value,
                           effective_from=since)
    Setting.objects.create(key="supervision.registration_window_minutes", value=minutes,
                           effective_from=since)


def register(client, day, number: int, address: str = "203.0.113.7", **headers):
    fields = {"name": f"市民{number}", "phone": f"138{number:08d}", "topic": "村道维修"}
    return client.post(reverse("supervision:day", args=[day.pk]), fields,
                       REMOTE_ADDR=address, **headers)


def test_default_limit_stops_one_address(client, day):
    statuses = [register(client, day, n).status_code for n in range(8)]

    assert statuses == [302] * 5 + [429] * 3
    assert day.registrations.count() == 5


def test_limit_message_names_limit_and_time(client, day):
    set_limit(2, minutes=30)
    register(client, day, 1)
    register(client, day, 2)

    chinese = register(client, day, 3).content.decode()
    english = register(client, day, 4, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "最多 2 次" in chinese
    assert "30 分钟" in chinese
    assert "2026-03-02 08:30" in chinese
    assert "at most 2 in 30 minutes" in english
    assert "Try again after 2026-03-02 08:30" in english


def test_limit_answer_carries_retry_after(client, day):
    set_limit(1, minutes=30)
    register(client, day, 1)

    blocked = register(client, day, 2)

    assert blocked.status_code == 429
    assert blocked["Retry-After"] == str(30 * 60)


def test_other_addresses_still_register(client, day):
    set_limit(1)
    register(client, day, 1)

    blocked = register(client, day, 2)
    other = register(client, day, 3, address="198.51.100.9")

    assert blocked.status_code == 429
    assert other.status_code == 302


def test_limit_ends_with_the_window(client, day, frozen):
    set_limit(1, minutes=30)
    register(client, day, 1)
    assert register(client, day, 2).status_code == 429

    frozen.move_to(at(2026, 3, 2, 8) + datetime.timedelta(minutes=31), tick=False)

    assert register(client, day, 3).status_code == 302


def test_rejected_registrations_are_not_counted(client, day):
    set_limit(2)
    register(client, day, 1)
    repeated = register(client, day, 1)

    after = register(client, day, 2)

    assert repeated.status_code == 400
    assert after.status_code == 302
    assert day.registrations.count() == 2


def test_limit_is_logged_without_the_address(client, day, caplog):
    set_limit(1)
    register(client, day, 1)

    with caplog.at_level(logging.WARNING, logger="sunshine.petitions.views.access"):
        register(client, day, 2)

    assert "supervision_registration limit of 1 per 60 minutes" in caplog.text
    assert "203.0.113.7" not in caplog.text


def test_county_setting_applies_to_its_days(client, day):
    Setting.objects.create(key="supervision.registrations_max_per_ip", value=1,
                           effective_from=datetime.date(2020, 1, 1), county=region("331002"))
    register(client, day, 1)

    assert register(client, day, 2).status_code == 429
