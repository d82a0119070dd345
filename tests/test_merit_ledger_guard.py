"""The ledger is append-only in the database: raw UPDATE and DELETE are rejected."""

import pytest
from django.db import DatabaseError, connection, transaction

from sunshine.merit.models import PointEntry
from tests.merit_data import NOW, make_directive, make_person, make_task, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def entry(operator_a, unit_a):
    cadre = make_person(operator_a, unit_a)
    task = make_task(operator_a, make_directive(operator_a, unit_a), "1", responsible_person=cadre)
    return post("task_on_time", cadre, task)


def raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_update_of_points_rejected(entry):
    with pytest.raises(DatabaseError) as error:
        raw("UPDATE merit_pointentry SET points = 99 WHERE id = %s", [entry.pk])

    assert "append-only" in str(error.value)
    assert PointEntry.objects.get(pk=entry.pk).points == 10


def test_raw_update_of_audit_pointer_rejected(entry):
    with pytest.raises(DatabaseError):
        raw("UPDATE merit_pointentry SET audit_entry_id = NULL WHERE id = %s", [entry.pk])

    assert PointEntry.objects.get(pk=entry.pk).audit_entry_id == entry.audit_entry_id


def test_raw_delete_rejected(entry):
    with pytest.raises(DatabaseError) as error:
        raw("DELETE FROM merit_pointentry WHERE id = %s", [entry.pk])

    assert "append-only" in str(error.value)
    assert PointEntry.objects.filter(pk=entry.pk).exists()


def test_orm_save_and_delete_rejected(entry):
    entry.reason = "改一下"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        PointEntry.objects.filter(pk=entry.pk).delete()

    assert PointEntry.objects.get(pk=entry.pk).reason == ""


def test_fresh_row_may_get_its_audit_pointer_once(entry):
    stored = PointEntry.objects.get(pk=entry.pk)

    assert stored.audit_entry_id is not None


@pytest.mark.django_db(transaction=True)
def test_flush_empties_ledger_and_keeps_guard(operator_a, unit_a):
    from django.core.management import call_command

    cadre = make_person(operator_a, unit_a)
    task = make_task(operator_a, make_directive(operator_a, unit_a), "1", responsible_person=cadre)
    post("task_on_time", cadre, task)

    call_command("flush", interactive=False, verbosity=0)
    call_command("load_regions", verbosity=0)
    again = make_person(None, make_unit_again(), name="张三")
    entry = post("task_on_time", again, again)

    assert PointEntry.objects.count() == 1
    with pytest.raises(DatabaseError):
        raw("DELETE FROM merit_pointentry WHERE id = %s", [entry.pk])


def make_unit_again():
    from sunshine.organisation import actions as org_actions
    from tests.conftest import region

    return org_actions.create_unit(None, name="椒江区人民政府", kind="government",
                                   region=region("331002"))
