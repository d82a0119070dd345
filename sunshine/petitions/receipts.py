"""Reports that have their receipt but no petition yet: what the reporter is shown of them.

See ``sunshine.petitions.deferred_intake``. A waiting report
shows its reporter the deadlines that registration will start. A report
refused at registration shows the reason instead.
"""

import datetime
import json
import time

from django.utils import timezone, translation

from sunshine.lib import crypto
from sunshine.organisation.models import Region
from sunshine.petitions.actions.intake import intake_deadlines
from sunshine.petitions.models import Petition, ReceivedReport
from sunshine.petitions.views import presenting

# Receipt deadlines are kept per process for this long, then computed again.
DEADLINE_SECONDS = 60


def payload_context(code: str) -> str:
    """Return the encryption context of a received report's payload."""
    return f"received-report:{code}"


def read_payload(received: ReceivedReport) -> dict[str, str]:
    """Return the form data of a waiting report."""
    return json.loads(crypto.decrypt(received.payload,
                                     context=payload_context(received.tracking_code)))


_deadlines: dict[tuple, list[presenting.DeadlineRow]] = {}


def receipt_deadlines(kind: str, region_id: str, *, real_name: bool,
                      received_on: datetime.date) -> list[presenting.DeadlineRow]:
    """Return the reporter's deadlines that registration will start for such a report.

    They depend on the kind, the region's settings and the day, so each
    process keeps them for ``DEADLINE_SECONDS`` per language.
    NOTE: these are the deadlines before routing. Once the registrar
    assigns the report, the unit's own acceptance deadline replaces the
    transfer deadline, so the tracking page may then list other dates.
    """
    key = (kind, region_id, real_name, received_on, translation.get_language(),
           int(time.monotonic() // DEADLINE_SECONDS))
    found = _deadlines.get(key)
    if found is None:
        if len(_deadlines) > 1000:
            _deadlines.clear()
        found = _deadlines[key] = presenting.public_deadlines(waiting_petition(
            kind, region_id, real_name=real_name, received_on=received_on))
    return found


def received_deadlines(received: ReceivedReport) -> list[presenting.DeadlineRow]:
    """Return the deadlines of a waiting report, as its receipt gave them."""
    data = read_payload(received)
    return receipt_deadlines(received.kind, received.region_id,
                             real_name=data["identity"] == "named",
                             received_on=timezone.localdate(received.received_at))


def waiting_petition(kind: str, region_id: str, *, real_name: bool,
                     received_on: datetime.date) -> Petition:
    """Return an unsaved petition with the deadlines its registration will start."""
    petition = Petition(kind=kind, region=Region.objects.get(pk=region_id),
                        received_on=received_on, is_anonymous=not real_name)
    if real_name:
        # Only whether a name and phone are given matters here; the values are placeholders.
        petition.reporter_name_encrypted = petition.reporter_phone_encrypted = "-"
    found = intake_deadlines(petition)
    for field, deadline in found.items():
        setattr(petition, field, deadline.due)
    petition.due_rule = found["due_on"].rule
    return petition
