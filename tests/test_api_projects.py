"""GET /api/v1/projects/, /projects/{code}/ and /projects/{code}/timeline/ without a token."""

import json
from decimal import Decimal

import pytest

from sunshine.funds import actions
from tests.portal_data import SECRETS, SUPPLIER, VILLAGE, build_projects

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def projects(operator_a, unit_a, unit_b):
    return build_projects(operator_a, unit_a, unit_b)


def codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


def test_it_searches_by_chinese_substring(client, projects):
    response = client.get(f"{API}/projects/", {"q": "老旧小区"})

    assert response.status_code == 200
    assert codes(response) == ["JJ-2025-001"]
    assert response.json()["count"] == 1


def test_it_searches_by_code_and_village(client, projects):
    assert codes(client.get(f"{API}/projects/", {"q": "HY-2025-001"})) == ["HY-2025-001"]
    assert codes(client.get(f"{API}/projects/", {"q": "城隍浦"})) == ["JJ-2025-001"]
    assert codes(client.get(f"{API}/projects/", {"q": VILLAGE})) == ["JJ-2025-001"]


def test_it_searches_by_township_and_county(client, projects):
    assert codes(client.get(f"{API}/projects/", {"q": "海门街道"})) == ["JJ-2025-001"]
    assert codes(client.get(f"{API}/projects/", {"q": "黄岩"})) == ["HY-2025-001"]


def test_it_searches_every_word_in_traditional_characters(client, projects):
    assert codes(client.get(f"{API}/projects/", {"q": "黃岩 水渠"})) == ["HY-2025-001"]
    assert codes(client.get(f"{API}/projects/", {"q": "黃岩 改造"})) == []


def test_too_many_words_are_a_bad_request(client, projects):
    response = client.get(f"{API}/projects/", {"q": "a b c d e f", "lang": "en"})

    assert response.status_code == 400
    assert "The search has 6 words, but at most 5 words" in response.json()["detail"]


def test_it_lists_public_projects_only(client, projects):
    response = client.get(f"{API}/projects/")

    assert codes(response) == ["HY-2025-001", "JJ-2025-001"]


def test_it_pages_the_list(client, projects):
    response = client.get(f"{API}/projects/", {"page": 2, "page_size": 1})

    assert codes(response) == ["JJ-2025-001"]
    assert response.json()["count"] == 2


def test_detail_has_exact_figures(client, projects):
    body = client.get(f"{API}/projects/JJ-2025-001/").json()

    assert body["code"] == "JJ-2025-001"
    assert body["region_code"] == VILLAGE
    assert body["currency"] == "CNY"
    assert body["budget"] == "1500000.00"
    assert body["allocated"] == "1250000.00"
    assert body["arrived"] == "800000.00"
    assert body["paid"] == "301200.50"
    assert body["remaining"] == "498799.50"
    assert body["arrival_rate"] == "0.6400"
    assert body["spend_rate"] == "0.3765"
    assert body["progress"] == 40
    assert body["status"] == "in_progress"
    assert body["location"] == ["椒江区", "海门街道", "城隍浦社区"]
    assert [item["code"] for item in body["advice"]] == ["on_track"]


def test_rates_are_null_without_divisor(client, projects):
    body = client.get(f"{API}/projects/HY-2025-001/").json()

    assert body["arrival_rate"] is None
    assert body["spend_rate"] is None
    assert body["allocated"] == "0.00"


def test_private_project_is_not_found(client, projects):
    response = client.get(f"{API}/projects/JJ-2025-099/")

    assert response.status_code == 404
    assert "JJ-2025-099" in response.json()["detail"]
    assert client.get(f"{API}/projects/JJ-2025-099/timeline/").status_code == 404


def test_unknown_project_is_not_found_in_english(client, projects):
    response = client.get(f"{API}/projects/NOPE/", {"lang": "en"})

    assert response.status_code == 404
    assert response.json() == {"detail": "No project with code “NOPE” is visible to you; "
                                          "check the code, or find it with /api/v1/projects/?q=…"}


def test_errors_follow_accept_language(client, projects):
    chinese = client.get(f"{API}/projects/NOPE/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    english = client.get(f"{API}/projects/NOPE/", HTTP_ACCEPT_LANGUAGE="en")

    assert "找不到编号为“NOPE”的项目" in chinese.json()["detail"]
    assert english.json()["detail"].startswith("No project with code")


def test_unknown_language_is_bad_request(client, projects):
    response = client.get(f"{API}/projects/", {"lang": "fr"})

    assert response.status_code == 400
    assert "fr" in response.json()["detail"]


def test_bad_parameter_is_bad_request(client, projects):
    response = client.get(f"{API}/projects/", {"page": "0", "lang": "en"})

    assert response.status_code == 400
    assert "query parameter page has the invalid value “0”" in response.json()["detail"]
    assert "expected a number of at least 1" in response.json()["detail"]


def test_too_long_query_is_bad_request(client, projects):
    response = client.get(f"{API}/projects/", {"q": "路" * 101})

    assert response.status_code == 400


def test_write_methods_are_not_allowed(client, projects):
    for method, url in [("post", f"{API}/projects/"), ("put", f"{API}/projects/JJ-2025-001/"),
                        ("delete", f"{API}/projects/JJ-2025-001/timeline/")]:
        response = getattr(client, method)(url, HTTP_ACCEPT_LANGUAGE="en")

        assert response.status_code == 405, url
        assert response["Allow"] == "GET"
        assert "read-only" in response.json()["detail"]


def test_timeline_lists_money_in_and_out(client, projects):
    body = client.get(f"{API}/projects/JJ-2025-001/timeline/").json()

    assert [item["kind"] for item in body["items"]] == [
        "paid", "paid", "allocated", "arrived", "allocated"]
    assert body["items"][1] == {
        "kind": "paid", "kind_label": "资金支付", "date": "2025-03-01", "amount": "300000.50",
        "currency": "CNY", "party": SUPPLIER, "payee_hidden": False, "note": "工程进度款",
    }
    assert body["items"][0]["party"] == "个人（已隐去）"
    assert body["items"][0]["payee_hidden"] is True
    assert body["next_page"] is None


def test_it_never_returns_personal_data(client, projects):
    responses = [client.get(f"{API}/projects/"),
                 client.get(f"{API}/projects/JJ-2025-001/"),
                 client.get(f"{API}/projects/JJ-2025-001/timeline/")]

    for response in responses:
        text = response.content.decode()
        for secret in SECRETS:
            assert secret not in text


def test_it_writes_readable_utf8(client, projects):
    response = client.get(f"{API}/projects/JJ-2025-001/")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "城隍浦社区老旧小区改造" in response.content.decode("utf-8")
    assert "\\u" not in response.content.decode("utf-8")
    assert json.loads(response.content)["name"] == "城隍浦社区老旧小区改造"


def test_anonymous_answers_are_publicly_cacheable(client, projects):
    response = client.get(f"{API}/projects/JJ-2025-001/")

    assert response["Cache-Control"] == "public, max-age=60"
    assert "Authorization" in response["Vary"]


def test_errors_are_not_cached(client, projects):
    response = client.get(f"{API}/projects/NOPE/")

    assert "no-store" in response["Cache-Control"]


def test_list_reads_two_queries(client, projects, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get(f"{API}/projects/")

    assert response.json()["count"] == 2


def test_detail_reads_few_queries(client, projects, django_assert_max_num_queries):
    # One for the project with its regions, the rest for the advice thresholds.
    with django_assert_max_num_queries(5):
        response = client.get(f"{API}/projects/JJ-2025-001/")

    assert response.status_code == 200


def test_foreign_currency_is_kept(client, operator_a, projects):
    actions.create_project(operator_a, code="UA-2021-01-01-000001", name="Road repair, Kyiv",
                           region=projects["public"].region, currency="UAH",
                           budget=Decimal("125000.00"), is_public=True)

    body = client.get(f"{API}/projects/UA-2021-01-01-000001/").json()

    assert body["currency"] == "UAH"
    assert body["budget"] == "125000.00"


@pytest.mark.parametrize("path", ["/api/v1/projects/?page=99999999999999999999",
                                  "/api/v1/projects/X/timeline/?page=99999999999999999999"])
def test_huge_page_numbers_are_rejected(client, path):
    assert client.get(path).status_code == 400
