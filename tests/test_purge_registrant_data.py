"""Supervision day registrants' names and phones deleted once the retention period has passed.

``township_operator`` plans a day for 海门街道 (331002001, county 331002)
on Mon 16 Mar 2026, and two citizens register for it. The default period
is 90 days after the day, so the data may be deleted from 15 Jun 2026 on.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from sunshine.audit.actions import WITHHELD
from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.petitions import supervision_days
from sunshine.petitions.models_ops import SupervisionRegistration
from sunshine.petitions.retention import REGISTRANT_RETENTION_DAYS, purge_registrations
from sunshine.rules.models import Setting
from tests.conftest import region
from tests.petition_ops_data import TOWNSHIP, at

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2026, 3, 16)
FIRST_PURGE_DAY = D(2026, 6, 15)
FIELDS = ["name_encrypted", "phone_encrypted", "phone_hash"]


@pytest.fixture
def registrations(time_machine, township_operator, township_unit):
    time_machine.move_to(at(2026, 3, 2, 8), tick=False)
    day = supervision_days.plan_day(
        township_operator, region=region(TOWNSHIP), unit=township_unit, date=DAY,
        starts_at=datetime.time(9), ends_at=datetime.time(11, 30), place="海门街道信访接待室",
        officials="王明 街道党工委书记", capacity=5)
    found = [
        supervision_days.register_for_day(day, name="赵敏", phone="13800000001", topic="村道破损"),
        supervision_days.register_for_day(day, name="钱多", phone="13800000002", topic="低保补贴"),
    ]
    time_machine.move_to(at(2026, 6, 20, 8), tick=False)
    return found


def reload(registration: SupervisionRegistration) -> SupervisionRegistration:
    return SupervisionRegistration.objects.get(pk=registration.pk)


def test_purge_clears_registrants_after_retention(registrations):
    report = purge_registrations(FIRST_PURGE_DAY)

    assert report.purged == [r.pk for r in registrations]
    for before in registrations:
        after = reload(before)
        for name in FIELDS:
            assert getattr(after, name) == "", name
        assert after.reference == before.reference
        assert after.topic == before.topic
        assert after.version == before.version + 1
        assert after.identity_purged is True
        assert after.decrypt_identity() == {"name": "", "phone": ""}
    assert verify() == []


def test_purge_waits_for_the_retention_period(registrations):
    report = purge_registrations(FIRST_PURGE_DAY - datetime.timedelta(days=1))

    assert report.purged == []
    assert reload(registrations[0]).identity_purged is False


def test_purge_writes_one_audit_entry(registrations):
    report = purge_registrations(FIRST_PURGE_DAY)

    entry = AuditEntry.objects.get(action="purge_registrant_data")
    assert report.entries == [entry.pk]
    assert entry.object_type == "petitions.supervisionregistration"
    assert entry.changes["registrations"] == [r.pk for r in registrations]
    assert entry.changes["setting"] == REGISTRANT_RETENTION_DAYS
    assert entry.row_count == 2
    assert all(reload(r).audit_entry_id == entry.pk for r in registrations)


def test_purge_is_idempotent(registrations):
    purge_registrations(FIRST_PURGE_DAY)
    entries = AuditEntry.objects.count()

    again = purge_registrations(FIRST_PURGE_DAY + datetime.timedelta(days=30))

    assert again.purged == []
    assert again.entries == []
    assert AuditEntry.objects.count() == entries
    assert verify() == []


def test_dry_run_changes_nothing(registrations):
    entries = AuditEntry.objects.count()

    report = purge_registrations(FIRST_PURGE_DAY, dry_run=True)

    assert report.purged == [r.pk for r in registrations]
    assert reload(registrations[0]).identity_purged is False
    assert AuditEntry.objects.count() == entries


def test_county_period_in_force_on_the_day(registrations):
    Setting.objects.create(key=REGISTRANT_RETENTION_DAYS, value=30, county=region("331002"),
                           effective_from=D(2026, 1, 1))
    # A longer period that starts after the day does not apply to it.
    Setting.objects.create(key=REGISTRANT_RETENTION_DAYS, value=365, county=region("331002"),
                           effective_from=D(2026, 4, 1))

    early = purge_registrations(D(2026, 4, 15))
    due = purge_registrations(D(2026, 4, 16))

    assert early.purged == []
    assert due.purged == [r.pk for r in registrations]


def test_audit_entries_withhold_registrant_identity(registrations):
    created = AuditEntry.objects.get(action="create", object_type="petitions.supervisionregistration",
                                     object_id=str(registrations[0].pk))

    for name in FIELDS:
        assert created.changes[name] == WITHHELD, name


def test_purged_registrants_page_shows_marker(client, registrations, township_operator):
    purge_registrations(FIRST_PURGE_DAY)
    client.force_login(township_operator)

    response = client.post(reverse("supervision:staff_day_registrants",
                                   args=[registrations[0].day_id]),
                           HTTP_ACCEPT_LANGUAGE="zh-hans")

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("保存期满，已删除") == 2
    assert registrations[0].reference in body
    assert "村道破损" in body


def test_command_purges_registrations_and_audit_verifies(registrations):
    out = StringIO()

    call_command("purge_reporter_data", "--today", "2026-06-15", "--verbosity", "2", stdout=out)
    call_command("purge_reporter_data", "--today", "2026-06-16", stdout=out)

    text = out.getvalue()
    assert "已删除 2 条监督日登记的姓名和电话。" in text
    assert "已删除 0 条监督日登记的姓名和电话。" in text
    assert f"登记编号：{registrations[0].pk}, {registrations[1].pk}" in text
    assert all(reload(r).identity_purged for r in registrations)
    verified = StringIO()
    call_command("verify_audit", stdout=verified)
    assert "审计链完整" in verified.getvalue()


def test_command_dry_run_keeps_registrations(registrations):
    out = StringIO()

    call_command("purge_reporter_data", "--dry-run", "--today", "2026-06-15", stdout=out)

    assert "将删除 2 条监督日登记的姓名和电话。" in out.getvalue()
    assert reload(registrations[0]).identity_purged is False


def test_command_rejects_future_today(registrations):
    # Time is frozen at 2026-06-20. A later day would reach registrants still within
    # their period, such as those booked for a day to come.
    with pytest.raises(CommandError) as caught:
        call_command("purge_reporter_data", "--today", "2031-01-01", stdout=StringIO())

    assert "2031-01-01" in str(caught.value)
    assert "2026-06-20" in str(caught.value)
    assert not any(reload(r).identity_purged for r in registrations)
    assert not AuditEntry.objects.filter(action="purge_registrant_data").exists()


def test_future_dry_run_keeps_registrations(registrations):
    out = StringIO()

    call_command("purge_reporter_data", "--dry-run", "--today", "2031-01-01", stdout=out)

    assert "将删除 2 条监督日登记的姓名和电话。" in out.getvalue()
    assert not any(reload(r).identity_purged for r in registrations)
