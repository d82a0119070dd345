"""Tasks and progress reports in the JSON API: token scope, submit, approve, errors."""

import datetime
import json

import pytest

from sunshine.duties.models import ProgressReport, ReportStatus, Task
from sunshine.organisation.tokens import issue_token
from tests.duties_data import NOW, make_directive, make_leader, make_task

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
def tasks(operator_a, operator_b, unit_a, unit_b):
    directive = make_directive(operator_a, unit_a)
    overdue = make_task(operator_a, directive, "1", weight="50",
                        deadline=datetime.date(2026, 3, 1))
    current = make_task(operator_a, directive, "2", weight="50")
    other = make_task(operator_b, make_directive(operator_b, unit_b, number="黄政发〔2026〕5号"),
                      "Y")
    return {"overdue": overdue, "current": current, "other": other}


def post(client, url, body, user):
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(user))


def test_it_lists_tasks_in_scope_with_status(client, operator_a, tasks):
    response = client.get(f"{API}/tasks/", **bearer(operator_a))

    items = response.json()["items"]
    assert response.status_code == 200
    assert [item["code"] for item in items] == ["1", "2"]
    assert items[0]["status"] == "overdue"
    assert items[0]["status_label"] == "已超期"
    assert items[0]["weight"] == "50.00"
    assert items[0]["directive"] == "椒政办发〔2026〕1号"


def test_it_filters_by_status_and_region(client, operator_a, city_admin, tasks):
    overdue = client.get(f"{API}/tasks/", {"status": "overdue"}, **bearer(city_admin))
    assert [item["code"] for item in overdue.json()["items"]] == ["1"]

    huangyan = client.get(f"{API}/tasks/", {"region": "331003"}, **bearer(city_admin))
    assert [item["code"] for item in huangyan.json()["items"]] == ["Y"]


def test_bad_filters_are_400(client, operator_a, tasks):
    headers = bearer(operator_a)

    assert client.get(f"{API}/tasks/", {"status": "lost"}, **headers).status_code == 400
    assert client.get(f"{API}/tasks/", {"region": "331003"}, **headers).status_code == 400


def test_bad_status_lists_accepted_values_in_chinese(client, operator_a, tasks):
    response = client.get(f"{API}/tasks/", {"status": "lost"}, **bearer(operator_a),
                          HTTP_ACCEPT_LANGUAGE="zh-hans")

    detail = response.json()["detail"]
    assert response.status_code == 400
    assert "应为以下之一：not_started、" in detail
    assert "、cancelled" in detail
    assert "'" not in detail
    assert " or " not in detail


def test_region_outside_scope_suggests_own_region(client, township_operator, tasks):
    response = client.get(f"{API}/tasks/", {"region": "331002"}, **bearer(township_operator),
                          HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "“331002”" in detail
    assert "such as your own, 331002001" in detail


def test_anonymous_gets_401(client, tasks):
    response = client.get(f"{API}/tasks/")

    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_task_outside_scope_is_404(client, operator_b, tasks):
    response = client.get(f"{API}/tasks/{tasks['current'].pk}/", **bearer(operator_b))

    assert response.status_code == 404


def test_task_detail(client, operator_a, tasks):
    response = client.get(f"{API}/tasks/{tasks['current'].pk}/", **bearer(operator_a))

    assert response.json()["lead_unit"] == "椒江区人民政府"


def test_submit_and_approve(client, operator_a, leader_a, tasks):
    task = tasks["current"]
    url = f"{API}/tasks/{task.pk}/progress-reports/"

    created = post(client, url, {"percent": 60, "text": "完成主体"}, operator_a)
    assert created.status_code == 201
    report_id = created.json()["id"]
    assert created.json()["status"] == "submitted"

    own = post(client, f"{API}/progress-reports/{report_id}/approve/", {}, operator_a)
    assert own.status_code == 403
    approved = post(client, f"{API}/progress-reports/{report_id}/approve/", {}, leader_a)
    assert approved.status_code == 200
    assert Task.objects.get(pk=task.pk).progress == 60
    listed = client.get(url, **bearer(operator_a))
    assert [item["status"] for item in listed.json()] == ["approved"]


def test_submit_rejections_are_400_in_the_request_language(client, operator_a, tasks):
    url = f"{API}/tasks/{tasks['current'].pk}/progress-reports/"

    chinese = post(client, url, {"percent": 120, "text": "x"}, operator_a)
    english = post(client, url + "?lang=en", {"percent": 120, "text": "x"}, operator_a)

    assert chinese.status_code == 400
    assert "不能超过 100%" in chinese.json()["detail"]
    assert "more than 100% done" in english.json()["detail"]


def test_submit_in_another_county_is_404(client, operator_b, tasks):
    url = f"{API}/tasks/{tasks['current'].pk}/progress-reports/"

    assert post(client, url, {"percent": 10, "text": "x"}, operator_b).status_code == 404


def test_reader_cannot_submit(client, inspector_a, tasks):
    url = f"{API}/tasks/{tasks['current'].pk}/progress-reports/"

    assert post(client, url, {"percent": 10, "text": "x"}, inspector_a).status_code == 403


def test_return_needs_a_reason(client, operator_a, leader_a, tasks):
    url = f"{API}/tasks/{tasks['current'].pk}/progress-reports/"
    report_id = post(client, url, {"percent": 20, "text": "x"}, operator_a).json()["id"]
    back = f"{API}/progress-reports/{report_id}/return/"

    assert post(client, back, {"reason": " "}, leader_a).status_code == 400
    assert post(client, back, {"reason": "缺照片"}, leader_a).status_code == 200
    assert ProgressReport.objects.get(pk=report_id).status == ReportStatus.RETURNED
    assert post(client, f"{API}/progress-reports/999/return/", {"reason": "x"},
                leader_a).status_code == 404


def test_progress_report_unpaired_surrogate(client, operator_a, tasks):
    url = f"{API}/tasks/{tasks['current'].pk}/progress-reports/"

    response = post(client, url + "?lang=en", {"percent": 10, "text": "完成\ud83d"}, operator_a)

    assert response.status_code == 400
    assert response.json()["errors"][0]["loc"] == ["body", "text"]
    assert "field text has the invalid value “完成\\ud83d”" in response.json()["detail"]
    assert not ProgressReport.objects.exists()


def test_write_methods_are_405(client, operator_a, tasks):
    task_id = tasks["current"].pk
    headers = bearer(operator_a)

    assert client.post(f"{API}/tasks/", **headers).status_code == 405
    assert client.delete(f"{API}/tasks/{task_id}/", **headers).status_code == 405
    assert client.put(f"{API}/tasks/{task_id}/progress-reports/", **headers).status_code == 405
    response = client.get(f"{API}/progress-reports/1/approve/", **headers)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_endpoints_are_in_the_openapi_document(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]

    assert "/api/v1/tasks/" in paths
    assert "/api/v1/tasks/{task_id}/progress-reports/" in paths
    assert "post" in paths["/api/v1/progress-reports/{report_id}/approve/"]
