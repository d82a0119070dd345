"""Merit points in the JSON API: own ledger, scoped list with filters, rankings and errors."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from sunshine.api.pagination import MAX_PAGE
from sunshine.merit.models.ledger import PointEntry
from sunshine.organisation.tokens import issue_token
from tests.merit_data import NOW, make_directive, make_leader, make_person, make_task, post

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(None, user)}"}


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def entries(operator_a, operator_b, unit_a, unit_b):
    cadre = make_person(operator_a, unit_a)
    other = make_person(operator_b, unit_b, name="李四")
    directive = make_directive(operator_a, unit_a)
    far = make_directive(operator_b, unit_b, number="黄政发〔2026〕5号")
    return {
        "penalty": post("task_overdue", cadre, make_task(
            operator_a, directive, "1", responsible_person=cadre), datetime.date(2026, 2, 27)),
        "old": post("task_on_time", cadre, make_task(
            operator_a, directive, "2", responsible_person=cadre), datetime.date(2025, 11, 3)),
        "other": post("task_on_time", other, make_task(
            operator_b, far, "Y", responsible_person=other)),
    }


def test_mine_lists_own_entries_with_rule(client, operator_a, entries):
    response = client.get(f"{API}/points/mine/", **bearer(operator_a))

    items = response.json()["items"]
    assert response.status_code == 200
    assert [item["id"] for item in items] == [entries["penalty"].pk, entries["old"].pk]
    assert items[0]["rule_code"] == "task_overdue"
    assert items[0]["rule_name"] == "任务超期或逾期完成"
    assert items[0]["rule_effective_from"] == "2000-01-01"
    assert items[0]["points"] == -5
    assert items[0]["cause_type"] == "duties.task"


def test_cadre_gets_403_on_scoped_list(client, operator_a, entries):
    response = client.get(f"{API}/points/", **bearer(operator_a))

    assert response.status_code == 403
    assert "/api/v1/points/mine/" in response.json()["detail"]


def test_leader_list_is_scoped_and_filtered(client, leader_a, entries):
    everything = client.get(f"{API}/points/", **bearer(leader_a)).json()["items"]
    quarter = client.get(f"{API}/points/", {"period": "2026Q1"}, **bearer(leader_a)).json()

    assert {item["person"] for item in everything} == {"张三"}
    assert [item["id"] for item in quarter["items"]] == [entries["penalty"].pk]


def test_times_are_local_with_offset_in_seconds(client, leader_a, entries):
    items = client.get(f"{API}/points/", **bearer(leader_a)).json()["items"]
    entry = PointEntry.objects.get(pk=items[0]["id"])

    local = timezone.localtime(entry.created_at, ZoneInfo("Asia/Shanghai"))
    assert items[0]["created_at"] == local.replace(microsecond=0).isoformat()
    assert items[0]["created_at"].endswith("+08:00")


def test_leader_filters_by_person_and_unit(client, leader_a, entries, unit_a, unit_b):
    person = entries["penalty"].person_id
    by_person = client.get(f"{API}/points/", {"person": person}, **bearer(leader_a)).json()
    by_unit = client.get(f"{API}/points/", {"unit": unit_a.pk}, **bearer(leader_a)).json()
    outside = client.get(f"{API}/points/", {"unit": unit_b.pk}, **bearer(leader_a))

    assert by_person["count"] == 2
    assert by_unit["count"] == 2
    assert outside.status_code == 400
    assert str(unit_b.pk) in outside.json()["detail"]


def test_bad_period_is_400(client, leader_a, entries):
    response = client.get(f"{API}/points/", {"period": "2026Q9"}, **bearer(leader_a))

    assert response.status_code == 400
    assert "2026Q9" in response.json()["detail"]


@pytest.mark.parametrize("value", ["0001Q1", "0000Q1", "1999", "9999Q4", "2028Q1", "2028-01"])
def test_rankings_reject_period_out_of_range(client, leader_a, entries, unit_a, value):
    # Time is frozen in 2026, so 2027 is the last year accepted.
    response = client.get(f"{API}/points/rankings/", {"unit": unit_a.pk, "period": value},
                          **bearer(leader_a))

    assert response.status_code == 400
    assert f"“{value}”" in response.json()["detail"]
    assert "2024Q1" in response.json()["detail"]


def test_rankings_accept_next_year_and_2000(client, leader_a, entries, unit_a):
    for value in ("2027Q4", "2000Q1", "2000"):
        response = client.get(f"{API}/points/rankings/", {"unit": unit_a.pk, "period": value},
                              **bearer(leader_a))

        assert response.status_code == 200, value
        assert response.json()["period"] == value


def test_points_list_rejects_year_0001(client, leader_a, entries):
    response = client.get(f"{API}/points/", {"period": "0001Q1"}, **bearer(leader_a))

    assert response.status_code == 400
    assert "“0001Q1”" in response.json()["detail"]


def test_rankings_report_small_sample(client, leader_a, entries, unit_a):
    response = client.get(f"{API}/points/rankings/", {"unit": unit_a.pk, "period": "2026Q1"},
                          **bearer(leader_a))

    body = response.json()
    assert response.status_code == 200
    assert body["too_small"] is True
    assert body["sample"] == 1
    assert body["rows"] == []


def test_rankings_rows(client, leader_a, entries, unit_a):
    for n in range(4):
        make_person(None, unit_a, name=f"干部{n}")

    body = client.get(f"{API}/points/rankings/", {"region": "331002", "period": "2026Q1"},
                      **bearer(leader_a)).json()

    assert body["too_small"] is False
    assert body["rows"][-1]["name"] == "张三"
    assert body["rows"][-1]["total"] == -5
    assert body["rows"][0]["rank"] == 1


def test_rankings_need_a_target_in_scope(client, leader_a, entries):
    missing = client.get(f"{API}/points/rankings/", **bearer(leader_a))
    outside = client.get(f"{API}/points/rankings/", {"region": "331003"}, **bearer(leader_a))

    assert missing.status_code == 400
    assert outside.status_code == 400
    assert "“331003”" in outside.json()["detail"]
    assert "331002。" in outside.json()["detail"]


def test_token_required(client, entries):
    assert client.get(f"{API}/points/mine/").status_code == 401
    assert client.get(f"{API}/points/").status_code == 401


def test_writes_are_405(client, leader_a):
    for path in ("/points/mine/", "/points/", "/points/rankings/"):
        response = client.post(f"{API}{path}", **bearer(leader_a))
        assert response.status_code == 405
        assert response["Allow"] == "GET"


def test_paths_in_openapi(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]

    assert {"/api/v1/points/mine/", "/api/v1/points/", "/api/v1/points/rankings/"} <= set(paths)


@pytest.fixture
def ranked_unit(unit_a, entries):
    """Five persons in unit_a, the minimum sample, one of them with points in 2026Q1."""
    for n in range(4):
        make_person(None, unit_a, name=f"干部{n}")
    return unit_a


def rankings_page(client, leader, unit, **params):
    return client.get(f"{API}/points/rankings/", {"unit": unit.pk, "period": "2026Q1", **params},
                      **bearer(leader))


def test_rankings_pages_cover_the_group(client, leader_a, ranked_unit):
    whole = rankings_page(client, leader_a, ranked_unit).json()
    pages = [rankings_page(client, leader_a, ranked_unit, page=n, page_size=2).json()
             for n in (1, 2, 3)]

    assert whole["page"] == 1
    assert whole["page_size"] == 50
    assert whole["next_page"] is None
    assert len(whole["rows"]) == 5
    assert [page["next_page"] for page in pages] == [2, 3, None]
    assert [len(page["rows"]) for page in pages] == [2, 2, 1]
    assert [row for page in pages for row in page["rows"]] == whole["rows"]
    assert {page["sample"] for page in pages} == {5}
    assert pages[2]["rows"][0]["name"] == "张三"
    assert pages[2]["rows"][0]["rank"] == 5


def test_rankings_page_past_the_end_is_empty(client, leader_a, ranked_unit):
    body = rankings_page(client, leader_a, ranked_unit, page=4, page_size=2).json()

    assert body["rows"] == []
    assert body["next_page"] is None
    assert body["sample"] == 5
    assert body["too_small"] is False


def test_rankings_page_size_is_capped(client, leader_a, ranked_unit):
    body = rankings_page(client, leader_a, ranked_unit, page_size=100_000).json()

    assert body["page_size"] == 100
    assert len(body["rows"]) == 5


def test_rankings_small_sample_on_every_page(client, leader_a, entries, unit_a):
    for page in ("1", "2"):
        body = rankings_page(client, leader_a, unit_a, page=page).json()

        assert body["too_small"] is True
        assert body["rows"] == []
        assert body["next_page"] is None


@pytest.mark.parametrize("name,value", [
    ("page", "0"), ("page", "-1"), ("page", "99999999999999999999"), ("page", "abc"),
    ("page", str(MAX_PAGE + 1)), ("page", ""), ("page_size", "0"), ("page_size", "-5"),
    ("page_size", "many"),
])
def test_rankings_reject_invalid_page(leader_a, ranked_unit, name, value):
    client = Client(raise_request_exception=False)

    response = rankings_page(client, leader_a, ranked_unit, **{name: value})

    assert response.status_code == 400
    assert f"“{value}”" in response.json()["detail"]
    assert name in response.json()["detail"]


def test_rankings_page_in_openapi(client):
    document = client.get(f"{API}/openapi.json").json()
    operation = document["paths"]["/api/v1/points/rankings/"]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    ranking = document["components"]["schemas"]["RankingOut"]

    assert parameters["page"]["minimum"] == 1
    assert parameters["page"]["maximum"] == MAX_PAGE
    assert {"minimum": 1, "type": "integer"} in parameters["page_size"]["anyOf"]
    assert "cut to 100" in operation_parameter(operation, "page_size")["description"]
    assert "cut to 100" in ranking["properties"]["page_size"]["description"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RankingOut"}
    assert {"page", "page_size", "next_page", "rows", "sample"} <= set(ranking["required"])


def operation_parameter(operation: dict, name: str) -> dict:
    return next(p for p in operation["parameters"] if p["name"] == name)
