"""Reading OCDS files of every shape, compiling releases and reading values (no database)."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from sunshine.funds.ocds.errors import Location
from sunshine.funds.ocds.merge import compile_releases
from sunshine.funds.ocds.reader import read_files
from sunshine.funds.ocds.values import Context

RELEASE = {"ocid": "ocds-abc-1", "id": "1", "date": "2020-01-01T00:00:00Z", "tag": ["tender"],
           "tender": {"id": "t", "title": "Road repair"}}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def write(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_it_reads_release_package(tmp_path):
    path = write(tmp_path, "package.json", {"uri": "u", "releases": [RELEASE, RELEASE]})

    result = read_files([path])

    assert result.problems == []
    assert [s.ocid for s in result.sources] == ["ocds-abc-1", "ocds-abc-1"]
    assert result.sources[1].location.path == "releases[1]"


def test_it_reads_record_package_through_compiled_release(tmp_path):
    record = {"ocid": "ocds-abc-2", "releases": [{"url": "http://x/1", "date": "2020", "tag": []}],
              "compiledRelease": {**RELEASE, "ocid": "ocds-abc-2"}}
    path = write(tmp_path, "records.json", {"records": [record]})

    result = read_files([path])

    assert [s.ocid for s in result.sources] == ["ocds-abc-2"]
    assert result.sources[0].location.path == "records[0].compiledRelease"


def test_it_reads_single_release(tmp_path):
    result = read_files([write(tmp_path, "one.json", RELEASE)])

    assert len(result.sources) == 1
    assert result.sources[0].location.path == ""


def test_it_reads_record_without_top_level_ocid(tmp_path):
    # Prozorro records carry the ocid only inside their releases.
    record = {"publisher": {"name": "p"}, "releases": [RELEASE], "compiledRelease": RELEASE}

    result = read_files([write(tmp_path, "record.json", record)])

    assert [s.ocid for s in result.sources] == ["ocds-abc-1"]


def test_it_reads_embedded_releases_of_record(tmp_path):
    later = {**RELEASE, "id": "2", "date": "2020-02-01T00:00:00Z"}
    record = {"ocid": "ocds-abc-1", "releases": [RELEASE, later]}

    result = read_files([write(tmp_path, "record.json", record)])

    assert [s.location.path for s in result.sources] == ["releases[0]", "releases[1]"]


def test_it_reads_json_lines_with_line_numbers(tmp_path):
    text = json.dumps(RELEASE) + "\n\n" + json.dumps({"releases": [RELEASE]}) + "\n"

    result = read_files([write(tmp_path, "lines.jsonl", text)])

    assert [s.location.line for s in result.sources] == [1, 3]


def test_it_reads_array_of_releases(tmp_path):
    result = read_files([write(tmp_path, "array.json", [RELEASE, {**RELEASE, "ocid": "b"}])])

    assert [s.ocid for s in result.sources] == ["ocds-abc-1", "b"]
    assert result.sources[1].location.path == "[1]"


def test_it_detects_shape_by_content_not_name(tmp_path):
    result = read_files([write(tmp_path, "data.txt", {"releases": [RELEASE]})])

    assert len(result.sources) == 1


def test_it_counts_release_without_ocid(tmp_path):
    release = {key: value for key, value in RELEASE.items() if key != "ocid"}

    result = read_files([write(tmp_path, "package.json", {"releases": [release]})])

    assert result.sources == []
    assert result.unmapped["release_without_ocid"] == 1


def test_it_counts_record_with_only_linked_releases(tmp_path):
    record = {"ocid": "x", "releases": [{"url": "http://x/1", "date": "2020", "tag": ["tender"]}]}

    result = read_files([write(tmp_path, "records.json", {"records": [record]})])

    assert result.sources == []
    assert result.unmapped["record_without_releases"] == 1


def test_it_reports_malformed_json_with_line_and_column(tmp_path):
    path = write(tmp_path, "broken.json", '{\n  "releases": [\n    {"ocid": "a",}\n  ]\n}\n')

    problems = read_files([path]).problems

    assert len(problems) == 1
    assert "broken.json" in problems[0]
    assert "line 3" in problems[0]


def test_it_reports_broken_line_of_json_lines(tmp_path):
    text = json.dumps(RELEASE) + "\n" + '{"ocid": "b", ' + "\n"

    problems = read_files([write(tmp_path, "lines.jsonl", text)]).problems

    assert len(problems) == 1
    assert "lines.jsonl, line 2" in problems[0]


def test_it_rejects_json_that_is_not_ocds(tmp_path):
    problems = read_files([write(tmp_path, "other.json", {"name": "budget", "rows": []})]).problems

    assert len(problems) == 1
    assert "not OCDS data" in problems[0]


def test_it_rejects_csv_file(tmp_path):
    problems = read_files([write(tmp_path, "ledger.csv", "code,name\nA-1,Road\n")]).problems

    assert "invalid JSON" in problems[0]


def test_it_rejects_missing_file(tmp_path):
    problems = read_files([tmp_path / "nowhere.json"]).problems

    assert "cannot read the file" in problems[0]
    assert "nowhere.json" in problems[0]


def test_it_rejects_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes(json.dumps({"releases": [{"ocid": "道路"}]}, ensure_ascii=False).encode("gbk"))

    assert "not UTF-8" in read_files([path]).problems[0]


def test_it_rejects_nan(tmp_path):
    path = write(tmp_path, "nan.json", '{"ocid": "a", "tender": {"value": {"amount": NaN}}}')

    assert "NaN is not a JSON number" in read_files([path]).problems[0]


def test_merge_applies_releases_in_date_order():
    later = {"ocid": "a", "date": "2020-03-01T00:00:00Z", "tender": {"title": "new"}}
    earlier = {"ocid": "a", "date": "2020-01-01T00:00:00Z", "tender": {"title": "old", "status": "active"}}

    compiled = compile_releases([later, earlier])

    assert compiled["tender"] == {"title": "new", "status": "active"}


def test_merge_removes_field_set_to_null():
    first = {"date": "2020-01-01", "tender": {"title": "t", "status": "active"}}
    second = {"date": "2020-02-01", "tender": {"status": None}}

    assert compile_releases([first, second])["tender"] == {"title": "t"}


def test_merge_combines_array_items_by_id():
    first = {"date": "2020-01-01", "awards": [{"id": "1", "status": "pending"}, {"id": 2}]}
    second = {"date": "2020-02-01", "awards": [{"id": 1, "status": "active"}, {"id": "3"}]}

    awards = compile_releases([first, second])["awards"]

    assert awards == [{"id": 1, "status": "active"}, {"id": 2}, {"id": "3"}]


def test_merge_replaces_arrays_without_ids():
    first = {"date": "2020-01-01", "tag": ["tender"], "parties": [{"name": "a"}]}
    second = {"date": "2020-02-01", "tag": ["award"], "parties": [{"name": "b"}]}

    compiled = compile_releases([first, second])

    assert compiled["tag"] == ["award"]
    assert compiled["parties"] == [{"name": "b"}]


def context() -> Context:
    return Context(Location("f.json", None, "releases[0]"))


def test_values_read_dates_in_shanghai():
    values = context()

    assert values.date("2016-11-04T21:55:56.042551+02:00", "d") == datetime.date(2016, 11, 5)
    assert values.date("2017-04-16T12:00:00Z", "d") == datetime.date(2017, 4, 16)
    assert values.date("2014-02-05", "d") == datetime.date(2014, 2, 5)
    assert values.date("2014-02-05T23:00:00", "d") == datetime.date(2014, 2, 5)
    assert values.problems == []


def test_values_report_impossible_date_with_path():
    values = context()

    assert values.date("2017-02-30", "tender.tenderPeriod.endDate") is None
    assert values.problems == [
        "f.json, releases[0].tender.tenderPeriod.endDate: date “2017-02-30” is not a valid date; "
        "write it in ISO 8601, for example 2017-04-16 or 2017-04-16T12:00:00Z"
    ]


def test_values_read_amounts_in_every_form():
    values = context()

    assert values.value({"amount": "1,234.50", "currency": "mxn"}, "v") == (Decimal("1234.50"), "MXN")
    assert values.value(1000, "v") == (Decimal("1000.00"), None)
    assert values.value({"amount": " 7 "}, "v") == (Decimal("7.00"), None)
    assert values.value({"amount": None, "currency": "TWD"}, "v") == (None, "TWD")
    assert values.problems == []


def test_values_round_to_the_cent_and_count_it():
    values = context()

    assert values.amount(Decimal("55463.776"), "v") == Decimal("55463.78")
    assert values.adjusted["amount_rounded"] == 1


def test_values_reject_negative_and_non_numeric_amounts():
    values = context()

    assert values.amount(Decimal("-5"), "tender.value.amount") is None
    assert values.amount("12 yuan", "bids.details[0].value.amount") is None
    assert "amount “-5” is negative" in values.problems[0]
    assert "amount “12 yuan” is not a number" in values.problems[1]


def test_values_allow_signed_amounts_when_asked():
    values = context()

    assert values.amount(Decimal("-5"), "planning.budget.amount.amount", signed=True) == Decimal("-5.00")
    assert values.problems == []


def test_values_fill_missing_currency_from_process():
    values = context()
    values.default_currency = "AMD"

    assert values.money({"amount": 3}, "v") == (Decimal("3.00"), "AMD")
    assert values.adjusted["currency_assumed"] == 1


def test_values_reject_bad_currency_and_count():
    values = context()

    assert values.currency("$", "tender.value.currency") is None
    assert values.count("3.5", "tender.numberOfTenderers") is None
    assert values.count("3", "tender.numberOfTenderers") == 3
    assert len(values.problems) == 2
