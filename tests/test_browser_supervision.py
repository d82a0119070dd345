"""A citizen reads the supervision-day pages and registers on a phone, in normal and large type.

Runs in Debian's Chromium emulating a 375 px phone (mobile viewport, touch)
with a Chinese locale. On a mobile viewport Chromium widens the layout
viewport to a page that overflows, so widths are compared with the 375 px
of the phone, not with window.innerWidth.
"""

import datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from sunshine.organisation.models import Region
from sunshine.petitions import supervision_days
from tests.conftest import region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("restore_regions")]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 740}
TOWNSHIP = "331002001"
# The text of each dt and dd in the lists of figures, with the box it is drawn in.
# A text that overflows its grid cell is drawn outside the dd's own box, so the box
# of the text is measured rather than the box of the element.
TEXT_BOXES = """(selector) => [...document.querySelectorAll(selector)].map(list =>
  [...list.querySelectorAll('dt, dd')].map(element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const box = range.getBoundingClientRect();
    return {text: element.textContent.trim(), left: box.left, right: box.right,
            top: box.top, bottom: box.bottom};
  }))"""
# The element a tap at the middle of the element hits.
HIT_AT_CENTRE = """(element) => {
  const box = element.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return hit === element || element.contains(hit) ? 'the element' : hit.outerHTML.slice(0, 120);
}"""


@pytest.fixture
def regions():
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)
    cache.clear()


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": PHONE,
            "is_mobile": True, "has_touch": True}


@pytest.fixture
def day(regions, township_operator, township_unit):
    """An open day a week ahead with a long place, two officials and a focus, and a full one."""
    date = timezone.localdate() + datetime.timedelta(days=7)
    fields = {"region": region(TOWNSHIP), "unit": township_unit, "date": date,
              "officials": "王明 街道党工委书记\n李华 街道办事处主任"}
    full = supervision_days.plan_day(
        township_operator, starts_at=datetime.time(14, 30), ends_at=datetime.time(17),
        place="海门街道社会治理中心接待大厅", capacity=1, **fields)
    supervision_days.register_for_day(full, name="孙立", phone="13800000001", topic="河道")
    return supervision_days.plan_day(
        township_operator, starts_at=datetime.time(9), ends_at=datetime.time(11, 30),
        place="海门街道便民服务中心二楼第三会议室（椒江区人民路三百二十一号）",
        topic="村级集体三资管理和惠民资金发放", capacity=20, **fields)


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def overlaps(first: dict, second: dict) -> bool:
    return (first["left"] < second["right"] - 0.5 and second["left"] < first["right"] - 0.5
            and first["top"] < second["bottom"] - 0.5 and second["top"] < first["bottom"] - 0.5)


def overlapping_texts(page: Page, selector: str) -> list[tuple[str, str]]:
    """Return the pairs of labels and values that are drawn over each other."""
    found = []
    for boxes in page.evaluate(TEXT_BOXES, selector):
        for index, first in enumerate(boxes):
            found += [(first["text"], second["text"]) for second in boxes[index + 1:]
                      if overlaps(first, second)]
    return found


def texts_outside_phone(page: Page, selector: str) -> list[str]:
    return [box["text"] for boxes in page.evaluate(TEXT_BOXES, selector) for box in boxes
            if box["right"] > PHONE["width"] + 0.5]


def serious_violations(page: Page) -> list[str]:
    """Run axe-core on the page and describe every serious or critical violation."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{rule['id']} ({rule['impact']}): {[node['target'] for node in rule['nodes']]}"
        for rule in result["violations"]
        if rule["impact"] in ("serious", "critical")
    ]


def choose_type_size(page: Page, large: bool) -> None:
    if large:
        page.get_by_role("button", name="大字模式").click()
        expect(page.locator("body")).to_have_class("portal large-type")
    else:
        expect(page.locator("body")).to_have_class("portal")


@pytest.mark.parametrize("large", [False, True], ids=["normal type", "large type"])
def test_day_list_fits_phone(page: Page, live_server, day, large):
    page.goto(live_server.url + "/supervision/")
    choose_type_size(page, large)

    expect(page.get_by_text("村级集体三资管理和惠民资金发放")).to_be_visible()
    expect(page.get_by_text("已约满，可直接前往")).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    assert overlapping_texts(page, ".result-figures") == []
    assert texts_outside_phone(page, ".result-figures") == []
    assert serious_violations(page) == []


@pytest.mark.parametrize("large", [False, True], ids=["normal type", "large type"])
def test_day_page_fits_phone(page: Page, live_server, day, large):
    page.goto(f"{live_server.url}/supervision/days/{day.pk}/")
    choose_type_size(page, large)

    expect(page.get_by_text("椒江区人民路三百二十一号")).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    assert overlapping_texts(page, ".figures") == []
    assert texts_outside_phone(page, ".figures") == []
    assert serious_violations(page) == []


@pytest.mark.parametrize("large", [False, True], ids=["normal type", "large type"])
def test_statistics_fit_phone(page: Page, live_server, regions, large):
    page.goto(live_server.url + "/supervision/statistics/")
    choose_type_size(page, large)

    assert page_width(page) <= PHONE["width"]
    assert serious_violations(page) == []


@pytest.mark.parametrize("large", [False, True], ids=["normal type", "large type"])
def test_empty_registration_focuses_errors(page: Page, live_server, day, large):
    page.goto(f"{live_server.url}/supervision/days/{day.pk}/")
    choose_type_size(page, large)
    button = page.get_by_role("button", name="预约")
    button.scroll_into_view_if_needed()

    assert button.evaluate(HIT_AT_CENTRE) == "the element"
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        button.click()

    summary = page.get_by_role("alert")
    assert sent.value.status == 400
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("预约未成功：")
    expect(summary.get_by_role("link")).to_have_text([
        "您的姓名：此项不能为空，请填写或选择。", "您的手机号：此项不能为空，请填写或选择。",
        "您要反映的事项：此项不能为空，请填写或选择。"])
    assert page_width(page) <= PHONE["width"]
    assert serious_violations(page) == []

    summary.get_by_role("link", name="您的手机号：此项不能为空，请填写或选择。").click()
    expect(page.get_by_label("您的手机号")).to_be_focused()


def test_registration_on_phone_succeeds(page: Page, live_server, day):
    page.goto(f"{live_server.url}/supervision/days/{day.pk}/")
    choose_type_size(page, large=True)

    page.get_by_label("您的姓名").fill("赵敏")
    page.get_by_label("您的手机号").fill("13812345678")
    page.get_by_label("您要反映的事项").fill("村道维修进度")
    page.get_by_role("button", name="预约").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("预约成功")
    assert day.registrations.count() == 1
