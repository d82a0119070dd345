"""A citizen files a report on a phone, staff reply, and the citizen tracks and rates it.

Runs in Debian's Chromium at 360 px with a Chinese locale; axe-core checks
the report and tracking pages for serious and critical WCAG violations.
"""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from sunshine.organisation.models import Region
from sunshine.petitions.models import Petition, Rating
from tests.petition_web_data import make_categories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("restore_regions")]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
PASSWORD = "x-Pass-9271"  # the password of the personas in tests/conftest.py


@pytest.fixture
def regions():
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)
    cache.clear()


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": PHONE}


@pytest.fixture
def categories(regions):
    return make_categories()


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


def file_report(page: Page, base: str) -> tuple[str, str]:
    page.goto(base + "/reports/new/")
    page.get_by_label("申诉求决").check()
    page.get_by_label("类别").select_option(label="道路交通")
    page.get_by_label("在哪里？县（市、区）和乡镇（街道）").select_option(label="椒江区 · 海门街道")
    page.get_by_label("发生了什么？您有什么诉求？").fill("村口道路塌陷，已有车辆受损。")
    page.get_by_label("我已阅读上方的个人信息告知。").check()
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("您的信访件已提交")
    return (page.locator("#tracking-code").inner_text(),
            page.locator("#tracking-secret").inner_text())


def staff_reply(browser: Browser, base: str, petition: Petition) -> None:
    context = browser.new_context(locale="zh-CN")
    staff = context.new_page()
    staff.goto(base + "/accounts/login/")
    staff.get_by_label("用户名").fill("township_operator")
    staff.get_by_label("密码").fill(PASSWORD)
    staff.get_by_role("button", name="登录").click()

    staff.goto(base + "/staff/petitions/")
    staff.get_by_role("link", name=petition.tracking_code).click()
    staff.locator("#step-accept summary").click()
    staff.locator("#step-accept button[type=submit]").click()
    expect(staff.locator("#petition-state")).to_have_text("已受理，办理中")

    staff.locator("#step-reply summary").click()
    staff.locator("#id_reply_outcome").select_option("support")
    staff.locator("#id_reply_text").fill("已安排施工队修复路面。")
    staff.locator("#step-reply button[type=submit]").click()
    expect(staff.locator("#petition-state")).to_have_text("已答复")
    context.close()


def test_citizen_reports_staff_reply_and_citizen_rates(page: Page, browser: Browser,
                                                       live_server, categories, township_unit,
                                                       township_operator):
    code, secret = file_report(page, live_server.url)
    petition = Petition.all_objects.get()
    assert code.replace("-", "") == petition.tracking_code

    staff_reply(browser, live_server.url, petition)

    page.goto(live_server.url + "/reports/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill(secret)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("已安排施工队修复路面。")).to_be_visible()
    assert fits_width(page)

    page.get_by_label("4 – 满意").check()
    page.get_by_label("意见（选填）").fill("修得很快")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("谢谢，您的评价已保存。")).to_be_visible()
    answer = petition.replies.get()
    assert (answer.score, answer.rating) == (4, Rating.SATISFIED)


def test_report_form_fits_a_phone_and_passes_axe(page: Page, live_server, categories):
    page.goto(live_server.url + "/reports/new/")

    assert fits_width(page)
    assert serious_violations(page) == []

    page.get_by_role("button", name="大字模式").click()
    expect(page.locator("body")).to_have_class("portal large-type")
    assert fits_width(page)
    assert serious_violations(page) == []


def test_report_form_shows_errors_accessibly(page: Page, live_server, categories):
    page.goto(live_server.url + "/reports/new/")
    page.get_by_label("留下姓名和电话").check()
    page.get_by_label("您的电话").fill("12345")
    page.get_by_role("button", name="提交").click()

    expect(page.locator("#field-reporter_phone").get_by_text("电话号码“12345”无效")).to_be_visible()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="您的电话：电话号码“12345”无效").click()
    expect(page.get_by_label("您的电话")).to_be_focused()
    assert serious_violations(page) == []


def test_tracking_pages_pass_axe(page: Page, live_server, categories):
    code, secret = file_report(page, live_server.url)
    assert serious_violations(page) == []

    page.goto(live_server.url + "/reports/track/")
    assert serious_violations(page) == []
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill(secret)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#report-state")).to_have_text("已登记")
    assert serious_violations(page) == []


def test_switching_language_or_type_keeps_the_typed_report(page: Page, live_server, categories):
    page.goto(live_server.url + "/reports/new/")
    page.get_by_label("申诉求决").check()
    page.get_by_label("类别").select_option(label="道路交通")
    page.get_by_label("发生了什么？您有什么诉求？").fill("村口道路塌陷，已有车辆受损。")
    page.get_by_label("留下姓名和电话").check()
    page.get_by_label("您的电话").fill("13812345678")

    page.get_by_role("button", name="English").click()

    expect(page.get_by_label("What happened? What do you ask for?")).to_have_value(
        "村口道路塌陷，已有车辆受损。")
    expect(page.locator('input[name="kind"][value="request"]')).to_be_checked()
    expect(page.get_by_label("Your phone")).to_have_value("13812345678")
    page.get_by_role("button", name="Large type").click()
    expect(page.locator("body")).to_have_class("portal large-type")
    expect(page.get_by_label("What happened? What do you ask for?")).to_have_value(
        "村口道路塌陷，已有车辆受损。")


def test_switching_language_on_a_result_keeps_the_code_only(page: Page, live_server, categories):
    code, secret = file_report(page, live_server.url)
    page.goto(live_server.url + "/reports/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill(secret)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#report-state")).to_have_text("已登记")

    page.get_by_role("button", name="English").click()

    expect(page.get_by_label("Tracking code")).to_have_value(code)
    expect(page.get_by_label("Secret")).to_have_value("")
