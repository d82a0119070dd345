"""Registering a petition: validation, repeat detection and the deadlines it starts."""

import datetime
import logging
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit.actions import create_rows
from sunshine.lib import crypto
from sunshine.lib.phones import phone_digits
from sunshine.organisation.models import Person
from sunshine.petitions import deadlines, routing, tracking, visibility
from sunshine.petitions.actions._common import new_event, required_text, today
from sunshine.petitions.actions.assignment import no_route_error, receipt_changes
from sunshine.petitions.models import (
    FINISHED_STATES,
    EventAction,
    FurtherTargetPerson,
    Kind,
    Petition,
    PetitionEvent,
)
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)
# The code of the refusal of a matter closed after re-review; the intake views count it.
RESUBMISSION_REFUSED = "resubmission_refused"

REPEAT_WINDOW_DAYS = "petitions.repeat_window_days"
PHONE_DIGITS = re.compile(r"^[0-9]{7,15}$")
RELATED_FIELDS = ["category", "region", "target_unit", "target_person", "target_project",
                  "repeat_of", "assigned_unit", "handler"]


def normalize_phone(value: str) -> str:
    """Return a phone number as ASCII digits only, without +86 or 0086; raise on anything else."""
    text = phone_digits(value)
    if text and not PHONE_DIGITS.match(text):
        raise ValidationError(
            _("Phone number “%(value)s” is invalid; enter 7 to 15 digits, for example "
              "13812345678 or 0576-88123456.") % {"value": value},
            code="invalid_phone",
        )
    return text


def _same_matter(phone_hash: str, kind: str, category, region, targets: dict[str, Any]) -> Q:
    """Return the condition for earlier petitions of the same reporter about the same matter.

    The same matter means the same category and the same unit, person and
    project concerned; with none of those named, the same region. A report
    (检举控告) is compared only with reports, and other kinds only with other
    kinds. Otherwise a link or a refusal would tell the staff handling a
    petition that a report hidden from them exists (``visibility``).
    """
    same_side = Q(kind=Kind.ACCUSATION)
    if kind != Kind.ACCUSATION:
        same_side = ~same_side
    condition = Q(reporter_phone_hash=phone_hash, category=category) & same_side
    for name, value in targets.items():
        condition &= Q(**{f"{name}_id": value.pk if value is not None else None})
    if not any(targets.values()):
        condition &= Q(region=region)
    return condition


def _matter_history(matter: Q, since: datetime.date) -> list[dict[str, Any]]:
    """Return the earlier petitions on the same matter that decide how this one is taken in.

    Those are the ones closed after re-review and those received since
    ``since`` or still open, earliest first, read in one query.
    """
    return list(
        Petition.all_objects.filter(matter)
        .filter(Q(is_final=True) | Q(received_on__gte=since) | ~Q(state__in=FINISHED_STATES))
        .order_by("received_on", "pk")
        .values("pk", "tracking_code", "repeat_of_id", "is_final", "closed_at", "received_on",
                "state")
    )


def _further_persons(target_person: Person | None, further: Sequence[Person]) -> list[Person]:
    """Return the further persons concerned once each, in order, without ``target_person``."""
    seen = {target_person.pk} if target_person is not None else set()
    persons = []
    for person in further:
        if person.pk not in seen:
            seen.add(person.pk)
            persons.append(person)
    return persons


def _same_further_persons(history: list[dict[str, Any]],
                          further: list[Person]) -> list[dict[str, Any]]:
    """Keep the earlier petitions that name the same further persons, read in one query.

    ``_same_matter`` compares the first person concerned; a report naming
    a secretary and a director is another matter than one naming the
    secretary alone.
    """
    if not history:
        return history
    named: dict[int, set[int]] = {row["pk"]: set() for row in history}
    for petition_id, person_id in FurtherTargetPerson.objects.filter(
            petition_id__in=named).values_list("petition_id", "person_id"):
        named[petition_id].add(person_id)
    expected = {person.pk for person in further}
    return [row for row in history if named[row["pk"]] == expected]


def _reject_final_matter(history: list[dict[str, Any]]) -> None:
    """Reject a matter that was closed after re-review (Petition Work Regulation art. 36 para. 3)."""
    finals = [row for row in history if row["is_final"]]
    if not finals:
        return
    final = min(finals, key=lambda row: (row["closed_at"] is None, row["closed_at"]))
    closed_on = timezone.localdate(final["closed_at"]) if final["closed_at"] else final["received_on"]
    raise ValidationError(
        _("The same matter was closed after re-review on %(date)s. Under the Petition Work "
          "Regulation art. 36 a petition on the same facts and reasons is not accepted again.")
        % {"date": closed_on.isoformat()},
        code=RESUBMISSION_REFUSED,
    )


def _earlier_petition(history: list[dict[str, Any]], since: datetime.date) -> Petition | None:
    """Return the first petition of a recent or still open petition on the same matter."""
    for row in history:
        if row["received_on"] >= since or row["state"] not in FINISHED_STATES:
            first_id = row["repeat_of_id"] or row["pk"]
            return Petition.all_objects.only("pk", "tracking_code").get(pk=first_id)
    return None


def intake_deadlines(petition: Petition) -> dict[str, deadlines.Deadline]:
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


def register(actor: Any, **arguments: Any) -> tuple[Petition, str]:
    """Register a petition from a citizen (``actor`` None) or entered by staff.

    Returns the petition and its tracking secret. The secret is stored
    only as a hash, so the caller must show it to the reporter now.
    Raises ValidationError for invalid input and for a matter closed after
    re-review; links the petition to an earlier one on the same matter.
    The arguments are those of ``Intake``.
    """
    intake = Intake(actor, **arguments)
    with transaction.atomic():
        intake.prepare()
        intake.write()
    return intake.petition, intake.secret


def register_and_route(actor: Any, **arguments: Any) -> tuple[Petition, str, str]:
    """Register a citizen's petition and hand it to the unit its category routes it to.

    Both steps are one transaction and one audit entry, with a registration
    and an assignment event, as ``register`` followed by ``assign`` would
    write them. When no unit can take it, the petition is registered
    unassigned and the registering office finds it with its transfer
    deadline. The third value is then the reason, else "".
    """
    intake = Intake(actor, **arguments)
    with transaction.atomic():
        intake.prepare()
        routing_error = intake.route()
        intake.write()
    return intake.petition, intake.secret, routing_error


class Intake:
    """One petition on its way in: checked, linked to earlier ones, optionally routed, written."""

    def __init__(
        self,
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
        further_persons: Sequence[Person] = (),
        target_project=None,
        location_text: str = "",
        latitude: Decimal | None = None,
        longitude: Decimal | None = None,
        is_anonymous: bool = False,
        reporter_name: str = "",
        reporter_phone: str = "",
        received_on: datetime.date | None = None,
        receipt: tuple[str, str] | None = None,
    ) -> None:
        self.actor = actor
        # The tracking code and secret hash of a receipt already given (deferred_intake).
        self.receipt = receipt
        self.text = required_text(text, _("The petition text"))
        self.name = (reporter_name or "").strip()
        self.phone = normalize_phone(reporter_phone)
        _check_reporter(is_anonymous, self.name, self.phone)
        self.received_on = received_on or today()
        _check_received_on(self.received_on)
        self.targets = {"target_unit": target_unit, "target_person": target_person,
                        "target_project": target_project}
        self.further_persons = _further_persons(target_person, further_persons)
        # Staff who enter a report on themselves or their unit would see its receipt and
        # progress, whatever page or API they enter it through.
        visibility.check_clerk_not_accused(actor, kind, further_persons=self.further_persons,
                                           **self.targets)
        self.fields = {
            "kind": kind, "category": category, "channel": channel, "region": region,
            "title": title.strip(), "location_text": location_text, "latitude": latitude,
            "longitude": longitude, "is_anonymous": is_anonymous,
        }
        self.events: list[PetitionEvent] = []
        self.secret = ""
        self.earlier: Petition | None = None

    def prepare(self) -> None:
        """Check the matter against earlier petitions and build the petition with its deadlines."""
        category, region = self.fields["category"], self.fields["region"]
        if self.phone:
            matter = _same_matter(crypto.keyed_hash(self.phone), self.fields["kind"], category,
                                  region, self.targets)
            window = get_setting(REPEAT_WINDOW_DAYS, region=region, on=self.received_on)
            since = self.received_on - datetime.timedelta(days=window)
            history = _same_further_persons(_matter_history(matter, since), self.further_persons)
            _reject_final_matter(history)
            self.earlier = _earlier_petition(history, since)

        if self.receipt is None:
            code, self.secret = tracking.new_code(), tracking.new_secret()
            hashed = tracking.secret_hash(code, self.secret)
        else:
            code, hashed = self.receipt
        petition = Petition(
            tracking_code=code, secret_hash=hashed,
            text=self.text, received_on=self.received_on, registered_at=timezone.now(),
            repeat_of=self.earlier, **self.fields, **self.targets,
        )
        petition.set_reporter(self.name, self.phone)
        petition.persons_concerned = [p for p in [self.targets["target_person"],
                                                  *self.further_persons] if p is not None]
        found = intake_deadlines(petition)
        for field, deadline in found.items():
            setattr(petition, field, deadline.due)
        petition.due_rule = found["due_on"].rule
        # The related rows come from validated forms or the caller, so their
        # existence is not checked again here; the foreign keys check it at commit.
        petition.full_clean(exclude=["tracking_code", "secret_hash", *RELATED_FIELDS])
        self.petition = petition

        self.events.append(new_event(self.actor, petition, EventAction.REGISTER,
                                     on=self.received_on, deadlines=found.values(),
                                     public=True, by_reporter=self.actor is None))
        if self.earlier is not None:
            self.events.append(new_event(self.actor, petition, EventAction.LINK_REPEAT,
                                         on=self.received_on, reason=self.earlier.tracking_code))

    def route(self) -> str:
        """Assign the prepared petition by its category; return why not, or ""."""
        petition = self.petition
        unit = routing.route(petition)
        if unit is None:
            error = no_route_error(petition)
            logger.info("petition left unassigned: %s", error.code)
            return " ".join(error.messages)
        from_state = petition.state
        changes, found = receipt_changes(petition, unit, None, registrar=self.actor)
        for name, value in changes.items():
            setattr(petition, name, value)
        self.events.append(new_event(self.actor, petition, EventAction.ASSIGN, unit_id=unit.pk,
                                     deadlines=found, public=True, from_state=from_state))
        return ""

    def write(self) -> None:
        """Insert the petition and its events under one audit entry."""
        further = [FurtherTargetPerson(petition=self.petition, person=person)
                   for person in self.further_persons]
        create_rows(self.actor, [self.petition, *further, *self.events], action="register")
        logger.info("petition %s registered, kind %s, repeat of %s, assigned to unit %s",
                    self.petition.pk, self.petition.kind,
                    self.earlier.pk if self.earlier else None, self.petition.assigned_unit_id)
