"""An operator reports progress with an evidence file in Chromium; a leader approves it."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from sunshine.duties.models import ProgressReport, ReportStatus, Task
from sunshine.organisation.models import Region
from tests.duties_data import PDF, make_directive, make_leader, make_person, make_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("restore_regions")]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.fixture
def regions():
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)


@pytest.fixture
def task(regions, operator_a, unit_a):
    # The live server runs in real time, so the dates follow today.
    today = timezone.localdate()
    person = make_person(operator_a, unit_a)
    directive = make_directive(operator_a, unit_a, issued_on=today - datetime.timedelta(days=30))
    return make_task(operator_a, directive, "1", name="村道硬化",
                     start=today - datetime.timedelta(days=20),
                     deadline=today + datetime.timedelta(days=30), responsible_person=person)


@pytest.fixture
def signed_in(browser: Browser, live_server):
    """Open pages whose browser contexts carry a user's session cookie; close them afterwards.

    Contexts left open keep connections to the live server, whose threads
    then fail when the server stops.
    """
    contexts = []

    def open_page(user) -> Page:
        client = Client()
        client.force_login(user)
        context = browser.new_context(locale="zh-CN")
        contexts.append(context)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_operator_reports_and_leader_approves(signed_in, live_server, django_user_model, unit_a,
                                              operator_a, task, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    leader = make_leader(django_user_model, unit_a)

    operator = signed_in(operator_a)
    operator.goto(f"{live_server.url}/staff/duties/tasks/{task.pk}/")
    operator.get_by_role("link", name="填报进度").click()
    operator.get_by_label("进度（%）").fill("100")
    operator.get_by_label("完成情况").fill("村道全线硬化完成，已通过验收")
    operator.get_by_label("证据文件").set_input_files(
        {"name": "验收单.pdf", "mimeType": "application/pdf", "buffer": PDF})
    operator.get_by_role("button", name="提交报告").click()
    expect(operator.locator(".report-status")).to_have_text("待审核")
    expect(operator.get_by_role("link", name="验收单.pdf")).to_be_visible()
    report = ProgressReport.objects.get(task=task)

    checker = signed_in(leader)
    checker.goto(f"{live_server.url}/staff/duties/reports/")
    checker.get_by_role("link", name=str(task)).click()
    checker.get_by_role("button", name="审核通过").click()
    expect(checker.locator(".report-status")).to_have_text("已通过")

    checker.goto(f"{live_server.url}/staff/duties/tasks/{task.pk}/")
    expect(checker.locator(".progress-value")).to_have_text("100%")
    expect(checker.locator("h1 + p .status")).to_have_text("按时完成")
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    assert Task.objects.get(pk=task.pk).completed_on == timezone.localdate()
