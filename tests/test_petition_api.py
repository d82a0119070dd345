"""Reports and petitions in the JSON API: filing, following with the secret, staff reading.

Personas as in tests/conftest.py; tokens come from ``issue_token``. The
report routed to the 椒江区 commission accuses the township, so the
township's tokens must not reach it.
"""

import datetime
import json

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from sunshine.audit.actions import update_row
from sunshine.organisation.models import Role
from sunshine.organisation.tokens import issue_token
from sunshine.petitions import actions, tracking
from sunshine.petitions.models import Outcome, Petition, State
from sunshine.rules.models import Setting
from tests.conftest import make_staff
from tests.petition_web_data import NOW, PHONE, TOWNSHIP, make_categories, make_world

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
PETITIONS = "/api/v1/petitions/"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def categories(db):
    return make_categories()


@pytest.fixture
def world(categories, inspector_a, township_unit):
    return make_world(categories, township_unit=township_unit)


def body(**extra) -> dict:
    data = {"kind": "request", "category": "roads", "region": TOWNSHIP,
            "text": "村口道路塌陷。"}
    data.update(extra)
    return data


def file_report(client, **extra):
    return client.post(REPORTS, body(**extra), content_type="application/json")


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(None, user)}"}


def status_of(client, code: str, secret: str | None, **headers):
    if secret is not None:
        headers["HTTP_X_TRACKING_SECRET"] = secret
    return client.get(f"{REPORTS}{code}/", **headers)


def test_it_files_an_anonymous_report(client, categories, township_unit):
    response = file_report(client)

    assert response.status_code == 201
    data = response.json()
    petition = Petition.all_objects.get()
    assert data["tracking_code"] == petition.tracking_code
    assert len(data["secret"]) == 10
    assert data["received_on"] == "2026-03-02"
    assert data["deadlines"][0]["due"] == "2026-03-17"
    assert data["deadlines"][0]["label"] == "决定是否受理并书面告知您"
    assert data["tracking_url"].endswith("/reports/track/")
    assert petition.assigned_unit == township_unit
    assert "no-store" in response["Cache-Control"]


def test_it_files_a_named_report(client, categories):
    response = file_report(client, anonymous=False, name="周九", phone="0576 8812 3456")

    assert response.status_code == 201
    assert Petition.all_objects.get().decrypt_reporter() == {"name": "周九",
                                                             "phone": "057688123456"}


def test_name_without_flag_files_named(client, categories):
    response = file_report(client, name="周九", phone="13812345678")

    assert response.status_code == 201
    petition = Petition.all_objects.get()
    assert petition.is_anonymous is False
    assert petition.decrypt_reporter() == {"name": "周九", "phone": "13812345678"}


def test_invisible_identity_files_anonymous(client, categories):
    response = file_report(client, name="\u200b", phone="\ufeff")

    assert response.status_code == 201
    assert Petition.all_objects.get().is_anonymous is True


@pytest.mark.parametrize("identity", [{"name": "周九"}, {"phone": "13812345678"}])
def test_anonymous_with_identity_is_rejected(client, categories, identity):
    response = file_report(client, anonymous=True, **identity)

    assert response.status_code == 400
    data = response.json()
    assert list(data["errors"]) == ["anonymous"]
    assert '"anonymous": false' in data["errors"]["anonymous"][0]
    assert Petition.all_objects.count() == 0


@pytest.mark.parametrize(("extra", "field", "value"), [
    ({"text": ""}, "text", ""),
    ({"category": "nosuch"}, "category", "nosuch"),
    ({"anonymous": False, "name": "周九", "phone": "12345"}, "phone", "12345"),
    ({"region": "999999999"}, "region", "999999999"),
])
def test_it_rejects_bad_input_naming_field_and_value(client, categories, extra, field, value):
    response = file_report(client, **extra)

    assert response.status_code == 400
    data = response.json()
    assert field in data["errors"]
    assert value in data["detail"]
    assert not Petition.all_objects.exists()


@pytest.mark.parametrize("phone", ["12345", "1234567", "12345678901234567"])
def test_it_gives_one_message_for_every_invalid_phone(client, categories, phone):
    response = file_report(client, anonymous=False, name="周九", phone=phone)

    assert response.status_code == 400
    assert "请填写 11 位手机号码" in response.json()["errors"]["phone"][0]
    assert "7 至 15 位" not in response.json()["detail"]


@pytest.mark.parametrize(("sent", "stored"), [("30.1234567", "30.123457"),
                                              ("-30.12345649", "-30.123456")])
def test_it_rounds_coordinates_to_six_places(client, categories, sent, stored):
    response = file_report(client, latitude=sent, longitude="121.44200049")

    assert response.status_code == 201
    petition = Petition.all_objects.get()
    assert str(petition.latitude) == stored
    assert str(petition.longitude) == "121.442000"


def test_it_rejects_a_coordinate_out_of_range(client, categories):
    response = file_report(client, latitude="90.0000001", longitude="121.4")

    assert response.status_code == 400
    assert "latitude" in response.json()["errors"]
    assert not Petition.all_objects.exists()


def test_errors_name_no_kind_in_chinese(client, categories):
    response = file_report(client, kind="suggestion", text="")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("未能提交：text: ")
    assert "举报" not in response.json()["detail"]


def test_it_answers_errors_in_english_when_asked(client, categories):
    response = client.post(REPORTS + "?lang=en", body(text=""), content_type="application/json")

    assert response.status_code == 400
    assert "The description is empty" in response.json()["detail"]


def test_it_rejects_a_body_that_is_not_json(client, categories):
    response = client.post(REPORTS, "kind=request", content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()


def test_it_limits_anonymous_reports_per_address(client, categories):
    from sunshine.rules.models import Setting
    Setting.objects.create(key="petitions.intake_max_per_ip", value=1,
                           effective_from=datetime.date(2020, 1, 1))

    first = file_report(client)
    second = file_report(client)

    assert first.status_code == 201
    assert second.status_code == 429
    assert "detail" in second.json()


def test_it_files_with_a_token_as_the_token_user(client, categories, operator_a):
    response = client.post(REPORTS, body(), content_type="application/json",
                           **bearer(operator_a))

    assert response.status_code == 201
    event = Petition.all_objects.get().events.get(action="register")
    assert event.actor == operator_a


def test_token_user_report_on_own_unit_rejected(client, categories,
                                                         township_operator, township_unit):
    response = client.post(REPORTS, body(kind="accusation", category="graft",
                                         target_unit=township_unit.pk),
                           content_type="application/json", **bearer(township_operator))

    assert response.status_code == 400
    assert "该检举控告反映的是您本人或您所在单位" in response.json()["detail"]
    assert not Petition.all_objects.exists()


def test_refused_resubmission_uses_allowance(client, categories):
    Setting.objects.create(key="petitions.intake_max_per_ip", value=1,
                           effective_from=datetime.date(2020, 1, 1))
    closed = Petition.all_objects.get(
        tracking_code=file_report(client, phone=PHONE, name="李四").json()["tracking_code"])
    with transaction.atomic():
        update_row(None, closed, {"state": State.CLOSED, "is_final": True,
                                  "closed_at": timezone.now()}, expected_version=None)
    cache.clear()

    refused = file_report(client, phone=PHONE, name="李四", text="同一事项再次反映")
    other = file_report(client, phone="13900000002", name="王五")

    assert refused.status_code == 400
    assert "经复核办结" in refused.json()["detail"]
    assert other.status_code == 429


def test_it_follows_a_report_with_the_secret(client, categories, township_operator):
    filed = file_report(client).json()
    petition = Petition.all_objects.get()
    petition = actions.accept(township_operator, petition, notice="已受理。")
    actions.reply(township_operator, petition, text="已修复。", outcome=Outcome.SUPPORT)

    response = status_of(client, filed["tracking_code"], filed["secret"])

    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "replied"
    assert data["state_label"] == "已答复"
    assert data["replies"][0]["text"] == "已修复。"
    assert data["replies"][0]["outcome"] == "support"
    assert data["review_until"] == "2026-04-01"
    assert [step["label"] for step in data["steps"]][:2] == ["已登记", "已交办"]
    assert "no-store" in response["Cache-Control"]


def test_status_steps_are_local_whole_seconds(client, categories, time_machine):
    time_machine.move_to(NOW + datetime.timedelta(seconds=50, microseconds=512518), tick=False)
    filed = file_report(client).json()

    first = status_of(client, filed["tracking_code"], filed["secret"]).json()
    again = status_of(client, filed["tracking_code"], filed["secret"]).json()
    cached = tracking.peek_status(filed["tracking_code"], filed["secret"], client_ip="127.0.0.1",
                                  language="zh-hans")

    assert first["steps"][0]["at"] == "2026-03-02T10:00:50+08:00"
    assert again == first
    assert cached is not None
    assert json.loads(cached)["steps"][0]["at"] == "2026-03-02T10:00:50+08:00"


def test_a_wrong_secret_and_an_unknown_code_look_the_same(client, categories):
    filed = file_report(client).json()

    wrong = status_of(client, filed["tracking_code"], "2222222222")
    unknown = status_of(client, "ABCDEFGHJKMN", "2222222222")

    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_it_locks_after_repeated_failures(client, categories):
    filed = file_report(client).json()

    for _ in range(5):
        status_of(client, filed["tracking_code"], "2222222222")
    locked = status_of(client, filed["tracking_code"], filed["secret"])

    assert locked.status_code == 429
    assert "10:15" in locked.json()["detail"]
    assert locked["Retry-After"] == str(15 * 60)


def test_it_needs_the_secret_header(client, categories):
    filed = file_report(client).json()

    response = status_of(client, filed["tracking_code"], None)

    assert response.status_code == 400
    assert "X-Tracking-Secret" in response.json()["detail"]


@pytest.mark.parametrize(("method", "path"), [
    ("get", REPORTS), ("put", REPORTS), ("delete", REPORTS),
    ("post", REPORTS + "ABCDEFGHJKMN/"), ("post", PETITIONS), ("delete", PETITIONS + "1/"),
])
def test_other_methods_are_not_allowed(client, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 405
    assert "detail" in response.json()
    assert response["Allow"]


def test_staff_list_needs_a_token(client, world):
    response = client.get(PETITIONS)

    assert response.status_code == 401
    assert "create_token" in response.json()["detail"]


def test_staff_list_is_scoped(client, world, operator_a, inspector_a):
    operator_codes = {row["tracking_code"] for row in
                      client.get(PETITIONS, **bearer(operator_a)).json()["items"]}
    inspector_codes = {row["tracking_code"] for row in
                       client.get(PETITIONS, **bearer(inspector_a)).json()["items"]}

    assert operator_codes == {world["request"].tracking_code}
    assert inspector_codes == {world["request"].tracking_code, world["report"].tracking_code}


def test_staff_list_filters_and_shows_deadlines(client, world, inspector_a):
    response = client.get(PETITIONS, {"kind": "accusation"}, **bearer(inspector_a))

    rows = response.json()["items"]
    assert [row["tracking_code"] for row in rows] == [world["report"].tracking_code]
    assert rows[0]["next_deadline"] == "2026-03-09"
    assert rows[0]["handling_unit"] == "椒江区纪委监委"


def test_staff_list_rejects_a_bad_filter(client, world, operator_a):
    response = client.get(PETITIONS, {"region": "999999"}, **bearer(operator_a))

    assert response.status_code == 400
    assert "999999" in response.json()["detail"]


def test_staff_list_bad_codes_list_accepted_values(client, world, operator_a):
    chinese = client.get(PETITIONS, {"kind": "x", "state": "y"}, **bearer(operator_a),
                         HTTP_ACCEPT_LANGUAGE="zh-hans").json()["detail"]
    english = client.get(PETITIONS, {"due": "late"}, **bearer(operator_a),
                         HTTP_ACCEPT_LANGUAGE="en").json()["detail"]

    assert "“x”不是可接受的值，请使用以下之一：suggestion、accusation、request" in chinese
    assert "“y”不是可接受的值" in chinese
    assert "请从列表中选择" not in chinese
    assert "“late” is not accepted here; use one of overdue, due_soon" in english


@pytest.fixture
def township_leader(django_user_model, township_unit):
    return make_staff(django_user_model, "township_leader", Role.LEADER, township_unit)


@pytest.mark.parametrize("persona", ["township_operator", "township_leader", "operator_b"])
def test_staff_detail_hides_what_the_user_may_not_see(client, world, persona, request):
    user = request.getfixturevalue(persona)

    response = client.get(f"{PETITIONS}{world['report'].pk}/", **bearer(user))
    listed = client.get(PETITIONS, {"q": world["report"].tracking_code}, **bearer(user))

    assert response.status_code == 404
    assert world["report"].tracking_code not in response.content.decode()
    assert listed.json()["items"] == []


def test_staff_detail_has_the_log_and_never_the_reporter(client, world, inspector_a):
    response = client.get(f"{PETITIONS}{world['report'].pk}/", **bearer(inspector_a))

    data = response.json()
    assert response.status_code == 200
    assert data["anonymous"] is False
    assert [event["action"] for event in data["events"]] == ["register", "assign"]
    assert all(event["at"].endswith("+08:00") for event in data["events"])
    assert all("." not in event["at"] for event in data["events"])
    assert "张三" not in response.content.decode()
    assert "13900001111" not in response.content.decode()


def test_staff_detail_of_an_unknown_petition(client, world, inspector_a):
    assert client.get(f"{PETITIONS}999999/", **bearer(inspector_a)).status_code == 404


def test_the_openapi_document_lists_the_endpoints(client):
    document = client.get("/api/v1/openapi.json").json()

    paths = document["paths"]
    assert list(paths["/api/v1/reports/"]) == ["post"]
    assert list(paths["/api/v1/reports/{tracking_code}/"]) == ["get"]
    assert list(paths["/api/v1/petitions/"]) == ["get"]
    assert list(paths["/api/v1/petitions/{petition_id}/"]) == ["get"]
    parameters = paths["/api/v1/reports/{tracking_code}/"]["get"]["parameters"]
    assert {"in": "header", "name": "X-Tracking-Secret"}.items() <= next(
        p for p in parameters if p["in"] == "header").items()
    assert "ReceiptOut" in document["components"]["schemas"]


def test_phone_is_never_echoed(client, categories):
    response = file_report(client, anonymous=False, name="周九", phone=PHONE)

    assert PHONE not in response.content.decode()
