"""Supervision days (监督日): planning, citizens' registrations and the matters received.

Each township publishes a monthly day on which its officials receive
citizens in person. Citizens may register in advance for a limited number
of places, with a limited number of registrations per phone for one day,
and their names and phones are stored encrypted. Walk-ins are received as
well. Every matter
received on the day is registered as a petition of the channel
``supervision_day`` through ``actions.register``, so it follows the same
workflow and deadlines as any other petition.

Every function takes the acting user (None for a citizen registering),
checks the user's write scope on the township, and writes the rows and
their audit entries in one transaction. Invalid input raises
ValidationError naming the value and the fix; a step outside the user's
scope raises PermissionDenied.
"""

import calendar
import datetime
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit import chain
from sunshine.audit.actions import create_row, update_row
from sunshine.lib.identifiers import mask_phone
from sunshine.organisation.models import Assignment, Level, Region, Unit
from sunshine.organisation.scoping import scope_for
from sunshine.petitions import actions, tracking, visibility
from sunshine.petitions.actions._common import required_text
from sunshine.petitions.models import Channel, Petition
from sunshine.petitions.models_ops import (
    DayState,
    SupervisionDay,
    SupervisionMatter,
    SupervisionRegistration,
)
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

PER_PHONE = "supervision.registrations_per_phone"
DEFAULT_CAPACITY = "supervision.default_capacity"
PLAN_AHEAD_DAYS = "supervision.plan_ahead_days"
REFERENCE_PREFIX = "J"
REFERENCE_LENGTH = 9
MAX_MONTHS = 12
EDITABLE_FIELDS = ("date", "starts_at", "ends_at", "place", "officials", "topic", "capacity",
                   "is_public")


def require_write(actor: Any, region: Region, unit: Unit | None = None) -> None:
    scope = scope_for(actor, write=True)
    allowed = scope.contains_region(region) and (unit is None or scope.contains(unit))
    if not allowed:
        raise PermissionDenied(
            _("%(region)s is outside the regions you may plan supervision days for.")
            % {"region": region.name}
        )


def _check_place_and_time(region: Region, unit: Unit, fields: dict[str, Any],
                          today: datetime.date) -> None:
    if region.level != Level.TOWNSHIP:
        raise ValidationError(
            _("Supervision days are held by townships; %(region)s is a %(level)s. Choose a "
              "township.") % {"region": region.name, "level": region.get_level_display()},
            code="not_township",
        )
    if not region.path.startswith(unit.region.path):
        raise ValidationError(
            _("“%(unit)s” does not work in %(region)s; choose the township government or a "
              "unit above it.") % {"unit": unit.name, "region": region.name},
            code="unit_outside_region",
        )
    if fields["date"] < today:
        raise ValidationError(
            _("The date %(date)s has passed; plan supervision days from today on.")
            % {"date": fields["date"].isoformat()},
            code="date_passed",
        )
    _check_within_horizon(region, fields["date"])
    if fields["ends_at"] <= fields["starts_at"]:
        raise ValidationError(
            _("The end time %(end)s is not after the start time %(start)s.")
            % {"end": fields["ends_at"].strftime("%H:%M"),
               "start": fields["starts_at"].strftime("%H:%M")},
            code="invalid_times",
        )


def local_moment(date: datetime.date, time: datetime.time) -> datetime.datetime:
    """Return the aware moment of a local date and time of day."""
    return timezone.make_aware(datetime.datetime.combine(date, time))


def _check_starts_ahead(fields: dict[str, Any]) -> None:
    """Raise ValidationError when the planned start of the day has passed."""
    if local_moment(fields["date"], fields["starts_at"]) <= timezone.now():
        raise ValidationError(
            _("The supervision day of %(date)s would start at %(time)s, which has passed; "
              "choose a later start time or another date.")
            % {"date": fields["date"].isoformat(), "time": fields["starts_at"].strftime("%H:%M")},
            code="start_passed",
        )


def _check_within_horizon(region: Region, date: datetime.date) -> None:
    days = get_setting(PLAN_AHEAD_DAYS, region=region)
    latest = timezone.localdate() + datetime.timedelta(days=days)
    if date > latest:
        raise ValidationError(
            _("The date %(date)s is more than %(days)s days ahead; plan supervision days up to "
              "%(latest)s.") % {"date": date.isoformat(), "days": days,
                               "latest": latest.isoformat()},
            code="date_too_far",
        )


def _check_capacity(capacity: int, registered: int = 0) -> None:
    if capacity < 1 or capacity < registered:
        raise ValidationError(
            _("%(capacity)s registration places are too few: enter at least 1 and at least "
              "the %(registered)s citizens already registered.")
            % {"capacity": capacity, "registered": registered},
            code="invalid_capacity",
        )


def _check_free(region: Region, date: datetime.date, starts_at: datetime.time,
                exclude_pk: int | None = None) -> None:
    taken = SupervisionDay.all_objects.filter(region=region, date=date, starts_at=starts_at)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            _("%(region)s already has a supervision day on %(date)s at %(time)s; choose "
              "another date or time.")
            % {"region": region.name, "date": date.isoformat(),
               "time": starts_at.strftime("%H:%M")},
            code="day_taken",
        )


def _clean_text_fields(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    cleaned["place"] = required_text(fields.get("place", ""), _("The place"))
    cleaned["officials"] = required_text(fields.get("officials", ""), _("The officials on duty"))
    cleaned["topic"] = (fields.get("topic") or "").strip()
    return cleaned


def plan_day(actor: Any, *, region: Region, unit: Unit, date: datetime.date,
             starts_at: datetime.time, ends_at: datetime.time, place: str, officials: str,
             capacity: int | None = None, topic: str = "", is_public: bool = True) -> SupervisionDay:
    """Plan one supervision day for a township; it is published at once unless ``is_public`` is false."""
    require_write(actor, region, unit)
    if capacity is None:
        capacity = get_setting(DEFAULT_CAPACITY, region=region, on=date)
    fields = _clean_text_fields({"date": date, "starts_at": starts_at, "ends_at": ends_at,
                                 "place": place, "officials": officials, "topic": topic})
    _check_place_and_time(region, unit, fields, timezone.localdate())
    _check_starts_ahead(fields)
    _check_capacity(capacity)
    with transaction.atomic():
        _check_free(region, date, starts_at)
        day = create_row(actor, SupervisionDay(region=region, unit=unit, capacity=capacity,
                                               is_public=is_public, **fields))
    logger.info("supervision day %s planned for region %s on %s", day.pk, region.pk, date)
    return day


def same_day_in_month(first: datetime.date, months_later: int) -> datetime.date:
    """Return the day of ``first``'s day-of-month ``months_later`` months on, or that month's last day."""
    month_index = first.month - 1 + months_later
    year, month = first.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(first.day, last_day))


def plan_monthly(actor: Any, *, months: int, date: datetime.date, **fields: Any) -> list[SupervisionDay]:
    """Plan a supervision day on the same day of the month for ``months`` months from ``date``."""
    if not 1 <= months <= MAX_MONTHS:
        raise ValidationError(
            _("%(months)s months cannot be planned at once; enter 1 to %(most)s.")
            % {"months": months, "most": MAX_MONTHS},
            code="invalid_months",
        )
    # Checked before the later months are computed, which would overflow past the year 9999.
    _check_within_horizon(fields["region"], date)
    with transaction.atomic():
        return [plan_day(actor, date=same_day_in_month(date, n), **fields) for n in range(months)]


def _locked(day: SupervisionDay) -> SupervisionDay:
    return (SupervisionDay.all_objects.select_for_update(of=("self",))
            .select_related("region", "unit").get(pk=day.pk))


def _expect_planned(day: SupervisionDay, step: str) -> None:
    if day.state != DayState.PLANNED:
        raise ValidationError(
            _("The step “%(step)s” is possible only for a planned day; the day of %(date)s is "
              "%(state)s.")
            % {"step": step, "date": day.date.isoformat(), "state": day.get_state_display()},
            code="invalid_state",
        )


def update_day(actor: Any, day: SupervisionDay, changes: dict[str, Any], *,
               expected_version: int | None) -> SupervisionDay:
    """Change a planned day's date, times, place, officials, focus, places or publication."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"fields {sorted(unknown)} cannot be changed on a supervision day")
    with transaction.atomic():
        day = _locked(day)
        require_write(actor, day.region, day.unit)
        _expect_planned(day, _("edit"))
        merged = _clean_text_fields({**{name: getattr(day, name) for name in EDITABLE_FIELDS},
                                     **changes})
        # An unchanged date may have passed meanwhile; only a new date must lie ahead.
        earliest = timezone.localdate() if "date" in changes else merged["date"]
        _check_place_and_time(day.region, day.unit, merged, earliest)
        if "date" in changes or "starts_at" in changes:
            _check_starts_ahead(merged)
        _check_capacity(merged["capacity"], day.registrations.count())
        _check_free(day.region, merged["date"], merged["starts_at"], exclude_pk=day.pk)
        cleaned = {name: merged[name] for name in changes}
        day = update_row(actor, day, cleaned, expected_version=expected_version)
    return day


def _check_not_ended(day: SupervisionDay) -> None:
    if local_moment(day.date, day.ends_at) <= timezone.now():
        raise ValidationError(
            _("The supervision day of %(date)s ended at %(time)s and can no longer be "
              "cancelled; record it as held instead, with 0 citizens received and the reason "
              "in the record if it did not take place.")
            % {"date": day.date.isoformat(), "time": day.ends_at.strftime("%H:%M")},
            code="day_ended",
        )


def cancel_day(actor: Any, day: SupervisionDay, *, reason: str) -> SupervisionDay:
    """Cancel a planned day that has not ended; the portal shows it as cancelled, with the reason."""
    reason = required_text(reason, _("The reason for cancelling"))
    with transaction.atomic():
        day = _locked(day)
        require_write(actor, day.region, day.unit)
        _expect_planned(day, _("cancel"))
        _check_not_ended(day)
        day = update_row(actor, day, {"state": DayState.CANCELLED, "cancel_reason": reason},
                         expected_version=None)
    logger.info("supervision day %s cancelled", day.pk)
    return day


def record_day_held(actor: Any, day: SupervisionDay, *, summary: str,
                    visitors: int) -> SupervisionDay:
    """Record that the day took place: how many citizens came and a summary of the day."""
    summary = required_text(summary, _("The record of the day"))
    if visitors < 0:
        raise ValidationError(_("The number of citizens received, %(value)s, is negative.")
                              % {"value": visitors}, code="invalid_visitors")
    with transaction.atomic():
        day = _locked(day)
        require_write(actor, day.region, day.unit)
        _expect_planned(day, _("record the day"))
        if day.date > timezone.localdate():
            raise ValidationError(
                _("The day of %(date)s has not come yet; record it on or after that day.")
                % {"date": day.date.isoformat()},
                code="day_in_future",
            )
        day = update_row(actor, day, {"state": DayState.HELD, "summary": summary,
                                      "visitors": visitors}, expected_version=None)
    return day


def day_start(day: SupervisionDay) -> datetime.datetime:
    return local_moment(day.date, day.starts_at)


def _check_open_for_registration(day: SupervisionDay) -> None:
    if not day.is_public or day.state == DayState.CANCELLED:
        raise ValidationError(
            _("The supervision day of %(date)s is not open for registration; choose another "
              "day.") % {"date": day.date.isoformat()},
            code="not_open",
        )
    if timezone.now() >= day_start(day):
        raise ValidationError(
            _("Registration for the supervision day of %(date)s closed when it began; come "
              "in person, or choose a later day.") % {"date": day.date.isoformat()},
            code="registration_closed",
        )


def _check_places(day: SupervisionDay, phone: str, phone_hash: str) -> None:
    registrations = day.registrations.aggregate(
        total=Count("pk"), same_phone=Count("pk", filter=Q(phone_hash=phone_hash)),
    )
    if registrations["total"] >= day.capacity:
        raise ValidationError(
            _("All %(capacity)s places for the supervision day of %(date)s are taken; choose "
              "another day, or come in person: walk-ins are received as well.")
            % {"capacity": day.capacity, "date": day.date.isoformat()},
            code="day_full",
        )
    allowed = get_setting(PER_PHONE, region=day.region, on=day.date)
    if registrations["same_phone"] >= allowed:
        raise ValidationError(
            _("The phone number %(phone)s is already registered %(count)s time(s) for the "
              "supervision day of %(date)s, the most allowed for one phone. Raise further "
              "matters at the same visit.")
            % {"phone": mask_phone(phone), "count": registrations["same_phone"],
               "date": day.date.isoformat()},
            code="phone_limit",
        )


def _new_reference() -> str:
    while True:
        reference = REFERENCE_PREFIX + tracking.random_text(REFERENCE_LENGTH)
        if not SupervisionRegistration.objects.filter(reference=reference).exists():
            return reference


def register_for_day(day: SupervisionDay, *, name: str, phone: str,
                     topic: str) -> SupervisionRegistration:
    """Register a citizen for a published day; returns the registration with its number.

    Raises ValidationError when the day is full, closed, cancelled, or the
    phone has reached its limit for the day.
    """
    name = required_text(name, _("Your name"))
    phone = required_text(actions.normalize_phone(phone), _("Your phone number"))
    topic = required_text(topic, _("The matter you want to raise"))
    with transaction.atomic():
        day = _locked(day)
        _check_open_for_registration(day)
        registration = SupervisionRegistration(day=day, reference=_new_reference(), topic=topic,
                                               registered_at=timezone.now())
        registration.set_identity(name, phone)
        _check_places(day, phone, registration.phone_hash)
        create_row(None, registration)
    logger.info("supervision day %s: registration %s", day.pk, registration.pk)
    return registration


def may_see_registrations(user: Any, day: SupervisionDay) -> bool:
    """Return whether the user may read the day's registrations: their topics and identities.

    The registration form promises citizens that only the staff organising
    the day see them. Those are the users with a handling role in the
    organising unit or below it (an evaluator's role does not count), and
    the discipline inspectors whose scope covers the township, since a topic
    may accuse an official.
    """
    if user.is_superuser:
        return True
    organisers = Assignment.objects.filter(user=user, role__in=visibility.HANDLING_ROLES,
                                           unit__path__startswith=day.unit.path)
    if organisers.exists():
        return True
    return visibility.inspector_scope(user).contains_region(day.region)


def reveal_registrants(actor: Any, day: SupervisionDay) -> list[tuple[SupervisionRegistration, dict[str, str]]]:
    """Return the day's registrations with names and phones, recording the view in the audit chain.

    Allowed to the users of ``may_see_registrations``, so discipline
    inspectors may reveal them although their roles only read the township.
    """
    if not may_see_registrations(actor, day):
        raise PermissionDenied(_("Only the staff of %(unit)s, which organises this day, and "
                                 "discipline inspectors may see its registrations.")
                               % {"unit": day.unit.name})
    registrations = list(day.registrations.all())
    with transaction.atomic():
        chain.append(actor, "view_personal", object_type=chain.object_type_of(SupervisionDay),
                     object_id=str(day.pk), changes={"field": "registrants",
                                                     "rows": len(registrations)})
    return [(registration, registration.decrypt_identity()) for registration in registrations]


def _check_matter_day(day: SupervisionDay, registration: SupervisionRegistration | None) -> None:
    if day.state == DayState.CANCELLED or day.date > timezone.localdate():
        raise ValidationError(
            _("Matters are recorded on or after the day itself; the day of %(date)s is "
              "%(state)s.") % {"date": day.date.isoformat(), "state": day.get_state_display()},
            code="day_not_held",
        )
    if registration is not None and registration.day_id != day.pk:
        raise ValidationError(_("Registration %(reference)s belongs to another day.")
                              % {"reference": registration.reference}, code="other_day")


def record_matter(actor: Any, day: SupervisionDay, *, registration: SupervisionRegistration | None = None,
                  region: Region | None = None, **petition_fields: Any) -> tuple[SupervisionMatter, Petition, str]:
    """Register a matter received on the day as a petition and link it to the day.

    ``petition_fields`` are passed to ``actions.register`` (kind, category,
    text, reporter, targets); the channel is ``supervision_day`` and the
    date received is the day itself. Returns the link, the petition and its
    tracking secret, which the citizen must be given now.
    """
    require_write(actor, day.region, day.unit)
    region = region or day.region
    if not region.path.startswith(day.region.path):
        raise ValidationError(_("%(region)s lies outside %(township)s; choose the township or "
                                "one of its villages.")
                              % {"region": region.name, "township": day.region.name},
                              code="region_outside_day")
    with transaction.atomic():
        day = _locked(day)
        _check_matter_day(day, registration)
        petition, secret = actions.register(actor, channel=Channel.SUPERVISION_DAY, region=region,
                                            received_on=day.date, **petition_fields)
        matter = create_row(actor, SupervisionMatter(day=day, petition=petition,
                                                     registration=registration,
                                                     recorded_by=actor))
    logger.info("supervision day %s: matter recorded as petition %s", day.pk, petition.pk)
    return matter, petition, secret


def public_days(*, now: datetime.datetime | None = None, region: Region | None = None) -> QuerySet:
    """Return the published days that have not ended, in the region's subtree when given."""
    days = SupervisionDay.public_objects.upcoming(now).select_related("region__parent")
    if region is not None:
        days = days.in_region(region)
    return (days.annotate(registered=Count("registrations"))
            .annotate(places_left=F("capacity") - F("registered"))
            .order_by("date", "starts_at", "region_id"))
