"""The post_points command at quarter close, and points for petitions rated satisfied.

``township_operator`` handles requests of 海门街道 and is the person 孙七, so a
satisfied rating of an answer to such a request earns them points.
"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from sunshine.merit.models import PointEntry
from sunshine.petitions import actions as petition_actions
from sunshine.petitions.models import Outcome
from tests.merit_data import NOW, make_directive, make_person, make_task
from tests.petition_ops_data import at, make_category, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre(operator_a, unit_a):
    return make_person(operator_a, unit_a)


@pytest.fixture
def quarter_tasks(time_machine, operator_a, unit_a, cadre):
    time_machine.move_to(NOW, tick=False)
    directive = make_directive(operator_a, unit_a)
    return {
        "overdue": make_task(operator_a, directive, "1", deadline=datetime.date(2026, 3, 5),
                             responsible_person=cadre),
        "due_at_close": make_task(operator_a, directive, "2",
                                  deadline=datetime.date(2026, 3, 31), responsible_person=cadre),
        "not_due": make_task(operator_a, directive, "3", deadline=datetime.date(2026, 5, 5),
                             responsible_person=cadre),
        "nobody": make_task(operator_a, directive, "4", deadline=datetime.date(2026, 3, 5)),
    }


def test_it_posts_overdue_penalties_at_close(time_machine, cadre, quarter_tasks, capsys):
    time_machine.move_to(at(2026, 4, 1), tick=False)

    call_command("post_points", "--quarter", "2026Q1")

    entries = PointEntry.objects.filter(person=cadre, rule_code="task_overdue")
    assert sorted(e.cause_id for e in entries) == sorted(
        [quarter_tasks["overdue"].pk, quarter_tasks["due_at_close"].pk])
    assert {e.period for e in entries} == {"2026Q1"}
    assert "2026Q1：记入任务积分流水 2 条" in capsys.readouterr().out


def test_it_is_safe_to_rerun(time_machine, cadre, quarter_tasks, capsys):
    time_machine.move_to(at(2026, 4, 1), tick=False)
    call_command("post_points", "--quarter", "2026Q1")

    call_command("post_points", "--quarter", "2026Q1")

    assert PointEntry.objects.filter(person=cadre).count() == 2
    assert "记入任务积分流水 0 条" in capsys.readouterr().out.splitlines()[-1]


def test_it_posts_only_the_quarter_given(time_machine, cadre, quarter_tasks, capsys):
    time_machine.move_to(at(2026, 7, 1), tick=False)

    call_command("post_points", "--quarter", "2026Q2")

    entries = PointEntry.objects.filter(person=cadre)
    assert [e.cause_id for e in entries] == [quarter_tasks["not_due"].pk]
    assert {e.period for e in entries} == {"2026Q2"}
    assert "2026Q2：记入任务积分流水 1 条" in capsys.readouterr().out


def test_earlier_quarter_posts_when_run_for_it(time_machine, cadre, quarter_tasks):
    time_machine.move_to(at(2026, 7, 1), tick=False)
    call_command("post_points", "--quarter", "2026Q2", stdout=io.StringIO())

    call_command("post_points", "--quarter", "2026Q1", stdout=io.StringIO())

    periods = sorted(PointEntry.objects.filter(person=cadre).values_list("period", flat=True))
    assert periods == ["2026Q1", "2026Q1", "2026Q2"]


def test_it_prints_in_the_site_language(time_machine, quarter_tasks):
    time_machine.move_to(at(2026, 4, 1), tick=False)
    out = io.StringIO()

    with translation.override("en"):
        call_command("post_points", "--quarter", "2026Q1", stdout=out)

    assert "仅限本季度发生的事项" in out.getvalue()


def test_it_rejects_an_open_quarter(time_machine, quarter_tasks):
    time_machine.move_to(NOW, tick=False)

    with pytest.raises(CommandError) as caught:
        call_command("post_points", "--quarter", "2026Q1")

    assert "2026-03-31" in str(caught.value)
    assert "2026-04-01 或之后" in str(caught.value)


def test_it_rejects_a_year_out_of_range(time_machine):
    time_machine.move_to(NOW, tick=False)

    with pytest.raises(CommandError, match="0001Q1"):
        call_command("post_points", "--quarter", "0001Q1")


def test_it_rejects_a_bad_quarter(time_machine):
    time_machine.move_to(NOW, tick=False)

    with pytest.raises(CommandError) as caught:
        call_command("post_points", "--quarter", "2026Q5")

    assert "“2026Q5”不是季度" in str(caught.value)


@pytest.fixture
def answered(time_machine, operator_a, township_operator, township_unit):
    time_machine.move_to(at(2026, 2, 24), tick=False)
    person = make_person(township_operator, township_unit, name="孙七")
    petition = petition_actions.assign(None, register(operator_a, make_category()),
                                       township_unit, handler=township_operator)
    petition = petition_actions.accept(township_operator, petition, notice="已受理")
    time_machine.move_to(at(2026, 3, 2), tick=False)
    answer = petition_actions.reply(township_operator, petition, text="已修复。",
                                    outcome=Outcome.SUPPORT)
    return person, petition, answer


def test_satisfied_rating_posts_petition_points(answered):
    person, petition, answer = answered

    petition_actions.rate(petition, answer, score=5)

    entry = PointEntry.objects.get(person=person)
    assert entry.rule_code == "petition_satisfied"
    assert entry.points == 5
    assert entry.cause == petition
    assert entry.occurred_on == datetime.date(2026, 3, 2)


def test_dissatisfied_rating_posts_nothing(answered):
    person, petition, answer = answered

    petition_actions.rate(petition, answer, rating="dissatisfied")

    assert not PointEntry.objects.filter(person=person).exists()
