"""Reporter reward points (监督积分): verification results, consent and the points ledger.

A reporter earns points when the facts of their petition are verified as
true or partly true, and only while their consent is on record. The points
follow the rules in force on the day of the verification (versioned
settings ``rewards.points_accusation`` and ``rewards.points_other``).
Points are published by anonymous number only ("No.2026-0042"), never
with a name, phone or tracking code, as the commission rules on reports
(2020) art. 47 keep a reporter's identity confidential.

The ledger is append-only: a changed verification, a withdrawn consent or
a staff correction adds a reversal entry; no entry is edited or deleted.
An anonymous petition cannot earn points, because nothing links it to a
person who could claim them.
"""

import datetime
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunshine.audit.actions import create_row, update_row
from sunshine.petitions import visibility
from sunshine.petitions.actions._common import locked, required_text
from sunshine.petitions.models import Kind, Petition, State
from sunshine.petitions.models_ops import (
    EntryKind,
    RewardConsent,
    RewardEntry,
    RewardReporter,
    Verification,
    VerificationResult,
)
from sunshine.petitions.tracking import format_code
from sunshine.rules.defaults import DEFAULTS
from sunshine.rules.models import NEWEST_FIRST, Setting
from sunshine.rules.values import county_code_of

logger = logging.getLogger(__name__)

POINTS_ACCUSATION = "rewards.points_accusation"
POINTS_OTHER = "rewards.points_other"
NUMBER_DIGITS = 4
# Consent texts by version. A text is never changed once used: a new
# wording gets a new version, so each record names what the reporter read.
CONSENT_TEXTS = {
    "2026-1": gettext_lazy(
        "I agree that, if the facts of my petition are verified as true, the platform records "
        "reward points for me and publishes them under an anonymous number on the public "
        "reward list. My name, phone number and tracking code are never published. The points "
        "are linked to my phone number only through a keyed hash. I may withdraw this consent "
        "at any time; my points are then removed from the list."
    ),
}
CURRENT_CONSENT_VERSION = "2026-1"
# Verification is possible once a petition was accepted.
NOT_VERIFIABLE = (State.RECEIVED, State.NOT_ACCEPTED, State.REFERRED)


def rule_for(petition: Petition) -> str:
    return POINTS_ACCUSATION if petition.kind == Kind.ACCUSATION else POINTS_OTHER


def rule_in_force(key: str, *, region, on: datetime.date) -> tuple[dict, str]:
    """Return the point rule in force and a label of its version.

    Follows ``rules.values.get_setting``: the county's own version, else the
    all-county one, else the coded default.
    """
    county = county_code_of(region)
    versions = Setting.objects.filter(key=key, effective_from__lte=on).order_by(*NEWEST_FIRST)
    chosen = versions.filter(county_id=county).first() if county is not None else None
    chosen = chosen or versions.filter(county__isnull=True).first()
    if chosen is None:
        return dict(DEFAULTS[key].value), "default"
    scope = chosen.county_id or "all"
    return dict(chosen.value), f"{scope}:{chosen.effective_from.isoformat()}"


def latest_verification(petition: Petition) -> Verification | None:
    return petition.verifications.order_by("-recorded_at", "-id").first()


def active_consent(petition: Petition) -> RewardConsent | None:
    return petition.reward_consents.filter(withdrawn_at__isnull=True).order_by("-given_at").first()


def _net_points(petition: Petition) -> int:
    total = petition.reward_entries.aggregate(total=Sum("points"))["total"]
    return total or 0


def _due_points(petition: Petition) -> tuple[int, Verification | None, str, str]:
    """Return the points the petition should carry now, with the verification and rule behind them."""
    verification = latest_verification(petition)
    if verification is None or active_consent(petition) is None:
        return 0, verification, "", ""
    key = rule_for(petition)
    points, version = rule_in_force(key, region=petition.region, on=verification.verified_on)
    return int(points.get(verification.result, 0)), verification, f"{key}:{verification.result}", version


def reporter_for(phone_hash: str) -> RewardReporter:
    """Return the reporter of a phone hash, numbering a new one "YYYY-NNNN" within the year."""
    found = RewardReporter.objects.filter(phone_hash=phone_hash).first()
    if found is not None:
        return found
    now = timezone.now()
    year = timezone.localdate(now).year
    taken = RewardReporter.objects.filter(number__startswith=f"{year}-").count()
    number = f"{year}-{taken + 1:0{NUMBER_DIGITS}d}"
    # NOTE: two first awards committed at the same moment on PostgreSQL may
    # pick the same number; the unique constraint then rejects the second.
    return create_row(None, RewardReporter(number=number, phone_hash=phone_hash,
                                           created_at=now))


def number_of(petition: Petition) -> str | None:
    """Return the anonymous number the petition's reporter is listed under, once they have one.

    Only the reporter, who has the tracking code and secret, is shown it.
    """
    if not petition.reporter_phone_hash:
        return None
    found = RewardReporter.objects.filter(phone_hash=petition.reporter_phone_hash).first()
    return found.number if found is not None else None


def _reverse(actor: Any, entry: RewardEntry, reason: str) -> RewardEntry:
    return create_row(actor, RewardEntry(
        reporter=entry.reporter, petition=entry.petition, verification=entry.verification,
        kind=EntryKind.REVERSAL, points=-entry.points, rule=entry.rule,
        rule_version=entry.rule_version, reverses=entry, reason=reason,
        recorded_at=timezone.now(), recorded_by=actor,
    ))


def open_awards(petition: Petition) -> QuerySet:
    """Return the petition's award entries that no reversal has cancelled yet."""
    return petition.reward_entries.filter(kind=EntryKind.AWARD, reversal__isnull=True)


def settle(actor: Any, petition: Petition, *, reason: str) -> list[RewardEntry]:
    """Bring the petition's points to what its verification and consent give now.

    Reverses the open awards that no longer apply and adds the award that
    does. Runs inside the caller's transaction; returns the new entries.
    """
    points, verification, rule, version = _due_points(petition)
    if _net_points(petition) == points:
        return []
    written = [_reverse(actor, entry, reason) for entry in open_awards(petition)]
    if points:
        try:
            reporter = reporter_for(petition.reporter_phone_hash)
        except IntegrityError:
            raise ValidationError(_("Another award was recorded at the same moment; try "
                                    "again."), code="number_taken") from None
        written.append(create_row(actor, RewardEntry(
            reporter=reporter, petition=petition, verification=verification,
            kind=EntryKind.AWARD, points=points, rule=rule, rule_version=version,
            reason=reason, recorded_at=timezone.now(), recorded_by=actor,
        )))
    logger.info("petition %s reward points settled at %s", petition.pk, points)
    return written


def _check_verifiable(petition: Petition, verified_on: datetime.date) -> None:
    if petition.state in NOT_VERIFIABLE:
        raise ValidationError(
            _("Petition %(code)s is %(state)s; record a verification once it was accepted.")
            % {"code": petition.printed_code, "state": petition.get_state_display()},
            code="not_verifiable",
        )
    if not petition.received_on <= verified_on <= timezone.localdate():
        raise ValidationError(
            _("The verification date %(date)s must lie between the day the petition was "
              "received, %(received)s, and today.")
            % {"date": verified_on.isoformat(), "received": petition.received_on.isoformat()},
            code="invalid_verification_date",
        )


def latest_verification_id(petition: Petition) -> int:
    """Return the id of the petition's latest verification, 0 when there is none."""
    return petition.verifications.order_by("-id").values_list("id", flat=True).first() or 0


def _check_seen(petition: Petition, seen: int | None) -> None:
    """Reject a verification sent from a page that did not show the latest one."""
    if seen is None:
        return
    latest = petition.verifications.select_related("recorded_by").order_by("-id").first()
    if latest is None or latest.pk == seen:
        return
    raise ValidationError(
        _("Another verification, “%(result)s”, was recorded by %(user)s at %(time)s after this "
          "page was opened. Check it, then record yours again if it still applies.")
        % {"result": latest.get_result_display(), "user": latest.recorded_by,
           "time": timezone.localtime(latest.recorded_at).strftime("%Y-%m-%d %H:%M")},
        code="stale",
    )


def record_verification(actor: Any, petition: Petition, *, result: str, note: str,
                        verified_on: datetime.date | None = None,
                        seen: int | None = None) -> Verification:
    """Record whether the petition's facts were verified as true, and settle the reward points.

    Only a user who may handle the petition records it (for a report, the
    handling inspectors). A later verification replaces the earlier result.
    ``seen``, when given, is the latest verification id the user saw; a
    different latest one raises ValidationError with code "stale".
    """
    if result not in VerificationResult.values:
        raise ValidationError(_("Verification result “%(value)s” is invalid; use true, "
                                "partly_true or untrue.") % {"value": result},
                              code="invalid_result")
    note = required_text(note, _("The basis of the finding"))
    verified_on = verified_on or timezone.localdate()
    with transaction.atomic():
        petition = locked(petition)
        visibility.require(visibility.can_handle(actor, petition))
        _check_seen(petition, seen)
        _check_verifiable(petition, verified_on)
        verification = create_row(actor, Verification(
            petition=petition, result=result, note=note, verified_on=verified_on,
            recorded_by=actor, recorded_at=timezone.now(),
        ))
        settle(actor, petition, reason=_("verification recorded: %(result)s")
               % {"result": verification.get_result_display()})
    return verification


def _check_can_consent(petition: Petition, text_version: str) -> None:
    if text_version not in CONSENT_TEXTS:
        raise ValidationError(_("Consent text version “%(value)s” is unknown.")
                              % {"value": text_version}, code="unknown_text")
    if petition.is_anonymous or not petition.reporter_phone_hash:
        raise ValidationError(
            _("Petition %(code)s was filed without a phone number, so no reward points can be "
              "linked to its reporter.") % {"code": format_code(petition.tracking_code)},
            code="anonymous",
        )


def record_consent(petition: Petition, *, text_version: str = CURRENT_CONSENT_VERSION,
                   actor: Any = None) -> RewardConsent:
    """Record the reporter's consent to reward points and the anonymous listing.

    ``actor`` is None when the reporter consents online with the tracking
    code, or the staff member who records a consent given in writing. A
    second consent while one is on record returns the existing one.
    """
    if actor is not None and not visibility.can_handle(actor, petition):
        raise PermissionDenied(_("You may not act on this petition."))
    _check_can_consent(petition, text_version)
    with transaction.atomic():
        petition = locked(petition)
        consent = active_consent(petition)
        if consent is None:
            consent = create_row(actor, RewardConsent(petition=petition, text_version=text_version,
                                                      given_at=timezone.now(), recorded_by=actor))
            settle(actor, petition, reason=_("consent recorded"))
    return consent


def withdraw_consent(petition: Petition, *, actor: Any = None) -> RewardConsent:
    """Withdraw the consent; the petition's points are reversed and leave the public list."""
    if actor is not None and not visibility.can_handle(actor, petition):
        raise PermissionDenied(_("You may not act on this petition."))
    with transaction.atomic():
        petition = locked(petition)
        consent = active_consent(petition)
        if consent is None:
            raise ValidationError(_("Petition %(code)s has no consent on record to withdraw.")
                                  % {"code": format_code(petition.tracking_code)},
                                  code="no_consent")
        consent = update_row(actor, consent, {"withdrawn_at": timezone.now()},
                             expected_version=None)
        settle(actor, petition, reason=_("consent withdrawn"))
    return consent


def reverse_entry(actor: Any, entry: RewardEntry, *, reason: str) -> RewardEntry:
    """Cancel an award by a reversal entry with the reason, for example an award made in error.

    A later verification or consent settles the points again from the rules;
    to take points away for good, record the corrected verification instead.
    """
    reason = required_text(reason, _("The reason for the reversal"))
    with transaction.atomic():
        petition = locked(entry.petition)
        visibility.require(visibility.can_handle(actor, petition))
        entry = RewardEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.kind != EntryKind.AWARD or RewardEntry.objects.filter(reverses=entry).exists():
            raise ValidationError(_("This entry is a reversal or was already reversed."),
                                  code="not_reversible")
        reversal = _reverse(actor, entry, reason)
    logger.info("reward entry %s reversed by entry %s", entry.pk, reversal.pk)
    return reversal


def listing_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Return the start of the current local month, up to which the public list counts.

    A list that changed with every verification would let the unit that
    handled one report of a reporter watch their number change, and so
    learn of their other reports, such as an accusation verified as true.
    Published once a month, each change mixes every verification of the
    month.
    """
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def listed_entries(as_of: datetime.datetime) -> QuerySet:
    """Return the entries shown publicly: recorded before ``as_of``, with consent given before
    it and not withdrawn since."""
    consented = RewardConsent.objects.filter(petition=OuterRef("petition"), given_at__lt=as_of,
                                             withdrawn_at__isnull=True)
    return RewardEntry.objects.filter(Exists(consented), recorded_at__lt=as_of)


def public_listing(as_of: datetime.datetime | None = None) -> QuerySet:
    """Return the rewarded reporters with a positive total, as anonymous numbers and points.

    The standings are those at ``as_of``, the start of the current month by
    default (``listing_cutoff``). Only ``number``, ``points`` and ``reports``
    are meant for the page; nothing else about the reporter or the
    petitions is selected.
    """
    as_of = as_of or listing_cutoff()
    listed = listed_entries(as_of).filter(reporter=OuterRef("pk"))
    totals = listed.order_by().values("reporter").annotate(total=Sum("points")).values("total")
    reversed_by_then = RewardEntry.objects.filter(reverses=OuterRef("pk"), recorded_at__lt=as_of)
    awards = (listed.filter(kind=EntryKind.AWARD).exclude(Exists(reversed_by_then)).order_by()
              .values("reporter").annotate(count=Count("pk")).values("count"))
    return (
        RewardReporter.objects
        .annotate(points=Coalesce(totals, Value(0), output_field=IntegerField()),
                  reports=Coalesce(awards, Value(0), output_field=IntegerField()))
        .filter(points__gt=0)
        .order_by("-points", "number")
        .values("number", "points", "reports")
    )


def staff_entries(user: Any) -> QuerySet:
    """Return the entries of the petitions ``user`` may see, newest first."""
    petitions = visibility.visible_petitions(user)
    reversed_later = RewardEntry.objects.filter(reverses=OuterRef("pk"))
    return (RewardEntry.objects.filter(petition__in=petitions)
            .annotate(is_reversed=Exists(reversed_later))
            .select_related("reporter", "petition", "recorded_by")
            .order_by("-recorded_at", "-id"))
