"""The dashboard in Chromium: ECharts draws the chart, and the tables work without JavaScript."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from sunshine.organisation.models import Region
from tests.test_kpis import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("restore_regions")]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# The machine is shared and the chart library is 1.1 MB: allow more than the default 5 s.
LOAD_TIMEOUT_MS = 20_000


@pytest.fixture
def regions():
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)


@pytest.fixture
def session_cookie(regions, city_admin, operator_a, live_server):
    make_project(operator_a, "HM-1", "331002001", end=None, status="in_progress",
                 allocated="1000.00", arrived="800.00", paid="600.00")
    make_project(operator_a, "HY-1", "331003001", end=None, status="in_progress",
                 allocated="200.00", arrived="50.00")
    client = Client()
    client.force_login(city_admin)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value,
            "url": live_server.url}


def test_chart_is_drawn_over_the_table(page: Page, live_server, session_cookie):
    page.context.add_cookies([session_cookie])

    page.goto(live_server.url + "/dashboard/")

    expect(page.locator("#dashboard-chart")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    expect(page.locator("#dashboard-chart svg")).to_have_count(1, timeout=LOAD_TIMEOUT_MS)
    expect(page.locator("table.breakdown")).to_contain_text("椒江区")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    serious = [rule["id"] for rule in result["violations"]
               if rule["impact"] in ("serious", "critical")]
    assert serious == []


def test_tables_work_without_javascript(browser: Browser, live_server, session_cookie):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    context.add_cookies([session_cookie])
    page = context.new_page()

    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="椒江区", exact=True).first.click(timeout=LOAD_TIMEOUT_MS)

    expect(page.locator("#dashboard-chart")).to_be_hidden()
    expect(page.locator("table.breakdown")).to_contain_text("海门街道")
    expect(page.locator("table.project-list")).to_contain_text("HM-1")
    context.close()
