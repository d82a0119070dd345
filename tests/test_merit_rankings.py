"""Rankings with a minimum sample, the promotion list's 20%/25% share, and the seed formula."""

import datetime

import pytest
from django.db import connection

from sunshine.duties.periods import parse_period
from sunshine.merit import actions
from sunshine.merit.formula import formula_points, ledger_task_points
from sunshine.merit.promotion import promotion_list
from sunshine.merit.rankings import rankings, unit_groups
from sunshine.rules.models import Setting
from sunshine.rules.values import settings_changed
from tests.merit_data import (
    NOW,
    complete,
    make_directive,
    make_leader,
    make_person,
    make_task,
    post,
)

pytestmark = pytest.mark.django_db
Q1 = parse_period("2026Q1")


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def directive(operator_a, unit_a):
    return make_directive(operator_a, unit_a)


def people(unit, count: int) -> list:
    return [make_person(None, unit, name=f"干部{n}") for n in range(count)]


def award_points(person, directive, operator, times: int, day=datetime.date(2026, 2, 2)):
    """Give ``person`` 10 points ``times`` times through task_on_time."""
    for n in range(times):
        task = make_task(operator, directive, f"{person.pk}-{n}", responsible_person=person)
        post("task_on_time", person, task, day)


def test_ranking_orders_by_total_with_shared_ranks(unit_a, directive, operator_a):
    crew = people(unit_a, 5)
    for person, times in zip(crew, [3, 1, 3, 0, 2], strict=True):
        award_points(person, directive, operator_a, times)

    ranking = rankings(Q1, unit_a)

    assert not ranking.too_small
    assert ranking.sample == 5
    assert [(row.name, row.total, row.rank) for row in ranking.rows] == [
        ("干部0", 30, 1), ("干部2", 30, 1), ("干部4", 20, 3), ("干部1", 10, 4), ("干部3", 0, 5)]


def test_ranking_counts_only_the_period(unit_a, directive, operator_a):
    crew = people(unit_a, 5)
    award_points(crew[0], directive, operator_a, 1, day=datetime.date(2025, 12, 30))

    ranking = rankings(Q1, unit_a)

    assert {row.total for row in ranking.rows} == {0}


def test_small_group_is_not_ranked(unit_a, directive, operator_a):
    crew = people(unit_a, 4)
    award_points(crew[0], directive, operator_a, 1)

    ranking = rankings(Q1, unit_a)

    assert ranking.too_small
    assert ranking.sample == 4
    assert ranking.min_sample == 5
    assert ranking.rows == []


def test_min_sample_is_a_versioned_setting(unit_a):
    people(unit_a, 3)
    Setting.objects.create(key="merit.ranking_min_sample", value=3,
                           effective_from=datetime.date(2026, 1, 1))
    settings_changed()

    assert not rankings(Q1, unit_a).too_small
    assert rankings(parse_period("2025Q4"), unit_a).too_small


def test_region_ranking_covers_units_below(unit_a, township_unit, unit_b):
    people(unit_a, 3)
    people(township_unit, 2)
    people(unit_b, 6)

    ranking = rankings(Q1, unit_a.region)
    groups = {group.unit: group for group in unit_groups(unit_a.region, Q1)}

    assert ranking.sample == 5
    assert groups[unit_a].people == 3
    assert not groups[unit_a].rankable
    assert unit_b not in groups


def test_ranking_is_one_query(unit_a, directive, operator_a):
    from django.test.utils import CaptureQueriesContext

    crew = people(unit_a, 6)
    award_points(crew[0], directive, operator_a, 2)

    with CaptureQueriesContext(connection) as context:
        rankings(Q1, unit_a)

    ledger_queries = [q["sql"] for q in context.captured_queries if "merit_pointentry" in q["sql"]]
    assert len(ledger_queries) == 1
    assert "GROUP BY" in ledger_queries[0]
    assert "RANK()" in ledger_queries[0]


def test_ranking_matches_raw_sql(unit_a, directive, operator_a):
    crew = people(unit_a, 6)
    for person, times in zip(crew, [1, 2, 3, 0, 2, 1], strict=True):
        award_points(person, directive, operator_a, times)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, COALESCE(SUM(e.points), 0) FROM organisation_person p"
            " JOIN organisation_unit u ON u.id = p.unit_id"
            " LEFT JOIN merit_pointentry e ON e.person_id = p.id"
            " AND e.occurred_on BETWEEN %s AND %s"
            " WHERE u.path LIKE %s GROUP BY p.id",
            [Q1.start, Q1.end, unit_a.path + "%"])
        raw = dict(cursor.fetchall())

    assert {row.person_id: row.total for row in rankings(Q1, unit_a).rows} == raw


def spread_points(person, directive, operator, total: int) -> None:
    """Give ``person`` ``total`` points across quarters, staying under the quarterly cap."""
    for n in range(total // 10):
        task = make_task(operator, directive, f"{person.pk}-{n}", responsible_person=person)
        post("task_on_time", person, task, datetime.date(2026, 1 + 3 * (n // 10), 5))


def test_promotion_list_caps_excellent_at_20_percent(unit_a, directive, operator_a):
    crew = people(unit_a, 10)
    for person, total in zip(crew, [120, 110, 100, 100, 90, 50, 0, 0, 0, 0], strict=True):
        spread_points(person, directive, operator_a, total)

    result = promotion_list(2026, unit_a)

    assert result.assessed == 10
    assert result.threshold == 90
    assert result.excellent_places == 2
    assert [c.row.total for c in result.candidates] == [120, 110, 100, 100, 90]
    assert [c.suggested_excellent for c in result.candidates] == [True, True, False, False,
                                                                  False]


def test_promotion_tie_over_share_left_out(unit_a, directive, operator_a):
    crew = people(unit_a, 10)
    for person, total in zip(crew, [120, 100, 100, 0, 0, 0, 0, 0, 0, 0], strict=True):
        spread_points(person, directive, operator_a, total)

    result = promotion_list(2026, unit_a)

    assert result.suggested_excellent == 1
    assert result.suggested_excellent <= result.excellent_places


def test_promotion_list_allows_25_percent_with_approval(django_user_model, unit_a, directive,
                                                        operator_a):
    crew = people(unit_a, 12)
    for person, total in zip(crew, [130, 120, 110, 100] + [0] * 8, strict=True):
        spread_points(person, directive, operator_a, total)
    leader = make_leader(django_user_model, unit_a)
    assert promotion_list(2026, unit_a).suggested_excellent == 2

    actions.record_quota_approval(leader, unit_a, year=2026, document_number="椒组通〔2026〕8号")
    result = promotion_list(2026, unit_a)

    assert result.approval is not None
    assert result.excellent_places == 3
    assert result.suggested_excellent == 3


def test_seed_formula_reproduced_from_duties_tables(django_user_model, unit_a, operator_a,
                                                    directive, time_machine):
    from django.core.management import call_command

    leader = make_leader(django_user_model, unit_a)
    cadre = make_person(operator_a, unit_a)
    on_time = [make_task(operator_a, directive, f"T{n}", deadline=datetime.date(2026, 3, 20),
                         responsible_person=cadre) for n in range(3)]
    late = make_task(operator_a, directive, "L", deadline=datetime.date(2026, 2, 10),
                     responsible_person=cadre)
    open_overdue = make_task(operator_a, directive, "O", deadline=datetime.date(2026, 3, 1),
                             responsible_person=cadre)
    make_task(operator_a, directive, "F", deadline=datetime.date(2026, 6, 1),
              responsible_person=cadre)
    for task in on_time:
        complete(operator_a, leader, task, datetime.date(2026, 3, 12))
    complete(operator_a, leader, late, datetime.date(2026, 3, 13))
    actions.reverse_entry(leader, post("task_on_time", cadre, on_time[0]), reason="冲销")
    exemption = actions.request_exemption(
        operator_a, post("task_overdue", cadre, late), reason="按程序决策",
        followed_procedure=True, private_gain=False, prohibited_by_superior=False)
    actions.decide_exemption(leader, exemption, approve=True)

    time_machine.move_to(datetime.datetime(2026, 4, 2, 9, tzinfo=NOW.tzinfo), tick=False)
    call_command("post_points", "--quarter", "2026Q1", verbosity=0)

    expected = 10 * 3 - 5 * 2
    assert formula_points(cadre, Q1.end) == expected
    assert ledger_task_points(cadre, Q1.end) == expected
    assert sum(cadre.point_entries.values_list("points", flat=True)) == expected - 10 + 5
    assert open_overdue.pk in [e.cause_id for e in cadre.point_entries.filter(
        rule_code="task_overdue")]
