"""Deferred registration of citizen reports: the receipt at once, registration right after.

Registering a report checks it against earlier ones, routes it, writes its
events under an audit entry and announces it: about 10 ms of CPU. Under a
burst of reports that work limits how many reporters get a response. With
``settings.PETITIONS_DEFERRED_REGISTRATION`` on, ``ReceiptApplication``
responds to ``POST /api/v1/reports/`` before Django builds a request when the
body is plainly valid: it takes a share of the address's allowance, stores
the report encrypted as a ``ReceivedReport`` in one statement and returns
the receipt (tracking code, secret, the deadlines that receipt starts).
The registrar (``sunshine register_reports --follow``, a process of its
own) then registers each waiting report with the same code and secret,
oldest first, running the report form and the registration exactly as
the synchronous path does. A report that fails there, such as a matter
closed after re-review, is marked not accepted, and the tracking page shows
the reason.

Everything else goes down the full stack, which registers at once and
answers errors with their messages: a body that names a unit, an official
or a project (finding officials by name needs the database), coordinates,
anything the checks here do not plainly accept, an API token, an address
over its allowance, and the first report of each process (whose response
headers this module learns, as ``status_reads`` does for status reads).
"""

import datetime
import functools
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import QueryDict
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation

from sunshine.lib import crypto
from sunshine.lib.client_address import client_ip
from sunshine.lib.text_input import is_blank
from sunshine.petitions import api, intake_tables, receipts, status_reads, tracking
from sunshine.petitions.forms import ReportForm, normalize_cn_phone
from sunshine.petitions.models import Channel, Kind, Petition, ReceivedReport, State
from sunshine.petitions.views.access import IntakeLimited, intake_allowance
from sunshine.petitions.views.submission import submit

logger = logging.getLogger(__name__)

RECEIPT_PATH = "/api/v1/reports/"
# Form fields that must be empty for the receipt to come first: finding the unit, the
# officials or the project needs the database, and their errors need the full form.
TARGET_FIELDS = ("target_unit", "person_name", "project_code", "latitude", "longitude")
# Form fields checked here with the report form's own field objects.
PLAIN_FIELDS = ("kind", "title", "text", "location_text", "identity", "reporter_name",
                "reporter_phone")
Outcome = ReceivedReport.Outcome


@dataclass(frozen=True)
class PlainReport:
    """A report the checks here accept: its form data and what the receipt needs."""

    data: dict[str, str]
    kind: str
    category_id: int
    region_id: str
    real_name: bool


# The body fields that are text; the others are "anonymous" (true, false or null) and
# "target_unit", which must be absent for a receipt first (TARGET_FIELDS).
_TEXT_FIELDS = frozenset(api.CitizenReportIn.model_fields) - {"anonymous", "target_unit"}


def _plain_types(body: Any) -> bool:
    """Return whether the body is an object with only text fields and "anonymous".

    Types are checked here instead of by ``api.CitizenReportIn``'s
    validation, which costs more than all the other checks together. A body
    this rejects goes down the full stack, whose schema names the error.
    """
    if not isinstance(body, dict):
        return False
    for name, value in body.items():
        if name == "anonymous":
            if value is not None and not isinstance(value, bool):
                return False
        elif name not in _TEXT_FIELDS or not isinstance(value, str):
            return False
    return True


def check(body: Any) -> PlainReport | None:
    """Return the report when the body is plainly valid without targets, else None.

    None sends the request down the full stack, which files the report or
    returns its errors. What this accepts, the report form accepts too, and
    the registrar runs the form again all the same.
    """
    if not _plain_types(body):
        return None
    report = api.CitizenReportIn.model_construct(**body)
    if api.identity_conflict(report) is not None:
        return None
    data = api.form_fields(report)
    if not all(is_blank(data[name]) for name in TARGET_FIELDS):
        return None
    fields = ReportForm.base_fields
    try:
        cleaned = {name: fields[name].clean(data[name]) for name in PLAIN_FIELDS}
        phone = cleaned["reporter_phone"].strip()
        cleaned["reporter_phone"] = normalize_cn_phone(phone) if phone else ""
    except ValidationError:
        return None
    category = intake_tables.categories.get().get(data["category"])
    region_id = data["region"]
    if category is None or region_id not in intake_tables.regions.get():
        return None
    kind = cleaned["kind"]
    if category[1] == Kind.ACCUSATION and kind != Kind.ACCUSATION:
        return None
    named = cleaned["identity"] == "named"
    if named and not (cleaned["reporter_name"].strip() and cleaned["reporter_phone"]):
        return None
    return PlainReport(data=data, kind=kind, category_id=category[0], region_id=region_id,
                       real_name=named)


_INSERT = """
INSERT INTO {received} (tracking_code, secret_hash, received_at, language, outcome, payload,
                        refusal, kind, category_id, region_id)
SELECT %s, %s, %s, %s, %s, %s, '', %s, %s, %s
WHERE NOT EXISTS (SELECT 1 FROM {petition} WHERE tracking_code = %s)
ON CONFLICT (tracking_code) DO NOTHING
RETURNING id
"""


def store(report: PlainReport, *, language: str,
          received_at: datetime.datetime) -> tuple[str, str]:
    """Store a checked report as waiting; return its tracking code and secret.

    One statement, committed on its own. A code that a petition or another
    received report already has is drawn again.
    """
    sql = _INSERT.format(received=ReceivedReport._meta.db_table,
                         petition=Petition._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(received_at)
    while True:
        code, secret = tracking.random_text(tracking.CODE_LENGTH), tracking.new_secret()
        payload = crypto.encrypt(json.dumps(report.data, ensure_ascii=False),
                                 context=receipts.payload_context(code))
        with connection.cursor() as cursor:
            cursor.execute(sql, [code, tracking.secret_hash(code, secret), at, language,
                                 Outcome.WAITING, payload, report.kind, report.category_id,
                                 report.region_id, code])
            if cursor.fetchone() is not None:
                return code, secret


def receipt_body(code: str, secret: str, report: PlainReport, *, received_on: datetime.date,
                 tracking_url: str) -> bytes:
    """Return the JSON receipt, in the form ``api.ReceiptOut`` documents."""
    rows = receipts.receipt_deadlines(report.kind, report.region_id, real_name=report.real_name,
                                      received_on=received_on)
    data = {
        "tracking_code": code, "secret": secret, "state": State.RECEIVED,
        "state_label": str(State.RECEIVED.label), "received_on": received_on.isoformat(),
        "deadlines": api.deadline_items(rows),
        "tracking_url": tracking_url,
    }
    return json.dumps(data, ensure_ascii=False, default=datetime.date.isoformat).encode()


def _is_plain_submission(environ: dict[str, Any]) -> bool:
    return (environ.get("REQUEST_METHOD") == "POST"
            and environ.get("CONTENT_TYPE", "").split(";")[0].strip() == "application/json"
            and "HTTP_AUTHORIZATION" not in environ and not environ.get("QUERY_STRING")
            and status_reads.allowed_host(environ) and status_reads.needs_no_redirect(environ))


def _read_body(environ: dict[str, Any]) -> bytes | None:
    """Read the request body and put it back for the full stack; None if it is too large."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return None
    raw = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(raw)
    return raw


def _tracking_url(environ: dict[str, Any]) -> str:
    scheme = "https" if status_reads.is_secure(environ) else "http"
    host = status_reads.request_host(environ)
    return f"{scheme}://{host}{_track_path(get_script_prefix())}"


@functools.lru_cache(maxsize=8)
def _track_path(prefix: str) -> str:
    """Return the tracking page's path under the script prefix, which ``reverse`` reads."""
    return reverse("petitions:track")


class ReceiptApplication:
    """WSGI wrapper that responds to a plainly valid report with its receipt before Django."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        answer = None
        if (environ.get("PATH_INFO") == RECEIPT_PATH
                and settings.PETITIONS_DEFERRED_REGISTRATION
                and status_reads.receipt_headers is not None and _is_plain_submission(environ)):
            answer = self.receive(environ)
        if answer is None:
            return self.application(environ, start_response)
        body, language = answer
        start_response("201 Created", [*(status_reads.receipt_headers or ()),
                                        ("Content-Length", str(len(body))),
                                        ("Content-Language", language)])
        return [body]

    def receive(self, environ: dict[str, Any]) -> tuple[bytes, str] | None:
        raw = _read_body(environ)
        if raw is None:
            return None
        try:
            body = json.loads(raw)
        except ValueError:
            return None
        report = check(body)
        if report is None:
            return None
        # Read for the language and the client address as the request would be.
        reader: Any = status_reads.EnvironRequest(environ)
        language = translation.get_language_from_request(reader)
        received_at = timezone.now()
        try:
            with intake_allowance(client_ip(reader)) as keep:
                code, secret = store(report, language=language, received_at=received_at)
                keep()
        except IntakeLimited:
            return None  # the full stack answers 429 with the time to retry
        with translation.override(language):
            body_bytes = receipt_body(code, secret, report,
                                      received_on=timezone.localdate(received_at),
                                      tracking_url=_tracking_url(environ))
        logger.info("report received for deferred registration: kind %s", report.kind)
        return body_bytes, language


# The registrar


def intake_is_busy(*, quiet: float, max_wait: float) -> bool:
    """Return whether the registrar should wait because reports are arriving now.

    Reports are arriving when the newest one came less than ``quiet``
    seconds ago. The registrar waits then, so that a burst of reports is
    answered first, but never once the oldest waiting report has waited
    ``max_wait`` seconds.
    """
    now = timezone.now()
    newest = ReceivedReport.objects.order_by("-id").values_list("received_at", flat=True).first()
    if newest is None or (now - newest).total_seconds() >= quiet:
        return False
    oldest = (ReceivedReport.objects.filter(outcome=Outcome.WAITING).order_by("id")
              .values_list("received_at", flat=True).first())
    return oldest is not None and (now - oldest).total_seconds() < max_wait


# Seconds before this process tries again a report that failed to register.
RETRY_SECONDS = 300
# Reports that failed in this process, with the monotonic time of their next try.
_failed_until: dict[int, float] = {}


def register_waiting(*, limit: int = 100) -> int:
    """Register up to ``limit`` waiting reports, oldest first; return how many were decided.

    A report that fails to register, such as one whose key was removed,
    stays waiting and is tried again after ``RETRY_SECONDS``. Later reports
    pass it meanwhile.
    """
    now = time.monotonic()
    for pk, retry_at in list(_failed_until.items()):
        if retry_at <= now:
            del _failed_until[pk]
    waiting = list(ReceivedReport.objects.filter(outcome=Outcome.WAITING)
                   .exclude(pk__in=list(_failed_until)).order_by("id")
                   .values_list("id", flat=True)[:limit])
    decided = 0
    for pk in waiting:
        try:
            decided += register_one(pk)
        except Exception:
            _failed_until[pk] = now + RETRY_SECONDS
            logger.exception("received report %s could not be registered; it still waits and "
                             "is tried again in %s s", pk, RETRY_SECONDS)
    return decided


def register_one(pk: int) -> bool:
    """Register or refuse one waiting report; return False if another registrar took it."""
    with transaction.atomic():
        # The update takes the row (PostgreSQL) or the database (SQLite) for this
        # transaction first, so a second registrar waits and then finds it decided.
        if not ReceivedReport.objects.filter(pk=pk, outcome=Outcome.WAITING).update(
                outcome=Outcome.WAITING):
            return False
        received = ReceivedReport.objects.get(pk=pk)
        data = receipts.read_payload(received)
        with translation.override(received.language):
            refusal, petition = _register(received, data)
        received.outcome = Outcome.REFUSED if refusal else Outcome.REGISTERED
        received.refusal, received.petition, received.payload = refusal, petition, ""
        received.save(update_fields=["outcome", "refusal", "petition", "payload"])
    tracking.forget_status(received.tracking_code)
    logger.info("received report %s %s", received.pk, received.outcome)
    return True


def _register(received: ReceivedReport, data: dict[str, str]) -> tuple[str, Petition | None]:
    """Register the report as the full path would; return the refusal or the petition."""
    form_data = QueryDict(mutable=True)
    form_data.update(data)
    form = ReportForm(form_data)
    if not form.is_valid():
        return api.invalid_report(form)["detail"], None
    arguments = form.register_arguments()
    arguments["received_on"] = timezone.localdate(received.received_at)
    arguments["receipt"] = (received.tracking_code, received.secret_hash)
    try:
        sent = submit(None, arguments=arguments, channel=Channel.WEB)
    except ValidationError as error:
        return " ".join(error.messages), None
    return "", sent.petition
