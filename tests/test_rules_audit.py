"""Setting versions are covered by the audit chain and append-only in the database."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.rules.actions import add_setting
from sunshine.rules.models import Setting

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 6)
BEFORE = ("rules", "0001_initial")
AFTER = ("rules", "0002_add_to_audit_chain")


class RolledBack(Exception):
    """Raised to undo a deliberate change once the test has looked at it."""


def raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def drop_guard() -> None:
    """Drop the triggers, as someone with the database owner's rights could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER rules_setting_append_only ON rules_setting")
        else:
            cursor.execute("DROP TRIGGER rules_setting_no_update")
            cursor.execute("DROP TRIGGER rules_setting_no_delete")


@pytest.fixture
def version():
    return add_setting(None, "petitions.intake_max_per_ip", 1000, effective_from=DAY)


def test_added_version_verifies(version):
    assert version.audit_entry.object_type == "rules.setting"
    assert version.audit_entry.row_count == 1
    assert verify() == []


def test_raw_update_rejected(version):
    with pytest.raises(DatabaseError) as error:
        raw("UPDATE rules_setting SET value = '7' WHERE id = %s", [version.pk])

    assert "append-only" in str(error.value)
    assert Setting.objects.get(pk=version.pk).value == 1000


def test_raw_update_of_audit_pointer_rejected(version):
    with pytest.raises(DatabaseError):
        raw("UPDATE rules_setting SET audit_entry_id = NULL WHERE id = %s", [version.pk])

    assert Setting.objects.get(pk=version.pk).audit_entry_id == version.audit_entry_id


def test_raw_delete_rejected(version):
    with pytest.raises(DatabaseError) as error:
        raw("DELETE FROM rules_setting WHERE id = %s", [version.pk])

    assert "append-only" in str(error.value)
    assert Setting.objects.filter(pk=version.pk).exists()


def test_changed_version_fails_verification(version):
    with pytest.raises(RolledBack), transaction.atomic():
        drop_guard()
        Setting.objects.filter(pk=version.pk).update(value=7)
        problems = verify()
        raise RolledBack

    assert [problem.entry_id for problem in problems] == [version.audit_entry_id]


def test_deleted_version_fails_verification(version):
    with pytest.raises(RolledBack), transaction.atomic():
        drop_guard()
        Setting.objects.filter(pk=version.pk).delete()
        problems = verify()
        raise RolledBack

    assert [problem.entry_id for problem in problems] == [version.audit_entry_id]


@pytest.mark.django_db(transaction=True)
def test_migration_covers_existing_rows():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        with connection.cursor() as cursor:
            for value, county in [("30", None), ("40", "331002")]:
                cursor.execute(
                    "INSERT INTO rules_setting (key, value, effective_from, source, created_at,"
                    " county_id) VALUES ('assessment.survey_max_per_ip', %s, %s, '', %s, %s)",
                    [value, DAY, datetime.datetime(2026, 12, 6, 1, tzinfo=datetime.UTC), county],
                )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([AFTER])

    entry = AuditEntry.objects.get(action="enter_chain")
    assert entry.row_count == 2
    assert set(Setting.objects.values_list("audit_entry_id", flat=True)) == {entry.pk}
    assert verify() == []
    with pytest.raises(DatabaseError):
        raw("DELETE FROM rules_setting", [])
