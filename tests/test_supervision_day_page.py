"""The public page of one supervision day: when it takes registrations, and its error messages.

The day of 海门街道 runs on Mon 16 Mar 2026 from 09:00 to 11:30 (Asia/Shanghai).
A citizen is the anonymous ``client``; pages are in the site language,
Simplified Chinese.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from sunshine.petitions import supervision_days
from tests.petition_ops_data import at, plan_haimen_day

pytestmark = pytest.mark.django_db

OVER = "本次监督日已结束，不再接受预约。"
IN_PROGRESS = "监督日进行期间您仍可直接前往现场"
CANCELLED = "本次监督日已取消。"
FIELDS = {"name": "赵敏", "phone": "13812345678", "topic": "村道维修"}


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at(2026, 3, 2, 8), tick=False)
    cache.clear()
    yield time_machine
    cache.clear()


@pytest.fixture
def day(township_operator, township_unit):
    return plan_haimen_day(township_operator, township_unit)


def day_url(day) -> str:
    return reverse("supervision:day", args=[day.pk])


def has_registration_form(html: str) -> bool:
    return 'name="topic"' in html


def alert(html: str) -> str:
    """Return the text of the element with role="alert", or "" when the page has none."""
    found = re.search(r'<(p|div)[^>]*role="alert"[^>]*>(.*?)</\1>', html, re.S)
    if found is None:
        return ""
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split())


def test_day_page_before_day_offers_form(client, day):
    response = client.get(day_url(day))

    html = response.content.decode()
    assert response.status_code == 200
    assert has_registration_form(html)
    assert OVER not in html


def test_day_page_after_day_says_over(client, day, frozen):
    frozen.move_to(at(2026, 3, 17, 10), tick=False)

    response = client.get(day_url(day))

    html = response.content.decode()
    assert response.status_code == 200
    assert OVER in html
    assert IN_PROGRESS not in html
    assert not has_registration_form(html)
    assert "?region=331002" in html  # the link to the upcoming days of 椒江区


def test_day_page_over_at_end_time(client, day, frozen):
    frozen.move_to(at(2026, 3, 16, 11).replace(minute=30), tick=False)

    html = client.get(day_url(day)).content.decode()

    assert OVER in html
    assert not has_registration_form(html)


def test_day_page_during_day_allows_walk_ins(client, day, frozen):
    frozen.move_to(at(2026, 3, 16, 10), tick=False)

    html = client.get(day_url(day)).content.decode()

    assert IN_PROGRESS in html
    assert OVER not in html
    assert not has_registration_form(html)


def test_day_page_recorded_held_says_over(client, day, township_operator, frozen):
    frozen.move_to(at(2026, 3, 16, 10), tick=False)
    supervision_days.record_day_held(township_operator, day, summary="接待群众 3 人",
                                     visitors=3)

    html = client.get(day_url(day)).content.decode()

    assert OVER in html
    assert IN_PROGRESS not in html


def test_post_to_past_day_shows_why(client, day, frozen):
    frozen.move_to(at(2026, 3, 17, 10), tick=False)

    response = client.post(day_url(day), FIELDS)

    html = response.content.decode()
    assert response.status_code == 400
    assert OVER in alert(html)
    assert not has_registration_form(html)
    assert day.registrations.count() == 0


def test_post_during_day_shows_why(client, day, frozen):
    frozen.move_to(at(2026, 3, 16, 10), tick=False)

    response = client.post(day_url(day), FIELDS)

    assert response.status_code == 400
    assert IN_PROGRESS in alert(response.content.decode())
    assert day.registrations.count() == 0


def test_post_to_cancelled_day_shows_why(client, day, township_operator):
    supervision_days.cancel_day(township_operator, day, reason="台风预警")

    response = client.post(day_url(day), FIELDS)

    assert response.status_code == 400
    assert CANCELLED in alert(response.content.decode())
    assert "台风预警" in alert(response.content.decode())
    assert day.registrations.count() == 0


def test_post_to_closed_day_uses_no_address_quota(client, day, township_operator, frozen):
    frozen.move_to(at(2026, 3, 17, 10), tick=False)
    later_day = supervision_days.plan_day(
        township_operator, region=day.region, unit=day.unit, date=datetime.date(2026, 3, 30),
        starts_at=datetime.time(9), ends_at=datetime.time(11), place="海门街道信访接待室",
        officials="王明 街道党工委书记", capacity=30)
    for _attempt in range(8):  # more than the default limit of 5 per address in 60 minutes
        client.post(day_url(day), FIELDS)

    response = client.post(day_url(later_day), FIELDS)

    assert response.status_code == 302


def test_empty_form_lists_errors_in_alert(client, day):
    response = client.post(day_url(day), {})

    html = response.content.decode()
    summary = re.search(r'<div class="form-errors error-summary"[^>]*>', html)
    assert response.status_code == 400
    assert summary is not None
    assert 'role="alert"' in summary.group(0)
    assert "autofocus" in summary.group(0)
    assert alert(html).startswith("预约未成功：")
    assert "您的手机号：此项不能为空，请填写或选择。" in alert(html)
    for field, label in [("id_name", "您的姓名"), ("id_phone", "您的手机号"),
                         ("id_topic", "您要反映的事项")]:
        assert f'<a href="#{field}">{label}：' in html
        assert f'id="{field}"' in html


@pytest.mark.parametrize("phone", ["1234567", "12345678901", "0576-881"])
def test_registration_rejects_invalid_phone(client, day, phone):
    response = client.post(day_url(day), {**FIELDS, "phone": phone})

    assert response.status_code == 400
    assert f"电话号码“{phone}”无效" in alert(response.content.decode())
    assert day.registrations.count() == 0


def test_action_error_shown_in_summary(client, day):
    client.post(day_url(day), FIELDS)

    response = client.post(day_url(day), FIELDS)

    assert response.status_code == 400
    assert "138****5678" in alert(response.content.decode())


def test_day_page_over_in_english(client, day, frozen):
    frozen.move_to(at(2026, 3, 17, 10), tick=False)

    html = client.get(day_url(day), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "This supervision day is over and takes no more registrations." in html
    assert "See the upcoming supervision days in 椒江区" in html
