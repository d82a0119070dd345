"""A citizen answers a satisfaction survey on a phone-sized screen in Chromium."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from sunshine.assessment import actions
from sunshine.assessment.models import SurveyResponse
from sunshine.organisation.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("restore_regions")]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


@pytest.fixture
def survey(city_admin, unit_a):
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)
    template = actions.create_template(city_admin, name="便民服务满意度", region=unit_a.region,
                                       questions=[
        {"kind": "choice", "text": "您对办事服务总体满意吗", "choices": [
            {"label": "满意", "score": 100}, {"label": "不满意", "score": 0}]},
        {"kind": "rating", "text": "办事效率打分"},
    ])
    today = timezone.localdate()
    return actions.create_survey(city_admin, template=template, unit=unit_a, quarter=
                                 f"{today.year}Q{(today.month - 1) // 3 + 1}",
                                 opens_on=today - datetime.timedelta(days=1),
                                 closes_on=today + datetime.timedelta(days=7))


def answer(page: Page, url: str, mobile: str) -> None:
    page.goto(url)
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("4", exact=True).check()
    page.get_by_label("您的手机号码").fill(mobile)
    page.get_by_role("button", name="提交").click()


def test_citizen_answers_once(page: Page, live_server, survey):
    url = f"{live_server.url}/surveys/{survey.code}/"

    answer(page, url, "139 0000 1111")
    expect(page.locator("h1.thanks")).to_have_text("感谢您的参与")

    answer(page, url, "13900001111")
    expect(page.get_by_role("alert")).to_contain_text("已经")

    stored = SurveyResponse.objects.get(survey=survey)
    assert stored.score_tenths == 875
