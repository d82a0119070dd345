"""Registering a petition: validation, repeat detection and the deadlines it starts."""

import datetime
import logging
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit.actions import create_row
from sunshine.lib import crypto
from sunshine.petitions import deadlines, tracking
from sunshine.petitions.actions._common import record, required_text, today
from sunshine.petitions.models import (
    FINISHED_STATES,
    EventAction,
    Petition,
)
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

REPEAT_WINDOW_DAYS = "petitions.repeat_window_days"
PHONE_DIGITS = re.compile(r"^\d{7,15}$")


def normalize_phone(value: str) -> str:
    """Return a phone number as digits only, without a leading +86; raise on anything else."""
    text = re.sub(r"[\s\-()（）]", "", value or "")
    if text.startswith("+86"):
        text = text[3:]
    if text and not PHONE_DIGITS.match(text):
        raise ValidationError(
            _("Phone number “%(value)s” is invalid; enter 7 to 15 digits, for example "
              "13812345678 or 0576-88123456.") % {"value": value},
            code="invalid_phone",
        )
    return text


def _same_matter(phone_hash: str, category, region, targets: dict[str, Any]) -> Q:
    """Return the condition for earlier petitions of the same reporter about the same matter.

    The same matter means the same category and the same unit, person and
    project concerned; with none of those named, the same region.
    """
    condition = Q(reporter_phone_hash=phone_hash, category=category)
    for name, value in targets.items():
        condition &= Q(**{f"{name}_id": value.pk if value is not None else None})
    if not any(targets.values()):
        condition &= Q(region=region)
    return condition


def _reject_final_matter(matter: Q) -> None:
    """Reject a matter that was closed after re-review (Petition Work Regulation art. 36 para. 3)."""
    final = Petition.all_objects.filter(matter, is_final=True).order_by("closed_at").first()
    if final is None:
        return
    closed_on = timezone.localdate(final.closed_at) if final.closed_at else final.received_on
    raise ValidationError(
        _("The same matter was closed after re-review on %(date)s. Under the Petition Work "
          "Regulation art. 36 a petition on the same facts and reasons is not accepted again.")
        % {"date": closed_on.isoformat()},
        code="resubmission_refused",
    )


def _earlier_petition(matter: Q, *, region, received_on: datetime.date) -> Petition | None:
    """Return the first petition of a recent or still open petition on the same matter."""
    window = get_setting(REPEAT_WINDOW_DAYS, region=region, on=received_on)
    since = received_on - datetime.timedelta(days=window)
    earlier = (
        Petition.all_objects.filter(matter)
        .filter(Q(received_on__gte=since) | ~Q(state__in=FINISHED_STATES))
        .order_by("received_on", "pk")
        .first()
    )
    if earlier is not None and earlier.repeat_of_id is not None:
        return earlier.repeat_of
    return earlier


def _intake_deadlines(petition: Petition) -> dict[str, deadlines.Deadline]:
    """Compute the deadlines that receipt starts, keyed by the petition field they fill."""
    start, region = petition.received_on, petition.region
    if petition.is_accusation:
        found = {"due_on": deadlines.compute(deadlines.ACCUSATION_ACCEPT, start, region=region)}
        if petition.is_real_name:
            found["notice_due"] = deadlines.compute(deadlines.ACCUSATION_NOTICE, start,
                                                    region=region)
        return found
    return {
        "due_on": deadlines.compute(deadlines.ACCEPT_NOTICE, start, region=region),
        "warning_on": deadlines.compute(deadlines.ACCEPT_WARNING, start, region=region),
        "assign_due": deadlines.compute(deadlines.TRANSFER, start, region=region),
    }


def _check_reporter(is_anonymous: bool, name: str, phone: str) -> None:
    if is_anonymous and (name or phone):
        raise ValidationError(
            _("An anonymous petition must not carry a name or phone number; clear them or "
              "untick “anonymous”."),
            code="anonymous_with_identity",
        )
    if not is_anonymous and not name:
        raise ValidationError(
            _("The reporter's name is missing; enter it or mark the petition as anonymous."),
            code="name_missing",
        )


def _check_received_on(received_on: datetime.date) -> None:
    if received_on > today():
        raise ValidationError(
            _("The date received, %(date)s, is in the future; enter the day the petition "
              "arrived.") % {"date": received_on.isoformat()},
            code="received_in_future",
        )


def register(
    actor: Any,
    *,
    kind: str,
    category,
    channel: str,
    region,
    text: str,
    title: str = "",
    target_unit=None,
    target_person=None,
    target_project=None,
    location_text: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    is_anonymous: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    received_on: datetime.date | None = None,
) -> tuple[Petition, str]:
    """Register a petition from a citizen (``actor`` None) or entered by staff.

    Returns the petition and its tracking secret. The secret is stored
    only as a hash, so the caller must show it to the reporter now.
    Raises ValidationError for invalid input and for a matter closed after
    re-review; links the petition to an earlier one on the same matter.
    """
    text = required_text(text, _("The petition text"))
    name = (reporter_name or "").strip()
    phone = normalize_phone(reporter_phone)
    _check_reporter(is_anonymous, name, phone)
    received_on = received_on or today()
    _check_received_on(received_on)
    targets = {"target_unit": target_unit, "target_person": target_person,
               "target_project": target_project}

    with transaction.atomic():
        earlier = None
        if phone:
            matter = _same_matter(crypto.keyed_hash(phone), category, region, targets)
            _reject_final_matter(matter)
            earlier = _earlier_petition(matter, region=region, received_on=received_on)

        code, secret = tracking.new_code(), tracking.new_secret()
        petition = Petition(
            tracking_code=code, secret_hash=tracking.secret_hash(code, secret), kind=kind,
            category=category, channel=channel, region=region, title=title.strip(), text=text,
            location_text=location_text, latitude=latitude, longitude=longitude,
            is_anonymous=is_anonymous, received_on=received_on, registered_at=timezone.now(),
            repeat_of=earlier, **targets,
        )
        petition.set_reporter(name, phone)
        found = _intake_deadlines(petition)
        for field, deadline in found.items():
            setattr(petition, field, deadline.due)
        petition.due_rule = found["due_on"].rule
        petition.full_clean(exclude=["tracking_code", "secret_hash"])
        create_row(actor, petition)

        record(actor, petition, EventAction.REGISTER, {}, on=received_on,
               deadlines=found.values(), public=True, by_reporter=actor is None)
        if earlier is not None:
            record(actor, petition, EventAction.LINK_REPEAT, {}, on=received_on,
                   reason=earlier.tracking_code)

    logger.info("petition %s registered, kind %s, repeat of %s", petition.pk, kind,
                earlier.pk if earlier else None)
    return petition, secret
