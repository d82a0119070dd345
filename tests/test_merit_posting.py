"""Posting points from task approvals and events: idempotency, caps, versions, petitions."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from sunshine.audit.models import AuditEntry
from sunshine.merit import actions
from sunshine.merit.models import EntryKind, PointEntry, PointRule
from sunshine.merit.posting import post_task_points
from tests.merit_data import NOW, complete, make_directive, make_leader, make_person, make_task
from tests.merit_data import post as post_points

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def cadre(operator_a, unit_a):
    return make_person(operator_a, unit_a)


@pytest.fixture
def directive(operator_a, unit_a):
    return make_directive(operator_a, unit_a)


def test_approval_on_time_posts_task_on_time(operator_a, leader_a, cadre, directive):
    task = make_task(operator_a, directive, "1", deadline=datetime.date(2026, 3, 31),
                     responsible_person=cadre)

    complete(operator_a, leader_a, task, datetime.date(2026, 3, 10))

    entry = PointEntry.objects.get(person=cadre)
    assert entry.rule_code == "task_on_time"
    assert entry.points == 10
    assert entry.kind == EntryKind.POSTING
    assert entry.occurred_on == datetime.date(2026, 3, 10)
    assert entry.period == "2026Q1"
    assert entry.cause == task
    assert entry.cause_label == str(task)
    assert entry.created_by == leader_a
    assert entry.audit_entry is not None


def test_late_completion_posts_task_overdue_on_deadline(operator_a, leader_a, cadre, directive):
    task = make_task(operator_a, directive, "1", deadline=datetime.date(2026, 2, 27),
                     responsible_person=cadre)

    complete(operator_a, leader_a, task, datetime.date(2026, 3, 12))

    entry = PointEntry.objects.get(person=cadre)
    assert entry.rule_code == "task_overdue"
    assert entry.points == -5
    assert entry.occurred_on == datetime.date(2026, 2, 27)


def test_parent_completed_by_last_child_posts_for_both(operator_a, leader_a, cadre, directive,
                                                       unit_a):
    other = make_person(None, unit_a, name="王五")
    parent = make_task(operator_a, directive, "1", responsible_person=other)
    child = make_task(operator_a, directive, "1.1", parent=parent, responsible_person=cadre)

    complete(operator_a, leader_a, child, datetime.date(2026, 3, 10))

    assert PointEntry.objects.get(person=cadre).cause == child
    assert PointEntry.objects.get(person=other).cause == parent


def test_open_task_posts_nothing_on_partial_approval(operator_a, leader_a, cadre, directive):
    from sunshine.duties import actions as duty_actions

    task = make_task(operator_a, directive, "1", deadline=datetime.date(2026, 3, 1),
                     responsible_person=cadre)
    report = duty_actions.submit_report(operator_a, task, percent=50, text="过半")
    duty_actions.approve_report(leader_a, report)

    assert not PointEntry.objects.filter(person=cadre).exists()


def test_posting_twice_yields_one_entry(operator_a, leader_a, cadre, directive):
    task = make_task(operator_a, directive, "1", responsible_person=cadre)
    complete(operator_a, leader_a, task, datetime.date(2026, 3, 10))
    audit_entries = AuditEntry.objects.count()

    again = post_task_points(task)
    direct = post_points("task_on_time", cadre, task)

    assert PointEntry.objects.filter(person=cadre).count() == 1
    assert again.pk == direct.pk == PointEntry.objects.get(person=cadre).pk
    assert AuditEntry.objects.count() == audit_entries


def test_duplicate_posting_rejected_by_database(cadre, directive, operator_a):
    from django.db import IntegrityError, transaction

    task = make_task(operator_a, directive, "1", responsible_person=cadre)
    first = post_points("task_on_time", cadre, task)
    copy = PointEntry(person=cadre, rule=first.rule, rule_code=first.rule_code, points=10,
                      rule_points=10, period="2026Q1", occurred_on=first.occurred_on,
                      cause_type=first.cause_type, cause_id=first.cause_id, cause_label="x",
                      created_at=first.created_at)

    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save(force_insert=True)


def test_cap_reduces_points_and_records_the_cut(cadre, directive, operator_a):
    tasks = [make_task(operator_a, directive, str(n), responsible_person=cadre)
             for n in range(13)]

    entries = [post_points("task_on_time", cadre, task) for task in tasks]

    assert [e.points for e in entries[:10]] == [10] * 10
    assert entries[10].points == 0
    assert entries[10].rule_points == 10
    assert entries[10].capped_points == 10
    assert entries[10].cap == 100
    assert sum(e.points for e in entries) == 100


def test_cap_of_negative_rule_limits_total_deduction(cadre, directive, operator_a):
    tasks = [make_task(operator_a, directive, str(n), responsible_person=cadre)
             for n in range(12)]

    entries = [post_points("task_overdue", cadre, task) for task in tasks]

    assert sum(e.points for e in entries) == -50
    assert entries[-1].points == 0
    assert entries[-1].capped_points == -5


def test_cap_is_per_quarter(cadre, directive, operator_a):
    tasks = [make_task(operator_a, directive, str(n), responsible_person=cadre)
             for n in range(11)]
    for task in tasks[:10]:
        post_points("task_on_time", cadre, task, datetime.date(2026, 1, 20))

    entry = post_points("task_on_time", cadre, tasks[10], datetime.date(2026, 4, 2))

    assert entry.points == 10
    assert entry.period == "2026Q2"


def test_partial_cap_room(cadre, directive, operator_a, unit_a):
    spot = [make_task(operator_a, directive, str(n), responsible_person=cadre) for n in range(4)]
    for task in spot[:2]:
        post_points("spot_check_failed", cadre, task)
    city = PointRule.objects.get(code="spot_check_failed")
    assert city.cap == 30

    third = post_points("spot_check_failed", cadre, spot[2])
    fourth = post_points("spot_check_failed", cadre, spot[3])

    assert third.points == -10
    assert fourth.points == 0


def test_new_rule_version_applies_from_its_date(city_admin, cadre, directive, operator_a,
                                                time_machine):
    old_task = make_task(operator_a, directive, "1", responsible_person=cadre)
    new_task = make_task(operator_a, directive, "2", responsible_person=cadre)
    before = post_points("task_on_time", cadre, old_task, datetime.date(2026, 3, 10))

    version = actions.add_rule_version(city_admin, "task_on_time", points=12, cap=120,
                                       effective_from=datetime.date(2026, 4, 1))
    after = post_points("task_on_time", cadre, new_task, datetime.date(2026, 4, 3))

    assert before.rule.points == 10
    assert PointEntry.objects.get(pk=before.pk).points == 10
    assert after.rule == version
    assert after.points == 12


def test_rule_version_must_not_take_effect_in_the_past(city_admin):
    with pytest.raises(ValidationError) as error:
        actions.add_rule_version(city_admin, "task_on_time", points=12, cap=None,
                                 effective_from=datetime.date(2026, 3, 1))

    assert error.value.code == "effective_too_early"


def test_rule_version_needs_city_administrator(operator_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.add_rule_version(operator_a, "task_on_time", points=12, cap=None,
                                 effective_from=datetime.date(2026, 4, 1))


def test_unknown_rule_is_rejected(cadre, directive, operator_a):
    task = make_task(operator_a, directive, "1", responsible_person=cadre)

    with pytest.raises(ValidationError) as error:
        post_points("no_such_rule", cadre, task)

    assert "no_such_rule" in error.value.messages[0]
