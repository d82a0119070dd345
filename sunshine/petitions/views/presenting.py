"""How a petition's deadlines, steps and replies are shown to the reporter and to staff."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

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


def _row(label: Any, due: datetime.date, region: Any, legal: bool = True) -> DeadlineRow:
    status = deadlines.status_of(due, region=region)
    return DeadlineRow(label, due, status.value if status else "", legal)


def public_deadlines(petition: Petition, *, for_staff: bool = False) -> list[DeadlineRow]:
    """Return the open deadlines shown to the reporter, earliest first.

    With ``for_staff`` the labels speak of the reporter instead of to them,
    for staff pages and intake clients.
    """
    rows = []
    region = petition.region
    if petition.due_on:
        labels = STAFF_DUE_LABELS if for_staff else DUE_LABELS
        rows.append(_row(labels.get(petition.due_rule, _("Next step")), petition.due_on, region))
    if petition.notice_due:
        notice = (_("Notice to the reporter that the real-name report was accepted") if for_staff
                  else _("Notice that your real-name report was accepted"))
        rows.append(_row(notice, petition.notice_due, region))
    if petition.assign_due:
        rows.append(_row(_("Transfer to the competent unit"), petition.assign_due, region))
    return sorted(rows, key=lambda row: row.due)


def staff_deadlines(petition: Petition) -> list[DeadlineRow]:
    """Return the reporter's deadlines plus the internal targets and windows staff work to."""
    rows = public_deadlines(petition, for_staff=True)
    region = petition.region
    if petition.warning_on:
        rows.append(_row(_("Internal target (Zhejiang Petition Regulation)"),
                         petition.warning_on, region, legal=False))
    if petition.objection_until:
        rows.append(_row(_("Objection to the referral possible until"),
                         petition.objection_until, region))
    if petition.review_until:
        rows.append(_row(_("Reporter may ask for a review until"), petition.review_until,
                         region))
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
    """Return the text shown with a step; a rating step shows the rating's label."""
    if event.action == EventAction.RATE and event.reason in Rating.values:
        return str(Rating(event.reason).label)
    return event.reason


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
