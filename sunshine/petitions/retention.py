"""Deleting reporters' names and phones once the retention period after closure has passed.

Personal Information Protection Law art. 19: personal information is kept
no longer than its purpose needs. ``petitions.reporter_data_retention_years``
sets the period per county, read for the petition's region on the day it
was closed. The petition itself (text, replies, events, figures) stays;
only the reporter's encrypted name and phone and the keyed hash of the
phone are cleared. A rewarded reporter whose phone hash no longer matches
any petition gets a random hash in its place, so the anonymous number can
no longer be linked to a phone.

Each batch is one audit entry that names the rows and covers their new
digests, with the old digests recorded as superseded, so
``sunshine verify_audit`` still passes. The entry does not repeat the old
ciphertexts.

Audit entries never hold the name, phone or phone hash: ``Petition``
lists them in ``audit_withheld``, so the entries record "(withheld)" and
only the row digests cover the values.

Registrations for a supervision day are purged the same way, by
``purge_registrations``: name, phone and phone hash are cleared once
``supervision.registrant_data_retention_days`` have passed after the day,
read for the day's county as in force on the day. The registration number
and the matter the citizen wanted to raise stay.
"""

import datetime
import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from sunshine.audit import chain
from sunshine.audit.actions import point_rows_at, supersede
from sunshine.petitions.models import FINISHED_STATES, Petition
from sunshine.petitions.models_ops import RewardReporter, SupervisionDay, SupervisionRegistration
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

RETENTION_YEARS = "petitions.reporter_data_retention_years"
REPORTER_FIELDS = ["reporter_name_encrypted", "reporter_phone_encrypted", "reporter_phone_hash"]
# Deadlines that still bind a finished petition. ``handle_due`` is not one: it records the
# handling period, which closing ends, and it stays set on every petition that was handled.
OPEN_DEADLINES = ["due_on", "notice_due", "assign_due"]
BATCH = 500
ACTION = "purge_reporter_data"
REGISTRANT_RETENTION_DAYS = "supervision.registrant_data_retention_days"
REGISTRANT_FIELDS = ["name_encrypted", "phone_encrypted", "phone_hash"]
REGISTRANT_ACTION = "purge_registrant_data"


@dataclass
class PurgeReport:
    """Outcome of one run; ``purged`` and ``skipped`` are lists of petition ids."""

    purged: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    reward_reporters: list[int] = field(default_factory=list)
    entries: list[int] = field(default_factory=list)


def retention_ends(petition: Petition) -> datetime.date:
    """Return the first day on which the petition's reporter data may be deleted."""
    assert petition.closed_at is not None
    closed_on = timezone.localdate(petition.closed_at)
    years = get_setting(RETENTION_YEARS, region=petition.region, on=closed_on)
    return add_years(closed_on, years) + datetime.timedelta(days=1)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)  # 29 February in a common year


def due_petitions(today: datetime.date) -> Iterator[tuple[Petition, bool]]:
    """Yield closed petitions past retention that still hold reporter data.

    The flag is False for a petition that still has an open deadline (a
    closed report that owes the reporter feedback): it is skipped, because
    the reporter must still be reached.
    """
    candidates = (
        Petition.all_objects.filter(state__in=FINISHED_STATES, closed_at__isnull=False)
        .exclude(**dict.fromkeys(REPORTER_FIELDS, ""))
        .select_related("region").order_by("pk")
    )
    for petition in candidates.iterator(chunk_size=BATCH):
        if retention_ends(petition) > today:
            continue
        is_open = any(getattr(petition, name) is not None for name in OPEN_DEADLINES)
        yield petition, not is_open


def purge(today: datetime.date | None = None, *, dry_run: bool = False) -> PurgeReport:
    """Delete the reporter data of every petition past retention; return what was done."""
    today = today or timezone.localdate()
    report = PurgeReport()
    batch: list[int] = []
    for petition, may_purge in due_petitions(today):
        if not may_purge:
            report.skipped.append(petition.pk)
            continue
        batch.append(petition.pk)
        if len(batch) == BATCH:
            _run_batch(batch, report, dry_run)
            batch = []
    if batch:
        _run_batch(batch, report, dry_run)
    return report


def _run_batch(ids: list[int], report: PurgeReport, dry_run: bool) -> None:
    if dry_run:
        report.purged.extend(ids)
        return
    with transaction.atomic():
        petitions = list(Petition.all_objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        phone_hashes = {p.reporter_phone_hash for p in petitions if p.reporter_phone_hash}
        superseded = supersede(petitions)
        for petition in petitions:
            for name in REPORTER_FIELDS:
                setattr(petition, name, "")
            petition.version += 1
        Petition.all_objects.bulk_update(petitions, [*REPORTER_FIELDS, "version"])

        reporters = _unlink_reward_reporters(phone_hashes)
        superseded += reporters[1]
        written = [*petitions, *reporters[0]]
        entry = chain.append(
            None, ACTION, object_type="petitions.petition",
            changes={"petitions": ids, "reward_reporters": [r.pk for r in reporters[0]],
                     "cleared": REPORTER_FIELDS, "setting": RETENTION_YEARS},
            row_digests=[chain.row_digest(row) for row in written],
            superseded=superseded,
        )
        point_rows_at(Petition, ids, entry)
        point_rows_at(RewardReporter, [r.pk for r in reporters[0]], entry)
    report.purged.extend(ids)
    report.reward_reporters.extend(r.pk for r in reporters[0])
    report.entries.append(entry.pk)
    logger.info("reporter data purged from %s petitions, audit entry %s", len(ids), entry.pk)


def _unlink_reward_reporters(phone_hashes: set[str]) -> tuple[list[RewardReporter], list[list]]:
    """Give a random hash to rewarded reporters whose phone hash no petition contains any more.

    Runs after the batch's petitions were cleared, inside the same transaction.
    """
    still_used = set(
        Petition.all_objects.filter(reporter_phone_hash__in=phone_hashes)
        .values_list("reporter_phone_hash", flat=True)
    )
    reporters = list(
        RewardReporter.objects.select_for_update()
        .filter(phone_hash__in=phone_hashes - still_used).order_by("pk")
    )
    superseded = supersede(reporters)
    for reporter in reporters:
        reporter.phone_hash = f"purged-{secrets.token_hex(16)}"
        reporter.version += 1
    RewardReporter.objects.bulk_update(reporters, ["phone_hash", "version"])
    return reporters, superseded


def registration_retention_ends(day: SupervisionDay) -> datetime.date:
    """Return the first day on which the names and phones of the day's registrants may be deleted."""
    days = get_setting(REGISTRANT_RETENTION_DAYS, region=day.region, on=day.date)
    return day.date + datetime.timedelta(days=days + 1)


def due_registrations(today: datetime.date) -> Iterator[int]:
    """Yield the ids of registrations past retention that still contain a name, phone or phone hash."""
    days = (
        SupervisionDay.all_objects.filter(
            date__lt=today,
            registrations__in=SupervisionRegistration.objects.exclude(
                **dict.fromkeys(REGISTRANT_FIELDS, "")),
        )
        .distinct().select_related("region").order_by("date", "pk")
    )
    for day in days.iterator(chunk_size=BATCH):
        if registration_retention_ends(day) > today:
            continue
        yield from (
            SupervisionRegistration.objects.filter(day=day)
            .exclude(**dict.fromkeys(REGISTRANT_FIELDS, ""))
            .order_by("pk").values_list("pk", flat=True)
        )


def purge_registrations(today: datetime.date | None = None, *,
                        dry_run: bool = False) -> PurgeReport:
    """Delete registrants' names and phones of every supervision day past retention.

    ``purged`` lists registration ids; the report has no skipped rows,
    because a day that has passed owes its registrants nothing more.
    """
    today = today or timezone.localdate()
    report = PurgeReport()
    batch: list[int] = []
    for pk in due_registrations(today):
        batch.append(pk)
        if len(batch) == BATCH:
            _purge_registration_batch(batch, report, dry_run)
            batch = []
    if batch:
        _purge_registration_batch(batch, report, dry_run)
    return report


def _purge_registration_batch(ids: list[int], report: PurgeReport, dry_run: bool) -> None:
    if dry_run:
        report.purged.extend(ids)
        return
    with transaction.atomic():
        # A concurrent run may have purged some of the rows since they were listed.
        registrations = list(SupervisionRegistration.objects.select_for_update()
                             .filter(pk__in=ids).exclude(**dict.fromkeys(REGISTRANT_FIELDS, ""))
                             .order_by("pk"))
        if not registrations:
            return
        ids = [registration.pk for registration in registrations]
        superseded = supersede(registrations)
        for registration in registrations:
            for name in REGISTRANT_FIELDS:
                setattr(registration, name, "")
            registration.version += 1
        SupervisionRegistration.objects.bulk_update(registrations, [*REGISTRANT_FIELDS, "version"])
        entry = chain.append(
            None, REGISTRANT_ACTION,
            object_type=chain.object_type_of(SupervisionRegistration),
            changes={"registrations": ids, "cleared": REGISTRANT_FIELDS,
                     "setting": REGISTRANT_RETENTION_DAYS},
            row_digests=[chain.row_digest(row) for row in registrations],
            superseded=superseded,
        )
        point_rows_at(SupervisionRegistration, ids, entry)
    report.purged.extend(ids)
    report.entries.append(entry.pk)
    logger.info("registrant data purged from %s supervision day registrations, audit entry %s",
                len(ids), entry.pk)
