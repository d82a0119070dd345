"""Petition figures: processing rate, backlog by age, satisfaction, repeats, and their pages.

Personas beyond the shared ones: ``township_operator`` handles the land
category in 海门街道; ``inspector_a`` handles reports in 椒江区. Dates are
checked against chinese-calendar 1.11.0 for 2026: a petition accepted on
Tue 24 Feb 2026 has its handling deadline on Mon 27 Apr 2026.
"""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from sunshine.organisation.models import Assignment, Level, UnitKind
from sunshine.petitions import actions, figures, tracking
from sunshine.petitions.models import Kind, Outcome, Petition
from tests.conftest import region
from tests.petition_ops_data import accepted, at, make_category, register

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def clock(time_machine):
    def move(year: int, month: int, day: int) -> None:
        time_machine.move_to(at(year, month, day), tick=False)

    move(2026, 2, 24)
    return move


@pytest.fixture
def category(db):
    return make_category()


@pytest.fixture
def handled(clock, category, operator_a, township_operator, township_unit):
    """Four requests accepted by 海门街道: in time, late, still open, and not yet due on 10 May."""
    in_time = accepted(register(operator_a, category, phone="13900000001"), township_operator)
    late = accepted(register(operator_a, category, phone="13900000002"), township_operator)
    still_open = accepted(register(operator_a, category, phone="13900000003"), township_operator)
    clock(2026, 3, 2)
    actions.reply(township_operator, in_time, text="已修复。", outcome=Outcome.SUPPORT)
    clock(2026, 4, 1)
    not_due = accepted(register(operator_a, category, phone="13900000004"), township_operator)
    clock(2026, 5, 1)
    actions.reply(township_operator, late, text="已修复。", outcome=Outcome.SUPPORT)
    clock(2026, 5, 10)
    return {"in_time": in_time, "late": late, "open": still_open, "not_due": not_due}


def period(first: datetime.date, last: datetime.date, today: datetime.date) -> figures.Period:
    return figures.Period(first, last, today)


def test_processing_rate_counts_open_overdue(handled):
    conditions = figures.Conditions(period(D(2026, 1, 1), D(2026, 5, 10), D(2026, 5, 10)))
    found = figures.summary(Petition.all_objects.all(), conditions)

    assert found.due == 3
    assert found.handled_in_time == 1
    assert found.handled_late == 1
    assert found.open_overdue == 1
    assert found.processing_rate == Decimal("0.3333")


def test_processing_rate_queryset_agrees(handled):
    petitions = Petition.all_objects.all()

    rate = petitions.processing_rate(D(2026, 5, 10), first=D(2026, 1, 1), last=D(2026, 5, 10))

    assert rate == Decimal("0.3333")
    assert set(petitions.due_for_handling(D(2026, 5, 10))) == {
        handled["in_time"], handled["late"], handled["open"]}


def test_open_petition_due_only_after_deadline(handled):
    deadline = handled["not_due"].handle_due
    on_deadline = figures.Conditions(period(D(2026, 1, 1), D(2026, 12, 31), deadline))
    day_after = figures.Conditions(period(D(2026, 1, 1), D(2026, 12, 31),
                                          deadline + datetime.timedelta(days=1)))
    petitions = Petition.all_objects.all()

    assert handled["not_due"] not in figures.filtered(petitions, on_deadline, "due")
    assert handled["not_due"] in figures.filtered(petitions, day_after, "open_overdue")


def test_period_counts_deadlines_inside_only(handled):
    after = figures.Conditions(period(D(2026, 4, 28), D(2026, 5, 10), D(2026, 5, 10)))

    found = figures.summary(Petition.all_objects.all(), after)

    assert found.due == 0
    assert found.processing_rate is None
    assert found.received == 0


def test_list_behind_each_count_matches(handled):
    conditions = figures.Conditions(period(D(2026, 1, 1), D(2026, 5, 10), D(2026, 5, 10)))
    petitions = Petition.all_objects.all()

    assert list(figures.filtered(petitions, conditions, "open_overdue")) == [handled["open"]]
    assert list(figures.filtered(petitions, conditions, "handled_late")) == [handled["late"]]
    assert list(figures.filtered(petitions, conditions, "handled_in_time")) == [handled["in_time"]]


def test_backlog_age_buckets(time_machine, category, operator_a):
    time_machine.move_to(at(2026, 6, 30), tick=False)
    today = D(2026, 6, 30)
    for days in (0, 15, 16, 30, 31, 60, 61, 90):
        register(operator_a, category, is_anonymous=True,
                 received_on=today - datetime.timedelta(days=days))
    conditions = figures.Conditions(period(D(2026, 1, 1), today, today))

    found = figures.summary(Petition.all_objects.all(), conditions)

    assert [bucket.label for bucket in conditions.buckets] == ["0–15", "16–30", "31–60", "> 60"]
    assert found.ages == (2, 2, 2, 2)
    assert found.backlog == 8


def test_replied_petition_leaves_backlog(handled):
    conditions = figures.Conditions(period(D(2026, 1, 1), D(2026, 5, 10), D(2026, 5, 10)))
    petitions = Petition.all_objects.all()

    found = figures.summary(petitions, conditions)

    # Replied petitions wait for the reporter to rate them, not for staff.
    assert found.backlog == 2
    assert set(figures.filtered(petitions, conditions, "backlog")) == {
        handled["open"], handled["not_due"]}


def test_satisfaction_share_and_average(clock, category, operator_a, township_operator):
    petitions = [accepted(register(operator_a, category, phone=f"1390000010{n}"), township_operator)
                 for n in range(4)]
    clock(2026, 3, 10)
    answers = [actions.reply(township_operator, p, text="答复。", outcome=Outcome.EXPLAIN)
               for p in petitions]
    actions.rate(petitions[0], answers[0], score=5)
    actions.rate(petitions[1], answers[1], score=3)
    actions.rate(petitions[2], answers[2], rating="dissatisfied")
    conditions = figures.Conditions(period(D(2026, 3, 1), D(2026, 3, 31), D(2026, 3, 31)))

    found = figures.summary(Petition.all_objects.all(), conditions)

    assert found.rated == 3
    assert found.satisfied == 1
    assert found.satisfaction_share == Decimal("0.3333")
    assert found.average_rating == Decimal("3.00")  # (5 + 3 + 1) ÷ 3
    assert set(figures.filtered(Petition.all_objects.all(), conditions, "satisfied")) == {
        petitions[0]}


def test_rating_outside_period_not_counted(clock, category, operator_a, township_operator):
    petition = accepted(register(operator_a, category), township_operator)
    answer = actions.reply(township_operator, petition, text="答复。", outcome=Outcome.EXPLAIN)
    actions.rate(petition, answer, score=4)
    conditions = figures.Conditions(period(D(2026, 3, 1), D(2026, 3, 31), D(2026, 3, 31)))

    found = figures.summary(Petition.all_objects.all(), conditions)

    assert found.rated == 0
    assert found.satisfaction_share is None


def test_repeat_rate(clock, category, operator_a):
    first = register(operator_a, category, phone="13700000001")
    again = register(operator_a, category, phone="13700000001")
    register(operator_a, category, phone="13700000002")
    register(operator_a, category, phone="13700000003")
    conditions = figures.Conditions(period(D(2026, 2, 1), D(2026, 2, 28), D(2026, 2, 28)))

    found = figures.summary(Petition.all_objects.all(), conditions)

    assert again.repeat_of == first
    assert found.received == 4
    assert found.repeats == 1
    assert found.repeat_rate == Decimal("0.2500")


def test_breakdowns_add_up(handled, township_unit):
    conditions = figures.Conditions(period(D(2026, 1, 1), D(2026, 5, 10), D(2026, 5, 10)))
    petitions = Petition.all_objects.in_region(region("331002"))

    rows = figures.by_child_region(petitions, region("331002"), conditions)
    units = figures.by_unit(petitions, conditions)
    total = figures.summary(petitions, conditions)

    by_code = {row.key: row.figures for row in rows}
    assert by_code["331002001"].due == 3
    assert by_code["331002001"].received == 4
    assert sum(row.figures.due for row in rows) == total.due
    assert [(row.unit, row.figures.handled_in_time) for row in units] == [(township_unit, 1)]


def test_default_period_follows_setting():
    found = figures.default_period(D(2026, 3, 31))

    assert found.first == D(2025, 4, 1)
    assert found.last == D(2026, 3, 31)


# Dashboard pages


def dashboard_url(code: str, **query) -> str:
    url = reverse("dashboard:petitions_region", args=[code])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_dashboard_shows_rate_and_definition(client, city_admin, handled):
    client.force_login(city_admin)

    response = client.get(dashboard_url("331000", first="2026-01-01", last="2026-05-10"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "33.33%" in text
    assert "处理率" in text
    assert "按期办结" in text or "办理期限" in text
    assert "0–15" in text


@pytest.mark.parametrize(("language", "names"), [
    ("zh-hans", ["信访处理率", "满意率", "重复信访率"]),
    ("en", ["Processing rate", "Rated satisfied", "Repeat rate"]),
])
def test_dashboard_chart_names_follow_language(client, city_admin, handled, language, names):
    client.force_login(city_admin)

    response = client.get(dashboard_url("331000"), HTTP_ACCEPT_LANGUAGE=language)

    script = re.search(r'<script id="dashboard-chart-data" type="application/json">(.*?)</script>',
                       response.content.decode(), re.S)
    assert script is not None
    assert [series["name"] for series in json.loads(script.group(1))["series"]] == names


def test_dashboard_lists_open_overdue(client, city_admin, handled):
    client.force_login(city_admin)

    response = client.get(dashboard_url("331002", first="2026-01-01", last="2026-05-10",
                                        show="open_overdue"))

    text = response.content.decode()
    assert tracking.format_code(handled["open"].tracking_code) in text
    assert tracking.format_code(handled["in_time"].tracking_code) not in text


def test_dashboard_drills_down_to_township(client, city_admin, handled):
    client.force_login(city_admin)

    response = client.get(dashboard_url("331002", first="2026-01-01", last="2026-05-10"))

    assert response.status_code == 200
    assert dashboard_url("331002001") in response.content.decode()
    assert "海门街道" in response.content.decode()


@pytest.fixture
def report(clock, operator_a, township_unit, inspector_a):
    """A report accusing 海门街道办事处, handled by the 椒江区 commission."""
    commission = Assignment.objects.get(user=inspector_a).unit
    category = make_category("conduct", Kind.ACCUSATION, UnitKind.COMMISSION, Level.COUNTY)
    petition = register(operator_a, category, phone="13600000009", target_unit=township_unit)
    return actions.assign(None, petition, commission)


def test_dashboard_hides_report_from_accused_unit(client, township_operator, report):
    client.force_login(township_operator)

    response = client.get(dashboard_url("331002001", show="received"))

    assert response.status_code == 200
    assert tracking.format_code(report.tracking_code) not in response.content.decode()


def test_dashboard_lists_report_for_inspector(client, inspector_a, report):
    client.force_login(inspector_a)

    response = client.get(dashboard_url("331002", show="received"))

    assert tracking.format_code(report.tracking_code) in response.content.decode()


@pytest.mark.parametrize("query", [{"first": "2026-13-01"}, {"last": "yesterday"},
                                   {"first": "2026-05-01", "last": "2026-04-01"},
                                   {"show": "everything"}, {"unit": "abc"}])
def test_dashboard_rejects_bad_query(client, city_admin, query):
    client.force_login(city_admin)

    response = client.get(dashboard_url("331000", **query))

    assert response.status_code == 400


# Text that is not 1 to 18 ASCII digits. str.isdigit() accepts the superscript two,
# int() accepts full-width digits, signs and spaces, and 19 digits or more may overflow a bigint.
@pytest.mark.parametrize("value", ["²", "１２", "-1", " 1", "9" * 19, "9223372036854775808",
                                   "9" * 30, "9" * 5000])
def test_dashboard_rejects_malformed_unit(client, city_admin, value):
    client.force_login(city_admin)

    response = client.get(dashboard_url("331000"), {"unit": value})

    text = response.content.decode()
    assert response.status_code == 400
    assert f"单位“{value}”无效" in text
    assert "1 至 18 位数字" in text
    assert "“none”" in text


def test_dashboard_lists_nothing_for_unknown_unit(client, city_admin, handled):
    client.force_login(city_admin)

    response = client.get(dashboard_url("331000"), {
        "unit": "999999999999999999", "show": "received", "first": "2026-01-01",
        "last": "2026-05-10"})

    assert response.status_code == 200
    assert tracking.format_code(handled["open"].tracking_code) not in response.content.decode()


@pytest.mark.parametrize(("name", "value"), [("last", "9999-12-31"), ("first", "0001-01-01"),
                                             ("first", "1999-12-31"), ("last", "1999-12-31")])
def test_dashboard_rejects_dates_out_of_range(client, city_admin, name, value):
    client.force_login(city_admin)

    response = client.get(dashboard_url("331000"), {name: value})

    text = response.content.decode()
    assert response.status_code == 400
    assert f"“{value}”超出" in text
    assert "2000-01-01 至 9999-12-30" in text


def test_dashboard_accepts_the_widest_dates(client, city_admin, handled):
    client.force_login(city_admin)

    response = client.get(dashboard_url("331000"), {"first": "2000-01-01", "last": "9999-12-30",
                                                    "show": "received"})

    text = response.content.decode()
    assert response.status_code == 200
    assert tracking.format_code(handled["open"].tracking_code) in text
    assert 'min="2000-01-01" max="9999-12-30"' in text


@pytest.mark.parametrize(("name", "value", "says"), [
    ("first", "2026-02-30", "“2026-02-30”这一天不存在：2026 年 2 月只有 28 天"),
    ("last", "2024-02-30", "“2024-02-30”这一天不存在：2024 年 2 月只有 29 天"),
    ("first", "2026-4-31", "“2026-4-31”这一天不存在：2026 年 4 月只有 30 天"),
    ("last", "2026-13-01", "“2026-13-01”不是日期：没有 13 月"),
    ("first", "0000-01-01", "“0000-01-01”超出"),
])
def test_dashboard_names_a_missing_day(client, city_admin, name, value, says):
    client.force_login(city_admin)

    response = client.get(dashboard_url("331000"), {name: value})

    text = response.content.decode()
    assert response.status_code == 400
    assert says in text
    assert "YYYY-MM-DD" not in text


def test_dashboard_query_errors_in_english(client, city_admin):
    client.force_login(city_admin)

    late = client.get(dashboard_url("331000"), {"last": "9999-12-31"}, HTTP_ACCEPT_LANGUAGE="en")
    unit = client.get(dashboard_url("331000"), {"unit": "²"}, HTTP_ACCEPT_LANGUAGE="en")

    assert late.content.decode() == ("“9999-12-31” is outside the dates the figures cover; use "
                                     "a date from 2000-01-01 to 9999-12-30.")
    assert unit.content.decode() == ("Unit “²” is invalid; use a unit number of 1 to 18 digits "
                                     "0-9, or “none”.")


def test_dashboard_missing_day_in_english(client, city_admin):
    client.force_login(city_admin)

    response = client.get(dashboard_url("331000"), {"first": "2026-02-30"},
                          HTTP_ACCEPT_LANGUAGE="en")

    assert response.content.decode() == ("“2026-02-30” does not exist: month 2 of 2026 has 28 "
                                         "days, so use a day from 01 to 28.")


@pytest.mark.parametrize(("url_name", "query"), [
    ("dashboard:petitions_region", {"unit": "<b>x</b>"}),
    ("dashboard:petitions_region", {"first": "<b>x</b>"}),
    ("dashboard:region", {"show": "<b>x</b>"}),
    ("dashboard:execution_region", {"period": "<b>x</b>"}),
])
def test_dashboard_query_errors_are_plain_text(client, city_admin, url_name, query):
    client.force_login(city_admin)

    response = client.get(reverse(url_name, args=["331000"]), query)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "<b>x</b>" in response.content.decode()


def test_dashboard_other_county_forbidden(client, operator_b):
    client.force_login(operator_b)

    assert client.get(dashboard_url("331002")).status_code == 403


def test_dashboard_unknown_region_404(client, city_admin):
    client.force_login(city_admin)

    assert client.get(dashboard_url("999999")).status_code == 404


def test_dashboard_rejects_post(client, city_admin):
    client.force_login(city_admin)

    assert client.post(dashboard_url("331000")).status_code == 405


def test_dashboard_needs_login(client):
    response = client.get(reverse("dashboard:petitions"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_fund_dashboard_links_petition_figures(client, city_admin):
    client.force_login(city_admin)

    response = client.get(reverse("dashboard:region", args=["331000"]))

    assert dashboard_url("331000") in response.content.decode()


def test_public_statistics_show_aggregates_only(client, handled):
    response = client.get(reverse("supervision:statistics"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "处理率" in text
    assert "椒江区" in text
    for petition in handled.values():
        assert petition.tracking_code not in text
        assert tracking.format_code(petition.tracking_code) not in text
    assert "张三" not in text


def test_public_statistics_in_english(client, handled):
    # The override restores the default language that the request switches away from.
    with translation.override("zh-hans"):
        response = client.get(reverse("supervision:statistics"), HTTP_ACCEPT_LANGUAGE="en")

    assert "Processing rate" in response.content.decode()
