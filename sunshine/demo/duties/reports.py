"""Progress reports of the demo leaves and the evidence photos attached to them.

A leaf's approved reports climb to the progress its outcome gave it; the
last approved one carries the completion date of a finished leaf. Some
finished leaves had a report returned first, and some open leaves have a
report waiting for approval on the calendar's today. Every report is decided before the
quarter lock of its ``as_of`` day takes effect, so the data could have
been entered through the pages.
"""

import datetime
import random
import struct
import zlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from sunshine.demo.duties.outcomes import COMPLETED, LATE, NOT_STARTED
from sunshine.demo.duties.texts import LATE_REASONS, PROGRESS_TEXTS, RETURN_REASONS
from sunshine.demo.duties.trees import PlannedTask
from sunshine.demo.schedule import TaskCalendar, random_day
from sunshine.duties.models import ReportStatus
from sunshine.lib.crypto import sm3_hex

RETURNED_SHARE = 0.15
PENDING_SHARE = 0.35
EVIDENCE_SHARE = 0.1
STEPS = (20, 30, 40, 50, 60, 70, 80, 90)


@dataclass
class PlannedReport:
    percent: int
    as_of: datetime.date
    status: str
    text: str
    previous: Decimal = Decimal("0")
    return_reason: str = ""
    files: int = 0
    # Both moments are set by _set_moments once the report's place in the sequence is known.
    submitted_at: datetime.datetime = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    decided_at: datetime.datetime | None = None
    # Position among the task's reports, which makes evidence file contents distinct.
    key: int = 0


def last_moment(calendar: TaskCalendar) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(calendar.today, datetime.time(20)))


def plan_reports(rng: random.Random, leaf: PlannedTask,
                 calendar: TaskCalendar) -> list[PlannedReport]:
    """Return the reports of one leaf, oldest first, with their moments set."""
    today = calendar.today
    if leaf.start > today:
        return []
    final = int(leaf.progress)
    reports: list[PlannedReport] = []
    if final:
        last_day = leaf.completed_on or min(today, random_day(
            rng, max(leaf.start + datetime.timedelta(days=10), today - datetime.timedelta(days=70)),
            today - datetime.timedelta(days=15)))
        reports = _approved_steps(rng, leaf, final, last_day)
    if leaf.outcome in COMPLETED and rng.random() < RETURNED_SHARE:
        returned = PlannedReport(100, reports[-1].as_of, ReportStatus.RETURNED, PROGRESS_TEXTS[3],
                                 return_reason=rng.choice(RETURN_REASONS))
        reports.insert(len(reports) - 1, returned)
    if leaf.outcome not in COMPLETED and rng.random() < PENDING_SHARE:
        reports.append(_pending(rng, leaf, final, reports, today))
    _set_previous(reports)
    _set_moments(rng, reports, last_moment(calendar))
    for key, report in enumerate(reports, start=1):
        report.key = key
    return reports


def _approved_steps(rng: random.Random, leaf: PlannedTask, final: int,
                    last_day: datetime.date) -> list[PlannedReport]:
    lower = [step for step in STEPS if step < final]
    steps = sorted(rng.sample(lower, min(len(lower), rng.randint(0, 1)))) + [final]
    first_day = min(leaf.start + datetime.timedelta(days=5), last_day)
    days = sorted(random_day(rng, first_day, last_day) for _ in steps[:-1]) + [last_day]
    reports = []
    for percent, day in zip(steps, days, strict=True):
        text = PROGRESS_TEXTS[-1] if percent == 100 else PROGRESS_TEXTS[min(3, percent // 25)]
        if percent == 100 and leaf.outcome == LATE:
            text += rng.choice(LATE_REASONS)
        files = 1 if percent == 100 else int(rng.random() < EVIDENCE_SHARE)
        reports.append(PlannedReport(percent, day, ReportStatus.APPROVED, text, files=files))
    return reports


def _pending(rng: random.Random, leaf: PlannedTask, final: int,
             reports: list[PlannedReport], today: datetime.date) -> PlannedReport:
    after = reports[-1].as_of + datetime.timedelta(days=1) if reports else leaf.start
    day = min(today, random_day(rng, max(after, today - datetime.timedelta(days=14)), today))
    percent = min(100, final + rng.choice((10, 20, 30)))
    text = PROGRESS_TEXTS[0] if leaf.outcome == NOT_STARTED else PROGRESS_TEXTS[2]
    return PlannedReport(percent, day, ReportStatus.SUBMITTED, text, files=1)


def _set_previous(reports: list[PlannedReport]) -> None:
    approved = Decimal("0")
    for report in reports:
        report.previous = approved
        if report.status == ReportStatus.APPROVED:
            approved = Decimal(report.percent)


def _set_moments(rng: random.Random, reports: list[PlannedReport],
                 last: datetime.datetime) -> None:
    """Submit each report within two days of its ``as_of`` and decide it within two more."""
    cursor = None
    for report in reports:
        submitted = timezone.make_aware(datetime.datetime.combine(
            report.as_of + datetime.timedelta(days=rng.randint(0, 2)),
            datetime.time(rng.randint(8, 11), rng.randint(0, 59))))
        if cursor is not None:
            submitted = max(submitted, cursor + datetime.timedelta(minutes=30))
        report.submitted_at = min(submitted, last - datetime.timedelta(hours=2))
        cursor = report.submitted_at
        if report.status != ReportStatus.SUBMITTED:
            decided = report.submitted_at + datetime.timedelta(hours=rng.randint(1, 48))
            report.decided_at = min(decided, last - datetime.timedelta(minutes=30))
            cursor = report.decided_at


def evidence_png(key: str) -> bytes:
    """Return a valid 1×1 PNG whose text chunk carries the digest of ``key``, so files differ."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    key_digest = sm3_hex(key.encode())
    pixels = zlib.compress(b"\x00" + bytes.fromhex(key_digest[:6]))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"tEXt", b"Description\x00Sunshine demo evidence " + key_digest.encode())
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def store_evidence(key: str, original_name: str, uploaded_at: datetime.datetime) -> dict:
    """Write one evidence photo, named by its digest so a rerun reuses it; return its fields."""
    content = evidence_png(key)
    digest = sm3_hex(content)
    name = f"duties/evidence/demo/{digest[:32]}.png"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return {"stored_name": name, "original_name": original_name, "content_type": "image/png",
            "size": len(content), "digest": digest, "uploaded_at": uploaded_at}
