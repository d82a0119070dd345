"""The public duty list: published duties only, no login, filters by county, township and unit."""

import pytest
from django.urls import reverse

from tests.test_duties_actions import make_duty

pytestmark = pytest.mark.django_db

URL = reverse("duties_public:list")


@pytest.fixture
def duties(operator_a, operator_b, unit_a, unit_b, township_unit):
    return {
        "county": make_duty(operator_a, unit_a, code="JJ-01", name="村级财务公开", is_public=True),
        "hidden": make_duty(operator_a, unit_a, code="JJ-02", name="内部考核事项"),
        "township": make_duty(operator_a, township_unit, code="HM-01", name="垃圾分类督查",
                              is_public=True),
        "other": make_duty(operator_b, unit_b, code="HY-01", name="河道保洁", is_public=True),
    }


def test_it_lists_public_duties_without_login(client, duties):
    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "村级财务公开" in html
    assert "垃圾分类督查" in html
    assert "河道保洁" in html
    assert "内部考核事项" not in html


def test_it_is_chinese_by_default_with_basis_and_funding(client, duties):
    html = client.get(URL).content.decode()

    assert '<html lang="zh-hans">' in html
    assert "权责清单" in html
    assert "《浙江省农村集体资产管理条例》第二十五条" in html
    assert "县级 80%" in html
    assert "编制收支明细" in html


def test_funding_is_named_in_english_on_english_pages(client, duties):
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "county government 80%" in html
    assert "县级 80%" not in html


def test_it_filters_by_county(client, duties):
    html = client.get(URL, {"county": "331003"}).content.decode()

    assert "河道保洁" in html
    assert "村级财务公开" not in html


def test_it_filters_by_township(client, duties):
    html = client.get(URL, {"county": "331002", "township": "331002001"}).content.decode()

    assert "垃圾分类督查" in html
    assert "村级财务公开" not in html


def test_it_filters_by_unit(client, duties, unit_a):
    html = client.get(URL, {"unit": unit_a.pk}).content.decode()

    assert "村级财务公开" in html
    assert "垃圾分类督查" not in html


def test_a_private_duty_cannot_be_reached_by_its_unit(client, duties, unit_a):
    html = client.get(URL, {"q": "内部考核"}).content.decode()

    assert "内部考核事项" not in html


def test_unknown_county_is_400(client, duties):
    assert client.get(URL, {"county": "999999"}).status_code == 400


def test_it_is_mobile_first(client, duties):
    html = client.get(URL).content.decode()

    assert 'name="viewport"' in html
    assert "<details" in html


def test_post_is_405(client):
    assert client.post(URL).status_code == 405
