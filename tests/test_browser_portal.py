"""A citizen uses the public fund query in Chromium at phone width; axe-core checks WCAG 2.1 AA."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from sunshine.organisation.models import Region
from tests.portal_data import SECRETS, build_projects

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("restore_regions")]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def browser_context_args(browser_context_args):
    # Headless Chromium requests en-US pages, while a phone in Taizhou requests Chinese.
    return {**browser_context_args, "locale": "zh-CN", "viewport": PHONE}


@pytest.fixture
def regions():
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)


@pytest.fixture
def projects(regions, operator_a, unit_a, unit_b):
    return build_projects(operator_a, unit_a, unit_b)


def serious_violations(page: Page) -> list[str]:
    """Run axe-core on the page and describe every serious or critical violation."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{rule['id']} ({rule['impact']}): {[node['target'] for node in rule['nodes']]}"
        for rule in result["violations"]
        if rule["impact"] in ("serious", "critical")
    ]


def fits_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_citizen_finds_project_and_reads_figures(page: Page, live_server, projects):
    page.goto(live_server.url + "/")

    page.get_by_label("项目名称、项目编号、村或乡镇（街道）名").press_sequentially("老旧小区")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_role("heading", name="找到 1 个项目")).to_be_visible()
    page.get_by_role("link", name="城隍浦社区老旧小区改造").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("城隍浦社区老旧小区改造")
    expect(page.locator("#figure-budget")).to_have_text("¥1,500,000.00")
    expect(page.locator("#figure-arrived")).to_have_text("¥800,000.00")
    expect(page.locator("#figure-paid")).to_have_text("¥301,200.50")
    expect(page.locator("#figure-remaining")).to_have_text("¥498,799.50")
    expect(page.locator("#figure-arrival-rate")).to_have_text("64.00%")
    expect(page.locator("#figure-spend-rate")).to_have_text("37.65%")
    expect(page.get_by_text("个人（已隐去）")).to_be_visible()
    assert fits_width(page)
    body = page.locator("body").inner_text()
    for secret in SECRETS:
        assert secret not in body


def test_citizen_switches_to_english_and_large_type(page: Page, live_server, projects):
    page.goto(live_server.url + "/projects/JJ-2025-001/")
    normal_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")

    page.locator('button[name="language"][value="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Arrival rate", exact=True)).to_be_visible()

    page.get_by_role("button", name="Large type").click()
    expect(page.locator("body")).to_have_class("portal large-type")
    expect(page.get_by_role("button", name="Large type")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > normal_size
    assert fits_width(page)


def test_search_page_has_no_serious_accessibility_violations(page: Page, live_server, projects):
    page.goto(live_server.url + "/?q=社区")

    assert serious_violations(page) == []


def test_project_page_has_no_serious_accessibility_violations(page: Page, live_server, projects):
    page.goto(live_server.url + "/projects/JJ-2025-001/")

    assert serious_violations(page) == []

    page.get_by_role("button", name="大字模式").click()
    expect(page.locator("body")).to_have_class("portal large-type")
    assert serious_violations(page) == []
