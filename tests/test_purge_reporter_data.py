"""The purge_reporter_data command: reporter data deleted once the retention period has passed."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from sunshine.audit.actions import create_row, update_row
from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.lib import crypto
from sunshine.petitions.models import Petition, State
from sunshine.petitions.models_ops import RewardReporter
from sunshine.petitions.retention import purge
from sunshine.rules.models import Setting
from tests.conftest import region
from tests.petition_web_data import NOW, PHONE, make_categories, register

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)
SHANGHAI = NOW.tzinfo


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def categories(db):
    return make_categories()


def named(categories, phone: str = PHONE, **extra) -> Petition:
    petition, _secret = register(categories["roads"], is_anonymous=False, reporter_name="王小明",
                                 reporter_phone=phone, **extra)
    return petition


def close(petition: Petition, on: datetime.date, **extra) -> Petition:
    closed_at = datetime.datetime.combine(on, datetime.time(15), tzinfo=SHANGHAI)
    changes = {"state": State.CLOSED, "closed_at": closed_at, "due_on": None, "notice_due": None,
               "assign_due": None, "handle_due": None, "warning_on": None, **extra}
    with transaction.atomic():
        return update_row(None, petition, changes, expected_version=None)


def reload(petition: Petition) -> Petition:
    return Petition.all_objects.get(pk=petition.pk)


def set_county_years(code: str, years: int, effective_from: datetime.date) -> None:
    Setting.objects.create(key="petitions.reporter_data_retention_years", value=years,
                           county=region(code), effective_from=effective_from)


def test_purge_clears_reporter_of_old_petition(categories):
    petition = close(named(categories), datetime.date(2020, 1, 10))

    report = purge(TODAY)

    after = reload(petition)
    assert report.purged == [petition.pk]
    assert after.reporter_name_encrypted == ""
    assert after.reporter_phone_encrypted == ""
    assert after.reporter_phone_hash == ""
    assert after.text == petition.text
    assert after.state == State.CLOSED
    assert after.reporter_purged is True
    assert after.version == petition.version + 1
    assert verify() == []


def test_purge_records_one_audit_entry(categories):
    first = close(named(categories), datetime.date(2020, 1, 10))
    second = close(named(categories, phone="13900000001"), datetime.date(2019, 5, 1))

    report = purge(TODAY)

    entry = AuditEntry.objects.get(action="purge_reporter_data")
    assert report.entries == [entry.pk]
    assert sorted(entry.changes["petitions"]) == sorted([first.pk, second.pk])
    assert entry.row_count == 2
    assert entry.actor_label == "system"
    assert reload(first).audit_entry_id == entry.pk
    assert first.reporter_name_encrypted not in str(entry.changes)
    assert first.reporter_phone_hash not in str(entry.changes)


def test_purge_keeps_recent_petition(categories):
    petition = close(named(categories), datetime.date(2022, 6, 1))

    report = purge(TODAY)

    assert report.purged == []
    assert reload(petition).reporter_name_encrypted != ""


def test_purge_waits_until_period_has_passed(categories):
    petition = close(named(categories), datetime.date(2021, 3, 2))

    assert purge(TODAY).purged == []
    assert purge(TODAY + datetime.timedelta(days=1)).purged == [petition.pk]


def test_purge_reads_county_setting_on_closure_date(categories):
    set_county_years("331002", 1, datetime.date(2024, 1, 1))
    before_change = close(named(categories), datetime.date(2023, 6, 1))
    after_change = close(named(categories, phone="13900000002"), datetime.date(2024, 6, 1))
    other_county = close(named(categories, phone="13900000003", region=region("331003001")),
                         datetime.date(2024, 6, 1))

    report = purge(TODAY)

    assert report.purged == [after_change.pk]
    assert reload(before_change).reporter_name_encrypted != ""
    assert reload(other_county).reporter_name_encrypted != ""


def test_purge_is_idempotent(categories):
    close(named(categories), datetime.date(2020, 1, 10))
    purge(TODAY)
    entries = AuditEntry.objects.count()

    report = purge(TODAY)

    assert report.purged == []
    assert AuditEntry.objects.count() == entries
    assert verify() == []


def test_dry_run_changes_nothing(categories):
    petition = close(named(categories), datetime.date(2020, 1, 10))
    entries = AuditEntry.objects.count()

    report = purge(TODAY, dry_run=True)

    assert report.purged == [petition.pk]
    assert reload(petition).reporter_phone_hash == crypto.keyed_hash(PHONE)
    assert AuditEntry.objects.count() == entries


def test_purge_ignores_the_past_handling_period(categories):
    petition = close(named(categories), datetime.date(2020, 1, 10),
                     handle_due=datetime.date(2020, 3, 10))

    report = purge(TODAY)

    assert report.purged == [petition.pk]
    assert reload(petition).reporter_phone_hash == ""


def test_purge_skips_petition_with_open_deadline(categories):
    petition = close(named(categories), datetime.date(2020, 1, 10),
                     due_on=datetime.date(2020, 2, 1))

    report = purge(TODAY)

    assert report.skipped == [petition.pk]
    assert report.purged == []
    assert reload(petition).reporter_name_encrypted != ""


def test_purge_leaves_open_and_anonymous_petitions(categories):
    open_petition = named(categories)
    anonymous, _secret = register(categories["roads"])
    close(anonymous, datetime.date(2019, 1, 1))

    report = purge(TODAY)

    assert report.purged == []
    assert reload(open_petition).reporter_name_encrypted != ""
    assert reload(anonymous).reporter_purged is False


def make_reward_reporter(phone: str) -> RewardReporter:
    with transaction.atomic():
        return create_row(None, RewardReporter(number="2020-0001", phone_hash=crypto.keyed_hash(phone),
                                               created_at=NOW))


def test_purge_unlinks_reward_reporter_of_last_petition(categories):
    close(named(categories), datetime.date(2020, 1, 10))
    reporter = make_reward_reporter(PHONE)

    report = purge(TODAY)

    after = RewardReporter.objects.get(pk=reporter.pk)
    assert report.reward_reporters == [reporter.pk]
    assert after.phone_hash.startswith("purged-")
    assert after.number == "2020-0001"
    assert verify() == []


def test_purge_keeps_reward_link_while_phone_in_use(categories):
    close(named(categories), datetime.date(2020, 1, 10))
    named(categories)  # a newer petition by the same reporter, still open
    reporter = make_reward_reporter(PHONE)

    report = purge(TODAY)

    assert report.reward_reporters == []
    assert RewardReporter.objects.get(pk=reporter.pk).phone_hash == crypto.keyed_hash(PHONE)


def test_command_reports_and_verify_audit_passes(categories):
    petition = close(named(categories), datetime.date(2020, 1, 10))
    out = StringIO()

    call_command("purge_reporter_data", "--today", "2026-03-02", "--verbosity", "2", stdout=out)

    text = out.getvalue()
    assert "已删除 1 件信访件的举报人信息。" in text
    assert f"信访件编号：{petition.pk}" in text
    verified = StringIO()
    call_command("verify_audit", stdout=verified)
    assert "审计链完整" in verified.getvalue()


def test_command_dry_run_says_would(categories):
    close(named(categories), datetime.date(2020, 1, 10))
    out = StringIO()

    call_command("purge_reporter_data", "--dry-run", stdout=out)

    assert Petition.all_objects.get().reporter_name_encrypted != ""
    assert "将删除 1 件信访件的举报人信息。" in out.getvalue()


def test_command_rejects_future_today(categories):
    # Closed in 2025: the default five years keep its reporter data until 2030.
    petition = close(named(categories), datetime.date(2025, 1, 10))

    with pytest.raises(CommandError) as caught:
        call_command("purge_reporter_data", "--today", "2031-01-01", stdout=StringIO())

    message = str(caught.value)
    assert "2031-01-01" in message
    assert "2026-03-02" in message
    assert "--dry-run" in message
    assert "未删除任何数据" in message
    assert reload(petition).reporter_name_encrypted != ""
    assert not AuditEntry.objects.filter(action="purge_reporter_data").exists()


def test_command_accepts_today(categories):
    close(named(categories), datetime.date(2020, 1, 10))
    out = StringIO()

    call_command("purge_reporter_data", "--today", "2026-03-02", stdout=out)

    assert "已删除 1 件信访件的举报人信息。" in out.getvalue()


def test_dry_run_accepts_future_today(categories):
    petition = close(named(categories), datetime.date(2025, 1, 10))
    out = StringIO()

    call_command("purge_reporter_data", "--dry-run", "--today", "2031-01-01", stdout=out)

    assert "将删除 1 件信访件的举报人信息。" in out.getvalue()
    assert reload(petition).reporter_name_encrypted != ""


def test_command_rejects_invalid_today():
    with pytest.raises(CommandError, match="2026-13-01"):
        call_command("purge_reporter_data", "--today", "2026-13-01")


def test_audit_entries_omit_reporter_identity(client, township_unit):
    from django.core.cache import cache

    from tests.petition_web_data import TOWNSHIP

    cache.clear()
    make_categories()
    response = client.post("/api/v1/reports/", {
        "kind": "request", "category": "roads", "region": TOWNSHIP, "text": "村口道路塌陷。",
        "anonymous": False, "name": "周九", "phone": "13812345678"},
        content_type="application/json")
    assert response.status_code == 201
    petition = Petition.all_objects.get(tracking_code=response.json()["tracking_code"])

    stored = [str(entry.changes) for entry in AuditEntry.objects.all()]
    for value in (petition.reporter_name_encrypted, petition.reporter_phone_encrypted,
                  petition.reporter_phone_hash):
        assert value
        assert not any(value in text for text in stored)
