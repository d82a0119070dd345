"""How a petition's deadlines, steps and replies are shown to the reporter and to staff."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sunshine.petitions import deadlines, tracking
from sunshine.petitions.models import (
    EventAction,
    ExtensionStatus,
    Petition,
    Rating,
)

# The step that the open deadline in ``due_on`` is for, by the rule that set it.
DUE_LABELS = {
    deadlines.ACCEPT_NOTICE: _("Decision on acceptance, with a written notice to you"),
    deadlines.ACCUSATION_ACCEPT: _("Acceptance or transfer of the report"),
    deadlines.HANDLE: _("Handling and written reply"),
    deadlines.ACCUSATION_HANDLE: _("Handling of the report"),
    deadlines.REVIEW_DECISION: _("Review opinion"),
    deadlines.RE_REVIEW_DECISION: _("Re-review opinion"),
    deadlines.ACCUSATION_FEEDBACK: _("Feedback on the result"),
}
# The same labels for staff pages and intake clients, which speak of the reporter, not to them.
STAFF_DUE_LABELS = {
    **DUE_LABELS,
    deadlines.ACCEPT_NOTICE: _("Decision on acceptance, with a written notice to the reporter"),
}


@dataclass(frozen=True)
class DeadlineRow:
    label: Any
    due: datetime.date
    status: str
    legal: bool = True
    # The period the deadline was computed with, when the step that set it is known.
    period: deadlines.Period | None = None

    @property
    def period_text(self) -> str:
        """Name the period, such as "15 calendar days" or "5 working days"."""
        if self.period is None:
            return ""
        if self.period.unit == deadlines.WORKDAYS:
            return ngettext("%(count)s working day", "%(count)s working days",
                            self.period.count) % {"count": self.period.count}
        return ngettext("%(count)s calendar day", "%(count)s calendar days",
                        self.period.count) % {"count": self.period.count}


def _row(label: Any, due: datetime.date, region: Any, legal: bool = True,
         period: deadlines.Period | None = None) -> DeadlineRow:
    status = deadlines.status_of(due, region=region)
    return DeadlineRow(label, due, status.value if status else "", legal, period)


def _period(petition: Petition, rules: tuple[str, ...], due: datetime.date) -> deadlines.Period | None:
    """Return the period of the step that set ``due`` under one of ``rules``.

    The period is read for the day of that step, as the deadline was. An
    approved extension sets a due date that no period gives, so it has none.
    An unsaved petition, standing for a report waiting for registration
    (``receipts``), has no steps: its deadlines start on the day received.
    """
    if petition.pk is None:
        return deadlines.period(rules[0], region=petition.region, on=petition.received_on)
    for event in petition.events.order_by("-on", "-pk"):
        for found in event.deadlines or []:
            if found.get("rule") in rules and found.get("due") == due.isoformat():
                if event.action == EventAction.APPROVE_EXTENSION:
                    return None
                return deadlines.period(found["rule"], region=petition.region, on=event.on)
    return None


def public_deadlines(petition: Petition, *, for_staff: bool = False) -> list[DeadlineRow]:
    """Return the open deadlines shown to the reporter, earliest first.

    With ``for_staff`` the labels speak of the reporter instead of to them,
    for staff pages and intake clients.
    """
    rows = []
    region = petition.region
    if petition.due_on:
        labels = STAFF_DUE_LABELS if for_staff else DUE_LABELS
        rows.append(_row(labels.get(petition.due_rule, _("Next step")), petition.due_on, region,
                         period=_period(petition, (petition.due_rule,), petition.due_on)))
    if petition.notice_due:
        notice = (_("Notice to the reporter that the real-name report was accepted") if for_staff
                  else _("Notice that your real-name report was accepted"))
        rows.append(_row(notice, petition.notice_due, region, period=_period(
            petition, (deadlines.ACCUSATION_NOTICE,), petition.notice_due)))
    if petition.assign_due:
        rows.append(_row(_("Transfer to the competent unit"), petition.assign_due, region,
                         period=_period(petition, (deadlines.TRANSFER,), petition.assign_due)))
    return sorted(rows, key=lambda row: row.due)


def staff_deadlines(petition: Petition) -> list[DeadlineRow]:
    """Return the reporter's deadlines plus the internal targets and windows staff work to."""
    rows = public_deadlines(petition, for_staff=True)
    region = petition.region
    if petition.warning_on:
        rows.append(_row(_("Internal target (Zhejiang Petition Regulation)"),
                         petition.warning_on, region, legal=False, period=_period(
                             petition, (deadlines.ACCEPT_WARNING, deadlines.HANDLE_WARNING),
                             petition.warning_on)))
    if petition.objection_until:
        rows.append(_row(_("Objection to the referral possible until"),
                         petition.objection_until, region, period=_period(
                             petition, (deadlines.REFERRAL_OBJECTION,), petition.objection_until)))
    if petition.review_until:
        rows.append(_row(_("Reporter may ask for a review until"), petition.review_until,
                         region, period=_period(
                             petition, (deadlines.REVIEW_REQUEST, deadlines.RE_REVIEW_REQUEST),
                             petition.review_until)))
    return sorted(rows, key=lambda row: row.due)


def deadlines_json(petition: Petition) -> list[dict[str, Any]]:
    """Return the reporter's open deadlines as JSON objects with ISO dates."""
    return [{"label": str(row.label), "due": row.due.isoformat(), "status": row.status}
            for row in public_deadlines(petition)]


@dataclass(frozen=True)
class StepRow:
    at: datetime.datetime
    label: str
    text: str
    unit: str


def step_text(event: Any) -> str:
    """Return the text shown with a step: a rating's label, or the reason and any deadline met late."""
    if event.action == EventAction.RATE and event.reason in Rating.values:
        return str(Rating(event.reason).label)
    parts = [event.reason] if event.reason else []
    for found in event.deadlines or []:
        if found.get("met_on") and found.get("rule") == deadlines.TRANSFER:
            due = datetime.date.fromisoformat(found["due"])
            met_on = datetime.date.fromisoformat(found["met_on"])
            parts.append(ngettext(
                "Transferred %(days)s day after the transfer deadline of %(due)s.",
                "Transferred %(days)s days after the transfer deadline of %(due)s.",
                (met_on - due).days) % {"days": (met_on - due).days, "due": due.isoformat()})
    return " ".join(parts)


def public_steps(petition: Petition) -> list[StepRow]:
    events = tracking.public_events(petition).select_related("unit")
    return [StepRow(e.at, e.get_action_display(), step_text(e), e.unit.name if e.unit else "")
            for e in events]


def approved_extensions(petition: Petition) -> Any:
    return petition.extensions.filter(status=ExtensionStatus.APPROVED).order_by("decided_at")


def latest_unrated_reply(petition: Petition) -> Any:
    return petition.replies.filter(rating="").order_by("-delivered_on", "-id").first()


def status_label(petition: Petition) -> str:
    status = deadlines.petition_status(petition)
    return str(status.label) if status else ""
