"""The public search page at /: name substring, code, village; public projects only."""

import re
from urllib.parse import urljoin

import pytest
from django.urls import reverse

from sunshine.funds import actions
from sunshine.portal import disclosure
from sunshine.rules.models import Setting
from tests.conftest import region
from tests.portal_data import VILLAGE, build_projects

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(operator_a, unit_a, unit_b):
    return build_projects(operator_a, unit_a, unit_b)


def search(client, text: str, **headers):
    return client.get(reverse("portal:search"), {"q": text}, **headers)


def test_it_finds_by_chinese_substring(client, projects):
    response = search(client, "老旧小区")

    assert response.status_code == 200
    assert "城隍浦社区老旧小区改造" in response.content.decode()


def test_it_finds_by_code(client, projects):
    response = search(client, "hy-2025-001")

    assert [row.project.code for row in response.context["rows"]] == ["HY-2025-001"]


def test_it_finds_a_full_width_code(client, projects):
    response = search(client, "ＨＹ－２０２５－００１")

    assert [row.project.code for row in response.context["rows"]] == ["HY-2025-001"]


def test_it_finds_by_village_name(client, projects):
    response = search(client, "城隍浦")

    assert [row.project.code for row in response.context["rows"]] == ["JJ-2025-001"]


def test_it_finds_by_village_code(client, projects):
    response = search(client, VILLAGE)

    assert [row.project.code for row in response.context["rows"]] == ["JJ-2025-001"]


def test_it_never_lists_private_projects(client, projects):
    for text in ["内部", "JJ-2025-099", "HY-2025-002", "城隍浦", "社区", "椒江区"]:
        response = search(client, text)
        page = response.content.decode()

        codes = {row.project.code for row in response.context["rows"]}
        assert codes <= {"JJ-2025-001", "HY-2025-001"}, text
        assert "城隍浦社区内部核算项目" not in page, text
        assert "锦川社区内部项目" not in page, text


def test_it_shows_location_and_figures(client, projects):
    page = search(client, "老旧小区").content.decode()

    assert "椒江区 · 海门街道 · 城隍浦社区" in page
    assert "¥1,500,000.00" in page
    assert "¥301,200.50" in page
    assert "在建" in page


def test_it_finds_by_township_name(client, projects):
    response = search(client, "海门街道")

    assert [row.project.code for row in response.context["rows"]] == ["JJ-2025-001"]


def test_it_finds_by_county_name(client, projects):
    response = search(client, "黄岩区")

    assert [row.project.code for row in response.context["rows"]] == ["HY-2025-001"]


@pytest.mark.parametrize(("text", "expected"), [
    ("黃岩區", ["HY-2025-001"]),
    ("海門街道", ["JJ-2025-001"]),
    ("城隍浦社區", ["JJ-2025-001"]),
    ("老舊小區", ["JJ-2025-001"]),
])
def test_it_finds_traditional_characters(client, projects, text, expected):
    response = search(client, text)

    assert [row.project.code for row in response.context["rows"]] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("椒江 改造", ["JJ-2025-001"]),
    ("海门街道　老旧小区", ["JJ-2025-001"]),
    ("锦川 水渠", ["HY-2025-001"]),
    ("椒江 水渠", []),
    ("HY-2025 城隍浦", []),
    ("椒江，改造", ["JJ-2025-001"]),
    ("椒江、改造", ["JJ-2025-001"]),
    ("锦川,水渠", ["HY-2025-001"]),
])
def test_it_matches_every_word(client, projects, text, expected):
    response = search(client, text)

    assert response.status_code == 200
    assert [row.project.code for row in response.context.get("rows", [])] == expected


@pytest.mark.parametrize("text", ["JJ-2025", "jj-2025-00", "ＪＪ－２０２５"])
def test_it_finds_by_code_prefix(client, projects, text):
    response = search(client, text)

    assert [row.project.code for row in response.context["rows"]] == ["JJ-2025-001"]


def test_it_searches_words_in_one_project_query(projects, django_assert_num_queries):
    # One query per word for the counties and townships it names, then one for the projects.
    with django_assert_num_queries(3):
        found = list(disclosure.search_projects(disclosure.public_project_queryset(), "椒江 改造"))

    assert [project.code for project in found] == ["JJ-2025-001"]


def test_it_rejects_too_many_words(client, projects):
    response = search(client, "一 二 三 四 五 六")

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert "搜索内容有 6 个词，但一次最多按 5 个词同时查找" in response.content.decode()


def test_placeholder_shows_a_code_of_the_stored_format(client, projects):
    page = search(client, "").content.decode()

    placeholder = re.search(r'placeholder="([^"]*)"', page).group(1)
    example = re.search(r"[A-Z]{2}-[0-9]{4}-[0-9]+", placeholder).group(0)
    assert re.fullmatch(r"[A-Z]{2}-[0-9]{4}-[0-9]{4}", example)


def test_empty_search_offers_counties(client, projects):
    response = search(client, "")
    page = response.content.decode()

    assert "rows" not in response.context
    assert "按县（市、区）查看" in page
    assert '<a href="?q=%E6%A4%92%E6%B1%9F%E5%8C%BA">椒江区</a>' in page
    assert page.count('<li><a href="?q=') == 9


def test_it_says_when_nothing_matches(client, projects):
    page = search(client, "不存在的项目").content.decode()

    assert "没有找到相符的公开项目" in page


def test_page_size_comes_from_versioned_setting(client, projects):
    Setting.objects.create(key="portal.max_search_results", value=1, effective_from="2000-01-01")

    first = search(client, "社区")
    second = client.get(reverse("portal:search"), {"q": "社区", "page": "2"})
    first_page, second_page = first.content.decode(), second.content.decode()
    next_link = '<a href="?q=%E7%A4%BE%E5%8C%BA&amp;page=2" rel="next">下一页</a>'
    previous_link = '<a href="?q=%E7%A4%BE%E5%8C%BA&amp;page=1" rel="prev">上一页</a>'

    assert [row.project.code for row in first.context["rows"]] == ["HY-2025-001"]
    assert [row.project.code for row in second.context["rows"]] == ["JJ-2025-001"]
    assert "找到 2 个项目" in first_page
    assert "找到 2 个项目" in second_page
    assert "第 1 页，共 2 页" in first_page
    assert next_link in first_page
    assert 'rel="prev"' not in first_page
    assert previous_link in second_page
    assert 'rel="next"' not in second_page


def test_page_past_the_end_shows_last_page(client, projects):
    Setting.objects.create(key="portal.max_search_results", value=1, effective_from="2000-01-01")

    response = client.get(reverse("portal:search"), {"q": "社区", "page": "99"})

    assert response.status_code == 200
    assert [row.project.code for row in response.context["rows"]] == ["JJ-2025-001"]


def test_county_search_counts_every_project(client, operator_a, unit_a):
    for number in range(1, 53):
        actions.create_project(operator_a, code=f"JJ-2026-{number:04d}", name=f"椒江区项目{number}",
                               region=region(VILLAGE), owner_unit=unit_a, is_public=True)

    first = search(client, "椒江区")
    second = client.get(reverse("portal:search"), {"q": "椒江区", "page": "2"})

    assert "找到 52 个项目" in first.content.decode()
    assert len(first.context["rows"]) == 50
    assert [row.project.code for row in second.context["rows"]] == ["JJ-2026-0051",
                                                                    "JJ-2026-0052"]
    assert "只显示前" not in first.content.decode()


def test_single_page_has_no_pager(client, projects):
    page = search(client, "老旧小区").content.decode()

    assert "找到 1 个项目" in page
    assert 'class="pager"' not in page


def test_it_rejects_too_long_query(client, projects):
    response = search(client, "路" * 101)

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert "101" in response.content.decode()


def test_it_rejects_post(client):
    response = client.post(reverse("portal:search"), {"q": "路"})

    assert response.status_code == 405


def test_page_has_label_landmarks_and_language(client, projects):
    page = search(client, "").content.decode()

    assert '<html lang="zh-hans">' in page
    assert '<label for="id_q">项目名称、项目编号、村或乡镇（街道）名</label>' in page
    assert '<main id="main">' in page
    assert 'role="search"' in page


def test_it_is_english_on_request(client, projects):
    page = search(client, "老旧小区", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="en">' in page
    assert "Project name, project code, village or township" in page
    assert "1 project found" in page


def test_it_sets_private_cache_headers(client, projects):
    response = search(client, "路")

    assert response["Cache-Control"] == "private, max-age=60"
    assert "Accept-Language" in response["Vary"]
    assert "Cookie" in response["Vary"]


def test_link_keeps_slashed_code_in_one_segment(client, projects, operator_a, unit_a):
    # Codes with "/" can no longer be entered, but rows stored before the rule keep theirs.
    actions.create_project(operator_a, code="T/../JJ-2025-001", name="特殊编号项目",
                           region=region(VILLAGE), owner_unit=unit_a, is_public=True)

    page = search(client, "特殊编号").content.decode()
    link = re.search(r'<h3><a href="([^"]+)">特殊编号项目</a>', page).group(1)
    opened = client.get(urljoin("http://testserver/", link))

    assert link == "/projects/T%2F..%2FJJ-2025-001/"
    assert opened.status_code == 200
    assert "特殊编号项目" in opened.content.decode()
    assert "城隍浦社区老旧小区改造" not in opened.content.decode()


def test_link_of_plain_code_is_unchanged(client, projects):
    page = search(client, "老旧小区").content.decode()

    assert '<a href="/projects/JJ-2025-001/">城隍浦社区老旧小区改造</a>' in page
