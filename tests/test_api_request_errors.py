"""Responses of the JSON API to a body that is not JSON, to values of the wrong type, and to
text with an unpaired UTF-16 surrogate.

Every such response is 400, in the request language (Chinese by default,
English with ``Accept-Language: en``), and names the field, the value
received and what the field expects.
"""

import pytest
from django.core.cache import cache

from sunshine.api.request_errors import unpaired_surrogates
from sunshine.petitions.models import Petition
from tests.petition_web_data import TOWNSHIP, make_categories

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def categories(db):
    cache.clear()
    yield make_categories()
    cache.clear()


def post(client, body, **headers):
    return client.post(REPORTS, body, content_type="application/json", **headers)


def report(**extra) -> dict:
    data = {"kind": "request", "category": "roads", "region": TOWNSHIP, "text": "村口道路塌陷。"}
    data.update(extra)
    return data


@pytest.mark.parametrize(("extra", "field", "value", "chinese", "english"), [
    ({"anonymous": "maybe"}, "anonymous", "maybe", "应为 true 或 false",
     "expected true or false"),
    ({"anonymous": "yes"}, "anonymous", "yes", "应为 true 或 false", "expected true or false"),
    ({"anonymous": "false"}, "anonymous", "false", "应为 true 或 false",
     "expected true or false"),
    ({"anonymous": 1}, "anonymous", "1", "应为 true 或 false", "expected true or false"),
    ({"target_unit": "abc"}, "target_unit", "abc", "应为整数", "expected a whole number"),
    ({"target_unit": True}, "target_unit", "true", "应为整数", "expected a whole number"),
    ({"target_unit": "12"}, "target_unit", "12", "应为整数", "expected a whole number"),
    ({"target_unit": 12.0}, "target_unit", "12.0", "应为整数", "expected a whole number"),
    ({"text": 5}, "text", "5", "应为带双引号的文本", "expected text in double quotes"),
])
def test_wrong_type_names_field_and_value(client, extra, field, value, chinese, english):
    zh = post(client, report(**extra))
    en = post(client, report(**extra), **ENGLISH)

    assert zh.status_code == 400
    assert en.status_code == 400
    assert zh.json()["detail"].startswith(f"请求无效：字段 {field} 的值“{value}”无效：")
    assert chinese in zh.json()["detail"]
    assert f"field {field} has the invalid value “{value}”" in en.json()["detail"]
    assert english in en.json()["detail"]
    assert "Input should be" not in zh.json()["detail"]
    assert not Petition.all_objects.exists()


def test_wrong_type_lists_each_error_with_its_message(client):
    response = post(client, report(anonymous="maybe", target_unit="abc"))

    errors = response.json()["errors"]
    assert [error["loc"] for error in errors] == [["body", "body", "target_unit"],
                                                 ["body", "body", "anonymous"]]
    assert [error["type"] for error in errors] == ["int_type", "bool_type"]
    assert errors[1]["message"] == "字段 anonymous 的值“maybe”无效：应为 true 或 false"


@pytest.mark.parametrize("field", ["reporter_name", "lat", "secret"])
def test_unknown_field_is_rejected(client, field):
    response = post(client, report(**{field: "x"}), **ENGLISH)

    assert response.status_code == 400
    assert f"field {field}" in response.json()["detail"]
    assert "this operation does not accept it; remove it" in response.json()["detail"]
    assert not Petition.all_objects.exists()


def test_deeply_nested_body_is_400(client):
    zh = post(client, '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}")
    en = post(client, '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}", **ENGLISH)

    assert zh.status_code == 400
    assert zh.json()["detail"].startswith("请求正文嵌套层数过多")
    assert en.json()["detail"].startswith("The request body is nested too deeply to read")
    assert "recursion" not in en.json()["detail"]


def test_integer_with_too_many_digits_is_400(client):
    response = post(client, '{"target_unit": ' + "9" * 5000 + "}", **ENGLISH)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "The request body contains an integer with more than 4,300 digits")
    assert "set_int_max_str_digits" not in response.json()["detail"]


def test_infinite_number_is_named(client):
    response = post(client, '{"kind": "request", "category": "roads", "region": "331002001", '
                            '"text": "路面塌陷。", "target_unit": 1e400}', **ENGLISH)

    assert response.status_code == 400
    assert "field target_unit" in response.json()["detail"]
    assert "pydantic" not in response.json()["detail"]


def test_english_by_lang_parameter(client):
    response = client.post(REPORTS + "?lang=en", report(anonymous="maybe"),
                           content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("Invalid request: field anonymous")


@pytest.mark.parametrize("body", ["{bad", '{"kind": "request",}'])
def test_malformed_json_is_400_with_line_and_column(client, body):
    zh = post(client, body)
    en = post(client, body, **ENGLISH)

    assert zh.status_code == 400
    assert en.status_code == 400
    assert "请求正文不是有效的 JSON：错误位于第 1 行第" in zh.json()["detail"]
    assert "Content-Type: application/json" in zh.json()["detail"]
    assert "The request body is not valid JSON: the error is at line 1, column" in \
        en.json()["detail"]
    assert "Cannot parse" not in zh.json()["detail"]


def test_malformed_json_column_points_at_the_error(client):
    response = post(client, '{"kind": "request",}', **ENGLISH)

    assert "line 1, column 20" in response.json()["detail"]


@pytest.mark.parametrize(("body", "found"), [("[1]", "array"), ('"text"', "string"),
                                             ("12", "number")])
def test_body_that_is_not_an_object_is_400(client, body, found):
    zh = post(client, body)
    en = post(client, body, **ENGLISH)

    assert zh.status_code == 400
    assert zh.json()["detail"].startswith(f"请求正文是 JSON {found}，不是 JSON 对象。")
    assert en.json()["detail"].startswith(f"The request body is a JSON {found}, not a JSON object.")


def test_body_that_is_not_utf8_is_400(client):
    response = post(client, b'{"text": "\xb5\xc0"}', **ENGLISH)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request body is not UTF-8 text.")


def test_empty_body_is_400(client):
    zh = post(client, "")
    en = post(client, "", **ENGLISH)

    assert zh.status_code == 400
    assert "缺少请求正文" in zh.json()["detail"]
    assert "the request body is missing" in en.json()["detail"]


@pytest.mark.parametrize("extra", [{"category": "nosuch"}, {"category": ""}])
def test_bad_category_lists_the_public_codes(client, extra):
    zh = post(client, report(**extra))
    en = post(client, report(**extra), **ENGLISH)

    assert zh.status_code == 400
    assert "可选的类别代码：graft (违纪违法), lamps (路灯照明), roads (道路交通)。" in \
        zh.json()["detail"]
    assert "Accepted category codes: graft (违纪违法), lamps (路灯照明), roads (Roads and transport)." in \
        en.json()["detail"]
    assert "internal" not in zh.json()["detail"]
    assert any("roads" in message for message in zh.json()["errors"]["category"])


def test_bad_category_without_public_categories(client, categories):
    for category in categories.values():
        category.delete()

    response = post(client, report(), **ENGLISH)

    assert response.status_code == 400
    assert "No category is open to reports yet" in response.json()["detail"]


def test_bad_kind_lists_the_kinds(client):
    zh = post(client, report(kind="complaint"))
    en = post(client, report(kind="complaint"), **ENGLISH)

    assert zh.status_code == 400
    assert "complaint" in zh.json()["detail"]
    assert "可选的类型：suggestion “建议意见”, accusation “检举控告”, request “申诉求决”。" in \
        zh.json()["detail"]
    assert "Accepted kinds: suggestion, accusation “report (accusation)”, request." in \
        en.json()["detail"]


@pytest.mark.parametrize("value", [None, ["request"], 3])
def test_kind_of_wrong_type_lists_the_kinds(client, value):
    zh = post(client, report(kind=value))
    en = post(client, report(kind=value), **ENGLISH)

    assert zh.status_code == 400
    assert en.status_code == 400
    assert "字段 kind 的值" in zh.json()["detail"]
    assert "可选的类型：suggestion “建议意见”" in zh.json()["detail"]
    assert "Accepted kinds: suggestion, accusation" in en.json()["detail"]
    assert not Petition.all_objects.exists()


def test_category_of_wrong_type_lists_the_codes(client):
    response = post(client, report(category=None), **ENGLISH)

    assert response.status_code == 400
    assert "field category has the invalid value “null”" in response.json()["detail"]
    assert "roads (Roads and transport)" in response.json()["detail"]


def test_form_errors_use_the_body_field_names(client):
    response = post(client, report(anonymous=False, name="", phone="12345"))

    errors = response.json()["errors"]
    assert set(errors) == {"name", "phone"}
    assert "phone: " in response.json()["detail"]
    assert "reporter_phone" not in response.json()["detail"]


@pytest.mark.parametrize(("path", "chinese", "english"), [
    ("/api/v1/projects/?page=x", "查询参数 page 的值“x”无效：应为整数",
     "query parameter page has the invalid value “x”: expected a whole number"),
    ("/api/v1/projects/?page=0", "查询参数 page 的值“0”无效：应为不小于 1 的数",
     "query parameter page has the invalid value “0”: expected a number of at least 1"),
    ("/api/v1/petitions/abc/", "路径参数 petition_id 的值“abc”无效：应为整数",
     "path parameter petition_id has the invalid value “abc”: expected a whole number"),
    ("/api/v1/reports/ABCDEFGHJKMN/", "缺少必填的请求头 X-Tracking-Secret，请补上",
     "header X-Tracking-Secret is required but missing; add it"),
])
def test_other_endpoints_name_the_parameter(client, path, chinese, english):
    zh = client.get(path)
    en = client.get(path, **ENGLISH)

    assert zh.status_code == 400
    assert en.status_code == 400
    assert chinese in zh.json()["detail"]
    assert english in en.json()["detail"]
    assert zh.json()["detail"].endswith("各接口接受的字段和取值见 /api/v1/docs。")


def test_long_values_are_cut(client):
    response = client.get("/api/v1/projects/", {"q": "路" * 101})

    assert response.status_code == 400
    assert "“" + "路" * 60 + "…”" in response.json()["detail"]
    assert "应不超过 100 个字符" in response.json()["detail"]


def raw_post(client, text: str, **headers):
    """Post a body written as JSON text, so escapes such as \\ud83d reach the parser as sent."""
    return client.post(REPORTS, text, content_type="application/json", **headers)


def report_json(tail: str) -> str:
    return f'{{"kind": "request", "category": "roads", "region": "{TOWNSHIP}", {tail}}}'


@pytest.mark.parametrize(("tail", "field", "character"), [
    ('"text": "河道垃圾 \\ud83d 结束"', "text", "\\ud83d"),
    ('"text": "道路塌陷", "anonymous": false, "name": "\\udc00", "phone": "13800138000"',
     "name", "\\udc00"),
    ('"text": "道路塌陷", "target_unit": "\\ud83d"', "target_unit", "\\ud83d"),
])
def test_unpaired_surrogate_names_field(client, tail, field, character):
    zh = raw_post(client, report_json(tail))
    en = raw_post(client, report_json(tail), **ENGLISH)

    assert zh.status_code == 400
    assert en.status_code == 400
    assert zh.json()["detail"].startswith(f"请求无效：字段 {field} 的值“")
    assert f"含有无效字符 {character}（未配对的 UTF-16 代理项" in zh.json()["detail"]
    assert "请删除该字符或重新输入" in zh.json()["detail"]
    assert f"field {field} has the invalid value “" in en.json()["detail"]
    assert f"the invalid character {character}, an unpaired UTF-16 surrogate" in \
        en.json()["detail"]
    assert "remove it or type the character again" in en.json()["detail"]
    assert [(e["loc"], e["type"]) for e in en.json()["errors"]] == [
        (["body", field], "string_unpaired_surrogate")]
    assert not Petition.all_objects.exists()


def test_unpaired_surrogate_value_escaped(client):
    response = raw_post(client, report_json('"text": "河道垃圾 \\ud83d 结束"'), **ENGLISH)

    assert "field text has the invalid value “河道垃圾 \\ud83d 结束”" in response.json()["detail"]


def test_unpaired_surrogates_all_listed(client):
    body = report_json('"text": "\\udc00", "title": "a\\ud800b", "\\udfff": 1')

    response = raw_post(client, body, **ENGLISH)

    assert response.status_code == 400
    assert [e["loc"] for e in response.json()["errors"]] == [
        ["body", "text"], ["body", "title"], ["body", "\\udfff"]]


def test_surrogate_pair_escape_accepted(client):
    response = raw_post(client, report_json('"text": "路面塌陷 \\ud83d\\ude00"'))

    assert response.status_code == 201
    assert Petition.all_objects.get().text == "路面塌陷 😀"


def test_unpaired_surrogates_nested_values():
    data = {"a": [{"b": "ok"}, {"c": "x\ud83d"}], "\udc00": "ok", "d": {"e": ["\udfff"]}}

    assert unpaired_surrogates(data) == [(("a", 1, "c"), "x\ud83d"), (("\udc00",), "\udc00"),
                                         (("d", "e", 0), "\udfff")]
