"""Open311 GeoReport v2 at /open311/v2/, checked against the specification's examples.

The example requests and responses are those of the GeoReport v2
specification (wiki.open311.org/GeoReport_v2): the fields of "POST
Service Request" and the shapes of the services.json and requests.json
answers. Units exist in 椒江区 (331002) and 黄岩区 (331003), so a POST
must name its county in ``jurisdiction_id``.
"""

import datetime
import json
from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from sunshine.lib.public_ids import key_of, public_number
from sunshine.organisation.models import Region, Unit
from sunshine.organisation.tokens import issue_token
from sunshine.petitions import actions, open311, tracking
from sunshine.petitions.models import Channel, Petition, State
from tests.conftest import region
from tests.petition_web_data import NOW, SHANGHAI, TOWNSHIP, make_categories, register

pytestmark = pytest.mark.django_db

ROOT = "/open311/v2/"
SERVICE_KEYS = {"service_code", "service_name", "description", "metadata", "type", "keywords",
                "group"}
REQUEST_KEYS = {"service_request_id", "status", "status_notes", "service_name", "service_code",
                "description", "agency_responsible", "service_notice", "requested_datetime",
                "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
                "lat", "long", "media_url"}


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()
    return time_machine


@pytest.fixture
def categories(db, unit_a, unit_b):
    return make_categories()


@pytest.fixture
def api_key(operator_a):
    return issue_token(None, operator_a)


def example_post(api_key: str, **extra) -> dict:
    """The fields of the specification's example request, with a valid Chinese phone number."""
    data = {
        "api_key": api_key, "jurisdiction_id": "331002", "service_code": "roads",
        "lat": "28.6803", "long": "121.4420", "address_string": "海门街道东山路 12 号",
        "email": "smit333@example.org", "device_id": "tt222111", "account_id": "123456",
        "first_name": "john", "last_name": "smith", "phone": "13812345678",
        "description": "A large sinkhole is destroying the street",
        "media_url": "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
    }
    data.update(extra)
    return data


def errors_of(response) -> list[dict]:
    data = response.json()
    assert isinstance(data, list)
    assert set(data[0]) == {"code", "description"}
    assert data[0]["code"] == response.status_code
    return data


def test_services_match_the_example_shape(client, categories):
    response = client.get(ROOT + "services.json")

    services = response.json()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert [s["service_code"] for s in services] == ["lamps", "roads"]
    for service in services:
        assert set(service) == SERVICE_KEYS
        assert service["metadata"] is False
        assert service["type"] == "realtime"
        assert isinstance(service["keywords"], str)
    roads = services[1]
    assert roads["service_name"] == "道路交通"
    assert roads["group"] == "申诉求决"


def test_services_never_offer_reports_or_internal_categories(client, categories):
    codes = {s["service_code"] for s in client.get(ROOT + "services.json").json()}

    assert "graft" not in codes
    assert "internal" not in codes


def test_services_follow_the_request_language(client, categories):
    services = client.get(ROOT + "services.json", HTTP_ACCEPT_LANGUAGE="en").json()
    lamps, roads = services

    assert roads["group"] == "request"
    assert roads["service_name"] == "Roads and transport"
    assert "Roads and transport" in roads["keywords"]
    assert lamps["service_name"] == "路灯照明"  # without an English name the Chinese one is used


@pytest.mark.parametrize("path", ["/open311/v2/", "/open311/v2/discovery.json", "/open311/"])
def test_unknown_address_gets_an_open311_error(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "/open311/v2/requests.json" in errors_of(response)[0]["description"]
    assert errors_of(response)[0]["code"] == 404


def test_oversized_post_gets_an_open311_error(client, categories, api_key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    data = example_post(api_key, description="路" * 2000)

    response = client.post(ROOT + "requests.json", urlencode(data),
                           content_type="application/x-www-form-urlencoded",
                           HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "more than the limit of 2.0\xa0KB" in errors_of(response)[0]["description"]
    assert not Petition.all_objects.exists()


def test_xml_is_not_provided(client, categories):
    response = client.get(ROOT + "services.xml")

    assert response.status_code == 400
    assert ".json" in errors_of(response)[0]["description"]


def test_service_definition_has_no_attributes(client, categories):
    assert client.get(ROOT + "services/roads.json").json() == {"service_code": "roads",
                                                                "attributes": []}
    missing = client.get(ROOT + "services/graft.json")
    assert missing.status_code == 404
    assert "graft" in errors_of(missing)[0]["description"]


def test_an_unknown_jurisdiction_is_not_found(client, categories):
    response = client.get(ROOT + "services.json", {"jurisdiction_id": "sfgov.org"})

    assert response.status_code == 404
    assert "sfgov.org" in errors_of(response)[0]["description"]


@pytest.fixture
def filed(categories, township_unit, inspector_a, township_operator):
    """An open request, a closed one, a suggestion in 黄岩区, a report and an internal request."""
    open_request, _ = register(categories["roads"], latitude="28.680312", longitude="121.442078",
                               text="东山路塌陷，请修复。")
    open_request = actions.assign(None, open_request)
    closed, _ = register(categories["roads"], text="另一处塌陷")
    closed = actions.not_accept(township_operator, actions.assign(None, closed),
                                reason="已由诉讼解决")
    elsewhere, _ = register(categories["lamps"], region=region("331003001"))
    report, _ = register(categories["graft"], target_unit=township_unit)
    internal, _ = register(categories["internal"])
    return {"open": open_request, "closed": closed, "elsewhere": elsewhere, "report": report,
            "internal": internal}


def sid(petition: Petition) -> int:
    """Return the petition's Open311 id."""
    return public_number(petition.pk)


def ids(response) -> set[int]:
    return {row["service_request_id"] for row in response.json()}


def test_requests_match_the_example_shape(client, filed):
    response = client.get(ROOT + "requests.json")

    rows = {row["service_request_id"]: row for row in response.json()}
    assert response.status_code == 200
    assert set(rows) == {sid(filed["open"]), sid(filed["closed"]), sid(filed["elsewhere"])}
    row = rows[sid(filed["open"])]
    assert set(row) == REQUEST_KEYS
    assert row["status"] == "open"
    assert row["status_notes"] == "已登记"
    assert row["service_code"] == "roads"
    assert row["agency_responsible"] == "海门街道办事处"
    assert row["requested_datetime"] == "2026-03-02T10:00:00+08:00"
    assert row["expected_datetime"] == "2026-03-17T23:59:59+08:00"
    assert row["address_id"] == TOWNSHIP
    assert rows[sid(filed["closed"])]["status"] == "closed"


def test_requests_never_publish_reports_internal_categories_or_text(client, filed):
    response = client.get(ROOT + "requests.json")

    found = ids(response)
    assert sid(filed["report"]) not in found
    assert sid(filed["internal"]) not in found
    assert "东山路塌陷" not in response.content.decode()
    assert all(row["description"] is None for row in response.json())


def test_requests_never_publish_the_reporters_location(client, filed):
    listed = client.get(ROOT + "requests.json")
    detail = client.get(ROOT + f"requests/{sid(filed['open'])}.json")

    for response in (listed, detail):
        row = next(row for row in response.json() if row["service_request_id"] == sid(filed["open"]))
        assert row["lat"] is None
        assert row["long"] is None
        assert "28.68" not in response.content.decode()
        assert "121.44" not in response.content.decode()


def test_services_describe_what_is_published(client, categories):
    response = client.get(ROOT + "services.json", HTTP_ACCEPT_LANGUAGE="en")

    roads = next(row for row in response.json() if row["service_code"] == "roads")
    assert "category, status, handling unit, dates and region" in roads["description"]
    assert "never with the reporter's text, location, name or phone" in roads["description"]


def test_requests_filter_by_status_service_and_jurisdiction(client, filed):
    assert ids(client.get(ROOT + "requests.json", {"status": "open"})) == {
        sid(filed["open"]), sid(filed["elsewhere"])}
    assert ids(client.get(ROOT + "requests.json", {"status": "closed"})) == {sid(filed["closed"])}
    assert ids(client.get(ROOT + "requests.json", {"status": "open,closed"})) == {
        sid(filed["open"]), sid(filed["closed"]), sid(filed["elsewhere"])}
    assert ids(client.get(ROOT + "requests.json", {"service_code": "lamps"})) == {
        sid(filed["elsewhere"])}
    assert ids(client.get(ROOT + "requests.json", {"jurisdiction_id": "331003"})) == {
        sid(filed["elsewhere"])}


def test_request_ids_override_the_other_arguments(client, filed):
    response = client.get(ROOT + "requests.json", {
        "service_request_id": f"{sid(filed['open'])},{sid(filed['report'])}",
        "status": "closed", "start_date": "2020-01-01T00:00:00Z",
        "end_date": "2020-02-01T00:00:00Z"})

    assert ids(response) == {sid(filed["open"])}


def test_requests_default_to_the_last_90_days(client, filed, frozen):
    # Registered on 2 Mar 2026 at 10:00; 90 days later is 31 May at 10:00.
    frozen.move_to(datetime.datetime(2026, 5, 31, 9, tzinfo=SHANGHAI), tick=False)

    assert ids(client.get(ROOT + "requests.json")) == {sid(filed["open"]), sid(filed["closed"]),
                                                        sid(filed["elsewhere"])}
    frozen.move_to(datetime.datetime(2026, 5, 31, 11, tzinfo=SHANGHAI), tick=False)
    assert ids(client.get(ROOT + "requests.json")) == set()
    old = client.get(ROOT + "requests.json", {"start_date": "2026-03-01T00:00:00+08:00"})
    assert ids(old) == {sid(filed["open"]), sid(filed["closed"]), sid(filed["elsewhere"])}


def test_requests_reject_a_span_over_90_days(client, filed):
    response = client.get(ROOT + "requests.json", {"start_date": "2026-01-01T00:00:00Z",
                                                   "end_date": "2026-04-02T00:00:00Z"})

    assert response.status_code == 400
    assert "90" in errors_of(response)[0]["description"]


@pytest.mark.parametrize(("end", "status"), [("2026-12-05", 200), ("2026-12-06", 400)])
def test_plain_dates_may_be_90_days_apart(client, filed, end, status):
    response = client.get(ROOT + "requests.json", {"start_date": "2026-09-06", "end_date": end},
                          HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == status
    if status == 400:
        assert errors_of(response)[0]["description"].endswith(f"2026-09-06 to {end} is not.")


@pytest.mark.parametrize(("name", "value"), [("start_date", "2026-03-01T00:00:00"),
                                             ("end_date", "yesterday"),
                                             ("status", "pending"),
                                             ("service_request_id", "12a")])
def test_requests_reject_invalid_arguments_naming_them(client, filed, name, value):
    response = client.get(ROOT + "requests.json", {name: value})

    assert response.status_code == 400
    assert value in errors_of(response)[0]["description"]


@pytest.mark.parametrize(("name", "value"), [
    ("start_date", "2026-13-45T00:00:00Z"),
    ("end_date", "2026-02-30T00:00:00Z"),
    ("start_date", "2026-12-01T25:00:00Z"),
    ("start_date", "2026-12-01T00:00:00+24:00"),
    ("end_date", "2026-02-30"),
])
def test_requests_reject_impossible_dates(client, filed, name, value):
    response = client.get(ROOT + "requests.json", {name: value})

    assert response.status_code == 400
    description = errors_of(response)[0]["description"]
    assert name in description
    assert value in description
    assert "2026-03-01T00:00:00+08:00" in description


# Well-formed dates whose UTC moment, or the default other end 90 days away, falls
# outside years 1 to 9999, the range of Python's datetime. Without the other end,
# the range of the one given is 90 days narrower.
@pytest.mark.parametrize(("query", "earliest", "latest"), [
    ({"end_date": "9999-12-31T23:59:59-14:00"}, "0001-04-01T00:00:00Z", "9999-12-31T23:59:59Z"),
    ({"start_date": "9999-12-31T23:59:59-23:59"}, "0001-01-01T00:00:00Z",
     "9999-10-02T23:59:59Z"),
    ({"start_date": "0001-01-01T00:00:00+14:00"}, "0001-01-01T00:00:00Z",
     "9999-10-02T23:59:59Z"),
    # Midnight in Shanghai on 1 January of year 1 is still year 0 in UTC.
    ({"start_date": "0001-01-01", "end_date": "0001-02-01"}, "0001-01-01T00:00:00Z",
     "9999-12-31T23:59:59Z"),
    ({"start_date": "9999-12-01T00:00:00Z"}, "0001-01-01T00:00:00Z", "9999-10-02T23:59:59Z"),
    ({"end_date": "0001-01-02T00:00:00Z"}, "0001-04-01T00:00:00Z", "9999-12-31T23:59:59Z"),
])
def test_requests_reject_out_of_range_dates(client, filed, query, earliest, latest):
    response = client.get(ROOT + "requests.json", query, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    description = errors_of(response)[0]["description"]
    name, value = next(iter(query.items()))
    assert f"{name} “{value}” is out of range" in description
    assert f"from {earliest} to {latest}" in description


def test_requests_accept_plain_dates(client, filed):
    # Registered at 10:00 on 2 Mar 2026 in Shanghai, 02:00 UTC.
    registered = {sid(filed["open"]), sid(filed["closed"]), sid(filed["elsewhere"])}

    def found(**query):
        response = client.get(ROOT + "requests.json", query)
        assert response.status_code == 200, response.content.decode()
        return ids(response)

    assert found(start_date="2026-03-02") == registered
    assert found(start_date="2026-03-03") == set()
    assert found(end_date="2026-03-02") == registered
    assert found(end_date="2026-03-01") == set()
    assert found(start_date="2026-03-02", end_date="2026-03-02") == registered


def test_late_entry_requested_on_day_received(client, categories):
    late, _ = register(categories["roads"], received_on=datetime.date(2026, 2, 20))

    def found(**query):
        response = client.get(ROOT + "requests.json", query)
        assert response.status_code == 200, response.content.decode()
        return ids(response)

    row = client.get(ROOT + f"requests/{sid(late)}.json").json()[0]
    assert row["requested_datetime"] == "2026-02-20T00:00:00+08:00"
    assert found(start_date="2026-02-20", end_date="2026-02-20") == {sid(late)}
    assert found(start_date="2026-02-20T00:00:00+08:00") == {sid(late)}
    assert found(start_date="2026-02-20T00:00:01+08:00") == set()
    assert found(start_date="2026-02-21", end_date="2026-03-02") == set()


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00Z", "9999-10-01T00:00:00+08:00"])
def test_requests_accept_dates_near_the_limits(client, filed, start):
    response = client.get(ROOT + "requests.json", {"start_date": start})

    assert response.status_code == 200
    assert response.json() == []


def test_requests_return_at_most_the_limit(client, filed, monkeypatch):
    monkeypatch.setattr(open311, "MAX_REQUESTS", 2)

    assert len(client.get(ROOT + "requests.json").json()) == 2


def test_one_request_by_id(client, filed):
    response = client.get(f"{ROOT}requests/{sid(filed['open'])}.json")

    rows = response.json()
    assert response.status_code == 200
    assert len(rows) == 1
    assert set(rows[0]) == REQUEST_KEYS


@pytest.mark.parametrize("which", ["report", "internal"])
def test_one_hidden_request_is_not_found(client, filed, which):
    response = client.get(f"{ROOT}requests/{sid(filed[which])}.json")

    assert response.status_code == 404
    errors_of(response)


def test_request_ids_hide_the_sequence(client, filed):
    listed = sorted(ids(client.get(ROOT + "requests.json")))
    keys = sorted(petition.pk for petition in filed.values())

    assert not set(listed) & set(keys)
    assert sorted(key_of(number) for number in listed) == sorted(
        filed[name].pk for name in ("open", "closed", "elsewhere"))
    # The hidden report lies between public requests by key, which the numbers do not show.
    assert max(listed) - min(listed) > 1000 * len(keys)


def test_raw_key_finds_no_request(client, filed):
    key = filed["open"].pk

    response = client.get(f"{ROOT}requests/{key}.json")

    assert response.status_code == 404


def test_an_unknown_request_is_not_found(client, filed):
    # The second id is the largest accepted: 18 digits, within a bigint.
    for unknown in ("999999", "999999999999999999"):
        response = client.get(f"{ROOT}requests/{unknown}.json")

        assert response.status_code == 404
        assert unknown in errors_of(response)[0]["description"]


# Text that is not 1 to 18 ASCII digits. str.isdigit() accepts the superscript two,
# int() accepts full-width digits and signs, and 19 digits or more may overflow a bigint.
MALFORMED_IDS = ["²", "１２", "-1", "+1", "abc", "1" * 19, "9223372036854775808",
                 "99999999999999999999999", "9" * 5000]


@pytest.mark.parametrize("value", MALFORMED_IDS)
def test_one_request_rejects_a_malformed_id(client, filed, value):
    response = client.get(f"{ROOT}requests/{quote(value)}.json")

    assert response.status_code == 400
    description = errors_of(response)[0]["description"]
    assert f"service_request_id“{value}”无效" in description
    assert "1 至 18 位数字" in description


@pytest.mark.parametrize("value", MALFORMED_IDS)
def test_requests_reject_a_malformed_id(client, filed, value):
    response = client.get(ROOT + "requests.json",
                          {"service_request_id": f"{sid(filed['open'])},{value}"})

    assert response.status_code == 400
    description = errors_of(response)[0]["description"]
    # Only the malformed id is named, not the valid one before it.
    assert f"service_request_id“{value}”无效" in description


def test_malformed_id_error_in_english(client, filed):
    listed = client.get(ROOT + "requests.json", {"service_request_id": "²"},
                        HTTP_ACCEPT_LANGUAGE="en")
    detail = client.get(ROOT + "requests/%C2%B2.json", HTTP_ACCEPT_LANGUAGE="en")

    expected = ("service_request_id “²” is invalid; a request id is a whole number of 1 to 18 "
                "digits 0-9, such as 1024.")
    assert errors_of(listed)[0]["description"] == expected
    assert errors_of(detail)[0]["description"] == expected
    assert listed["Content-Language"] == "en"


def test_requests_by_unknown_ids_are_empty(client, filed):
    response = client.get(ROOT + "requests.json",
                          {"service_request_id": f"999999999999999999,{sid(filed['open'])}"})

    assert response.status_code == 200
    assert ids(response) == {sid(filed["open"])}


@pytest.mark.parametrize(("path", "query", "name"), [
    ("requests.json", {"service_code": "roads\x00"}, "service_code"),
    ("requests.json", {"status": "\x00"}, "status"),
    ("requests.json", {"jurisdiction_id": "331002\x00"}, "jurisdiction_id"),
    ("services.json", {"jurisdiction_id": "\x00"}, "jurisdiction_id"),
    ("services/roads%00.json", {}, "service_code"),
    ("requests/1%00.json", {}, "service_request_id"),
])
def test_get_rejects_a_nul_character(client, filed, path, query, name):
    response = client.get(ROOT + path, query)

    assert response.status_code == 400
    description = errors_of(response)[0]["description"]
    assert f"“{name}”" in description
    assert "U+0000" in description


def test_post_rejects_a_nul_character(client, categories, api_key):
    response = client.post(ROOT + "requests.json", example_post(api_key, address_id="331002\x00"))

    assert response.status_code == 400
    description = errors_of(response)[0]["description"]
    assert "“address_id”" in description
    assert "7" in description
    assert not Petition.all_objects.exists()


def test_post_creates_a_request_from_the_example_fields(client, categories, api_key,
                                                       township_unit, operator_a):
    response = client.post(ROOT + "requests.json", example_post(api_key))

    assert response.status_code == 200
    body = response.json()
    assert len(body) == 1
    assert set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    assert "token" not in body[0]
    assert body[0]["account_id"] is None
    petition = Petition.all_objects.get(pk=key_of(body[0]["service_request_id"]))
    assert petition.channel == Channel.WEB
    assert petition.region_id == "331002"
    assert petition.location_text == "海门街道东山路 12 号"
    assert str(petition.latitude) == "28.680300"
    assert petition.decrypt_reporter() == {"name": "john smith", "phone": "13812345678"}
    assert "media_url: http://farm3.static.flickr.com" in petition.text
    assert tracking_code_in(body[0]["service_notice"], petition)
    assert petition.events.get(action="register").actor == operator_a


def test_post_notice_speaks_of_the_reporter(client, categories, api_key):
    response = client.post(ROOT + "requests.json", example_post(api_key))

    notice = response.json()[0]["service_notice"]
    assert "决定是否受理并书面告知信访人" in notice
    assert "书面告知您" not in notice


def tracking_code_in(notice: str, petition: Petition) -> bool:
    return tracking.format_code(petition.tracking_code) in notice


def test_post_never_stores_the_email(client, categories, api_key):
    client.post(ROOT + "requests.json", example_post(api_key))

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM petitions_petition")
        assert "smit333" not in repr(cursor.fetchall())


def test_post_uses_a_region_code_as_address_id(client, categories, api_key):
    response = client.post(ROOT + "requests.json",
                           example_post(api_key, address_id=TOWNSHIP, lat="", long=""))

    assert response.status_code == 200
    assert Petition.all_objects.get().region_id == TOWNSHIP


def test_post_puts_a_chinese_family_name_first(client, categories, api_key):
    client.post(ROOT + "requests.json", example_post(api_key, first_name="小明", last_name="王"))

    assert Petition.all_objects.get().decrypt_reporter()["name"] == "王小明"


def test_post_is_anonymous_without_a_name(client, categories, api_key):
    response = client.post(ROOT + "requests.json",
                           example_post(api_key, first_name="", last_name="", phone=""))

    assert response.status_code == 200
    assert Petition.all_objects.get().is_anonymous


def test_post_rejects_the_examples_phone_naming_it(client, categories, api_key):
    response = client.post(ROOT + "requests.json", example_post(api_key, phone="111111111"))

    assert response.status_code == 400
    assert "111111111" in errors_of(response)[0]["description"]
    assert not Petition.all_objects.exists()


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff\u3000", "\u2060 "])
def test_post_takes_an_invisible_name_as_missing(client, categories, api_key, invisible):
    response = client.post(ROOT + "requests.json",
                           example_post(api_key, first_name=invisible, last_name=""))

    assert response.status_code == 400
    assert "first_name" in errors_of(response)[0]["description"]
    assert not Petition.all_objects.exists()


@pytest.mark.parametrize("description", ["\u200b", "\x01\x02\x03\x7f\x1f"])
def test_post_takes_invisible_text_as_missing(client, categories, api_key, description):
    response = client.post(ROOT + "requests.json",
                           example_post(api_key, first_name="\u200b", last_name="", phone="\u200b",
                                        description=description))

    assert response.status_code == 400
    assert "description" in errors_of(response)[0]["description"]
    assert not Petition.all_objects.exists()


@pytest.mark.parametrize(("extra", "fragment"), [
    ({"first_name": "约" * 80, "last_name": ""}, "first_name"),
    ({"first_name": "a" * 30, "last_name": "b" * 30}, "last_name"),
    ({"address_string": "路" * 301}, "address_string"),
])
def test_post_rejects_overlong_text_naming_the_limit(client, categories, api_key, extra,
                                                     fragment):
    response = client.post(ROOT + "requests.json", example_post(api_key, **extra))

    assert response.status_code == 400
    description = errors_of(response)[0]["description"]
    assert fragment in description
    assert ("50" if fragment != "address_string" else "300") in description
    assert not Petition.all_objects.exists()


def test_post_accepts_text_at_the_limits(client, categories, api_key):
    response = client.post(ROOT + "requests.json", example_post(
        api_key, first_name="a" * 24, last_name="b" * 25, address_string="路" * 300))

    assert response.status_code == 200
    petition = Petition.all_objects.get()
    assert petition.decrypt_reporter()["name"] == "a" * 24 + " " + "b" * 25
    assert petition.location_text == "路" * 300


@pytest.mark.parametrize(("extra", "status", "fragment"), [
    ({"service_code": ""}, 400, "service_code"),
    ({"service_code": "nosuch"}, 404, "nosuch"),
    ({"service_code": "graft"}, 404, "graft"),
    ({"jurisdiction_id": ""}, 400, "331002"),
    ({"jurisdiction_id": "331081"}, 404, "331081"),
    ({"lat": "", "long": "", "address_string": ""}, 400, "address_string"),
    ({"long": ""}, 400, "long"),
    ({"lat": "north"}, 400, "north"),
    ({"description": " "}, 400, "description"),
    ({"description": "x" * 5001}, 400, "5001"),
    ({"media_url": "javascript:alert(1)"}, 400, "javascript:alert(1)"),
])
def test_post_rejects_bad_input(client, categories, api_key, extra, status, fragment):
    response = client.post(ROOT + "requests.json", example_post(api_key, **extra))

    assert response.status_code == status
    assert fragment in errors_of(response)[0]["description"]
    assert not Petition.all_objects.exists()


@pytest.mark.parametrize(("name", "limit"), [("lat", 90), ("long", 180)])
@pytest.mark.parametrize("value", ["1e999999999", "-1e999999999"])
def test_post_rejects_overflowing_coordinates(client, categories, api_key, name, limit, value):
    response = client.post(ROOT + "requests.json", example_post(api_key, **{name: value}))

    assert response.status_code == 400
    description = errors_of(response)[0]["description"]
    assert name in description
    assert value in description
    assert f"-{limit} " in description
    assert not Petition.all_objects.exists()


def test_post_accepts_village_or_county_address_id(client, categories, api_key):
    village = client.post(ROOT + "requests.json",
                          example_post(api_key, address_id="331002001003"))
    county = client.post(ROOT + "requests.json", example_post(api_key, address_id="331002"))

    assert village.status_code == 200
    assert county.status_code == 200
    assert set(Petition.all_objects.values_list("region_id", flat=True)) == {
        "331002001003", "331002"}


@pytest.mark.parametrize("value", ["331003001", "331003", "zzz", "3310020011"])
def test_post_rejects_address_id_outside_jurisdiction(client, categories, api_key, value):
    response = client.post(ROOT + "requests.json", example_post(api_key, address_id=value))

    assert response.status_code == 400
    description = errors_of(response)[0]["description"]
    assert "address_id" in description
    assert value in description
    assert "331002" in description
    assert not Petition.all_objects.exists()


def test_post_rejects_retired_address_id(client, categories, api_key):
    Region.objects.filter(code="331002002").update(effective_to=datetime.date(2025, 1, 1))

    response = client.post(ROOT + "requests.json", example_post(api_key, address_id="331002002"))

    assert response.status_code == 400
    assert "331002002" in errors_of(response)[0]["description"]
    assert not Petition.all_objects.exists()


@pytest.mark.parametrize(("content_type", "named"), [("application/json", "“application/json”"),
                                                     ("", "no Content-Type")])
def test_post_asks_for_form_encoding(client, categories, api_key, content_type, named):
    response = client.generic("POST", ROOT + "requests.json", json.dumps(example_post(api_key)),
                              content_type=content_type, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    description = errors_of(response)[0]["description"]
    assert named in description
    assert "application/x-www-form-urlencoded or multipart/form-data" in description
    assert not Petition.all_objects.exists()


def test_post_needs_an_api_key(client, categories):
    missing = client.post(ROOT + "requests.json", example_post(""))
    invalid = client.post(ROOT + "requests.json", example_post("sun_not-a-token"))

    assert missing.status_code == 403
    assert invalid.status_code == 403
    assert "api_key" in errors_of(invalid)[0]["description"]


def test_post_needs_an_intake_role(client, categories, inspector_a):
    response = client.post(ROOT + "requests.json",
                           example_post(issue_token(None, inspector_a)))

    assert response.status_code == 403
    assert "inspector_a" in errors_of(response)[0]["description"]


def test_post_is_limited_to_the_operators_county(client, categories, operator_b):
    response = client.post(ROOT + "requests.json", example_post(issue_token(None, operator_b)))

    assert response.status_code == 403
    assert not Petition.all_objects.exists()


def test_one_county_needs_no_jurisdiction(client, db, operator_a, unit_a):
    make_categories()
    assert set(Unit.objects.values_list("region_id", flat=True)) == {"331002"}

    response = client.post(ROOT + "requests.json",
                           example_post(issue_token(None, operator_a), jurisdiction_id=""))

    assert response.status_code == 200
    assert Petition.all_objects.get().region_id == "331002"


def test_post_needs_no_csrf_token(categories, api_key):
    response = Client(enforce_csrf_checks=True).post(ROOT + "requests.json",
                                                     example_post(api_key))

    assert response.status_code == 200


def test_post_answers_in_english_when_asked(client, categories, api_key):
    response = client.post(ROOT + "requests.json", example_post(api_key, service_code=""),
                           HTTP_ACCEPT_LANGUAGE="en")

    assert "service_code was not provided" in errors_of(response)[0]["description"]


@pytest.mark.parametrize(("method", "path"), [("put", "requests.json"), ("delete", "requests.json"),
                                              ("post", "services.json"),
                                              ("post", "requests/1.json")])
def test_other_methods_are_not_allowed(client, categories, method, path):
    response = getattr(client, method)(ROOT + path)

    assert response.status_code == 405
    assert response["Allow"]
    errors_of(response)


def test_updated_datetime_ignores_internal_steps(client, filed, township_operator, frozen):
    frozen.move_to(NOW + datetime.timedelta(hours=1), tick=False)
    petition = actions.accept(township_operator, filed["open"])
    frozen.move_to(NOW + datetime.timedelta(hours=2), tick=False)
    actions.request_extension(township_operator, petition, days=30, reason="需协调多个部门")

    row = client.get(f"{ROOT}requests/{sid(petition)}.json").json()[0]

    assert not petition.events.get(action="request_extension").is_public
    assert row["updated_datetime"] == "2026-03-02T11:00:00+08:00"


def test_an_accepted_request_stays_open(client, filed, township_operator):
    petition = actions.accept(township_operator, filed["open"])

    row = client.get(f"{ROOT}requests/{sid(petition)}.json").json()[0]

    assert petition.state == State.HANDLING
    assert row["status"] == "open"
    assert row["status_notes"] == "已受理，办理中"
    assert row["expected_datetime"] == "2026-05-06T23:59:59+08:00"
