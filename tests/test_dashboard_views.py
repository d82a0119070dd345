"""Dashboard pages: login, scope, drill-down, links behind the numbers, languages.

Uses the projects of ``tests/test_kpis.py``: HM-1 and HM-2 in 海门街道 (椒江区),
BY-1 and BY-2 in 白云街道 (椒江区), HY-1 and HY-2 in 东城街道 (黄岩区).
"""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from sunshine.funds.models import Project
from sunshine.organisation.models import Assignment, Role
from tests.test_kpis import funds_dataset  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

INDEX = "/dashboard/"
JIAOJIANG = "/dashboard/region/331002/"
HAIMEN = "/dashboard/region/331002001/"


def get(client, user, url, language="zh-hans"):
    if user is not None:
        client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


def text_of(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("url", [INDEX, JIAOJIANG, HAIMEN])
def test_anonymous_user_is_sent_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_user_without_role_is_forbidden(client, django_user_model):
    user = django_user_model.objects.create_user(username="nobody", password="x-Pass-9271")

    assert get(client, user, INDEX).status_code == 403


def test_city_admin_sees_every_county(client, city_admin, funds_dataset):  # noqa: F811
    response = get(client, city_admin, INDEX)
    page = text_of(response)

    assert response.status_code == 200
    assert "椒江区" in page
    assert "黄岩区" in page
    assert "三门县" in page
    assert f'href="{JIAOJIANG}?show=overdue#projects"' in page


@pytest.mark.parametrize("url", [
    "/dashboard/region/331000/", JIAOJIANG, HAIMEN, "/dashboard/region/331002001003/",
])
def test_drill_down_pages_open_for_city_admin(client, city_admin, funds_dataset, url):  # noqa: F811
    assert get(client, city_admin, url).status_code == 200


def test_county_page_lists_townships_with_links(client, city_admin, funds_dataset):  # noqa: F811
    page = text_of(get(client, city_admin, JIAOJIANG))

    assert "海门街道" in page
    assert f'href="{HAIMEN}"' in page
    assert f'href="{HAIMEN}?show=under_funded#projects"' in page
    assert "¥1,800.00" in page
    assert "50.00%" in page


def test_township_page_links_projects_to_staff_pages(client, city_admin,
                                                     funds_dataset):  # noqa: F811
    page = text_of(get(client, city_admin, HAIMEN))
    project = Project.all_objects.get(code="HM-2")

    assert reverse("funds:project_detail", args=[project.pk]) in page
    assert "HM-1" in page
    assert "海门街道本级" in page


def test_lists_show_the_projects_behind_a_count(client, city_admin,
                                                funds_dataset):  # noqa: F811
    page = text_of(get(client, city_admin, f"{JIAOJIANG}?show=overdue"))
    listed = re.findall(r">(HM-\d|BY-\d|HY-\d)</a>", page)

    assert listed == ["HM-2"]


def test_projects_on_the_region_itself_can_be_listed(client, city_admin,
                                                      funds_dataset):  # noqa: F811
    page = text_of(get(client, city_admin, f"{HAIMEN}?place=self&show=all"))

    assert re.findall(r">(HM-\d|BY-\d|HY-\d)</a>", page) == ["HM-1", "HM-2"]


def test_zero_divisors_show_a_dash(client, city_admin, funds_dataset):  # noqa: F811
    page = text_of(get(client, city_admin, "/dashboard/region/331000/"))
    sanmen = page[page.index("三门县"):]
    sanmen_row = sanmen[:sanmen.index("</tr>")]

    assert sanmen_row.count("—") == 3


def test_operator_b_sees_no_jiaojiang_figures(client, operator_b, funds_dataset):  # noqa: F811
    index = get(client, operator_b, INDEX)

    assert index.status_code == 200
    assert "黄岩区" in text_of(index)
    assert "椒江区" not in text_of(index)
    assert "HM-1" not in text_of(index)
    assert get(client, operator_b, JIAOJIANG).status_code == 403
    assert get(client, operator_b, HAIMEN).status_code == 403
    assert get(client, operator_b, "/dashboard/region/331000/").status_code == 403


def test_township_operator_sees_only_the_township(client, township_operator,
                                                  funds_dataset):  # noqa: F811
    index = get(client, township_operator, INDEX)

    assert index.status_code == 200
    assert "HM-2" in text_of(index)
    assert "BY-1" not in text_of(index)
    assert get(client, township_operator, JIAOJIANG).status_code == 403


def test_inspector_reads_the_county(client, inspector_a, funds_dataset):  # noqa: F811
    response = get(client, inspector_a, INDEX)

    assert response.status_code == 200
    assert "海门街道" in text_of(response)


def test_unknown_region_is_not_found(client, city_admin):
    assert get(client, city_admin, "/dashboard/region/999999/").status_code == 404


def test_unknown_list_is_a_bad_request(client, city_admin):
    response = get(client, city_admin, f"{JIAOJIANG}?show=everything")

    assert response.status_code == 400
    assert "everything" in text_of(response)
    assert "overdue" in text_of(response)


def test_post_is_not_allowed(client, city_admin):
    client.force_login(city_admin)

    assert client.post(INDEX).status_code == 405
    assert client.post(JIAOJIANG).status_code == 405


def test_page_shows_definitions_in_chinese(client, city_admin, funds_dataset):  # noqa: F811
    page = text_of(get(client, city_admin, JIAOJIANG))

    for text in ("到位率", "支出率", "完工率", "指标口径", "已完工项目数 ÷ 应完工项目数",
                 "到位资金 ÷ 下达资金", "funds.low_arrival_rate"):
        assert text in page, text


def test_page_shows_definitions_in_english(client, city_admin, funds_dataset):  # noqa: F811
    page = text_of(get(client, city_admin, JIAOJIANG, language="en"))

    assert "Completion rate" in page
    assert "Completed projects ÷ projects due" in page


def test_chart_data_matches_the_table(client, city_admin, funds_dataset):  # noqa: F811
    page = text_of(get(client, city_admin, JIAOJIANG))
    script = re.search(r'<script id="dashboard-chart-data" type="application/json">(.*?)</script>',
                       page, re.S)
    data = json.loads(script.group(1))
    haimen = data["labels"].index("海门街道")

    assert data["urls"][haimen] == HAIMEN
    assert data["series"][0]["data"][haimen] == 60.0
    assert data["series"][1]["data"][haimen] == 83.33
    assert data["series"][2]["data"][haimen] == 50.0
    assert "dashboard/vendor/echarts/echarts.min.js" in page


def test_echarts_is_vendored_with_its_licence():
    script = finders.find("dashboard/vendor/echarts/echarts.min.js")

    assert script is not None
    folder = Path(script).parent
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert "Apache ECharts" in (folder / "NOTICE").read_text()
    assert "6.1.0" in (folder / "README.md").read_text()


def test_user_of_two_counties_chooses_one(client, operator_a, unit_b):
    Assignment.objects.create(user=operator_a, role=Role.INSPECTOR, unit=unit_b)

    page = text_of(get(client, operator_a, INDEX))

    assert f'href="{JIAOJIANG}"' in page
    assert 'href="/dashboard/region/331003/"' in page
    assert "请选择一个" in page


def test_page_links_overrun_lists(client, city_admin, funds_dataset):  # noqa: F811
    page = text_of(get(client, city_admin, JIAOJIANG))

    assert "超预算支付" in page
    assert "超合同支付" in page
    assert f'href="{HAIMEN}?show=over_budget#projects"' in page
    assert f'href="{HAIMEN}?show=over_contract#projects"' in page
