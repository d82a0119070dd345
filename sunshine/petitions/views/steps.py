"""The workflow steps a petition's staff page offers: title, form and action of each."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunshine.petitions import actions, deadlines, visibility
from sunshine.petitions.actions import review
from sunshine.petitions.forms import (
    AcceptForm,
    AssignForm,
    CloseForm,
    ExtensionDecisionForm,
    ExtensionForm,
    HandlerForm,
    NoticeForm,
    OptionalReasonForm,
    PublicReasonForm,
    ReasonForm,
    ReplyForm,
    ReviewDecisionForm,
    TransferForm,
)
from sunshine.petitions.models import ExtensionStatus, Kind, Petition, ReviewLevel, State


def _check_handler(user: Any, petition: Petition) -> None:
    visibility.require(visibility.can_handle(user, petition))


@dataclass(frozen=True)
class Step:
    """One workflow action offered on the staff page.

    ``check`` raises PermissionDenied when the user may not take the step.
    The view calls it before anything else, and the action checks again.
    """

    title: Any
    form: Callable[[Petition, Any], forms.Form]
    run: Callable[[Any, Petition, dict[str, Any]], Any]
    check: Callable[[Any, Petition], None] = _check_handler


def _plain(form_class: type[forms.Form]) -> Callable[[Petition, Any], forms.Form]:
    return lambda petition, data: form_class(data)


def _for_petition(form_class: Callable) -> Callable[[Petition, Any], forms.Form]:
    return lambda petition, data: form_class(petition, data)


def _decide_extension(user: Any, petition: Petition, data: dict[str, Any]) -> Any:
    pending = petition.extensions.filter(status=ExtensionStatus.PENDING).first()
    if pending is None:
        raise ValidationError(_("Petition %(code)s has no extension request waiting for a "
                                "decision.") % {"code": petition.printed_code})
    if data["decision"] == "approve":
        return actions.approve_extension(user, pending, note=data["note"])
    return actions.reject_extension(user, pending, note=data["note"])


def _check_approver(user: Any, petition: Petition) -> None:
    visibility.require(visibility.can_approve(user, petition))


def _check_decider(user: Any, petition: Petition) -> None:
    pending = review.pending_review(petition)
    if pending is None:
        # No review is waiting, so the action rejects the step with the petition's state.
        _check_handler(user, petition)
    else:
        review.require_decider(user, petition, pending)


def _decide_review(user: Any, petition: Petition, data: dict[str, Any]) -> Any:
    level = ReviewLevel.RE_REVIEW if petition.state == State.RE_REVIEW else ReviewLevel.REVIEW
    return actions.decide_review(user, petition, text=data["text"], outcome=data["outcome"],
                                 level=level)


STEPS: dict[str, Step] = {
    "assign": Step(gettext_lazy("Assign"), _for_petition(AssignForm),
                   lambda u, p, d: actions.assign(u, p, d["unit"], reason=d["reason"])),
    "transfer": Step(gettext_lazy("Transfer"), _for_petition(TransferForm),
                     lambda u, p, d: actions.transfer(u, p, d["unit"], reason=d["reason"])),
    "designate_handler": Step(gettext_lazy("Designate the handler"), _for_petition(HandlerForm),
                              lambda u, p, d: actions.designate_handler(u, p, d["handler"])),
    "object": Step(gettext_lazy("Object to the referral"), _plain(ReasonForm),
                   lambda u, p, d: actions.object_to_referral(u, p, reason=d["reason"])),
    "accept": Step(gettext_lazy("Accept"), _plain(AcceptForm),
                   lambda u, p, d: actions.accept(u, p, notice=d["notice"], notify=d["notify"])),
    "not_accept": Step(gettext_lazy("Do not accept"), _plain(PublicReasonForm),
                       lambda u, p, d: actions.not_accept(u, p, reason=d["reason"])),
    "refer": Step(gettext_lazy("Refer to another body"), _plain(PublicReasonForm),
                  lambda u, p, d: actions.refer(u, p, reason=d["reason"])),
    "notify": Step(gettext_lazy("Send a notice to the reporter"), _plain(NoticeForm),
                   lambda u, p, d: actions.notify_reporter(u, p, text=d["text"])),
    "request_extension": Step(
        gettext_lazy("Request an extension"), _plain(ExtensionForm),
        lambda u, p, d: actions.request_extension(u, p, days=d["days"], reason=d["reason"])),
    "decide_extension": Step(gettext_lazy("Decide on the extension"),
                             _plain(ExtensionDecisionForm), _decide_extension,
                             check=_check_approver),
    "reply": Step(gettext_lazy("Reply"), _plain(ReplyForm),
                  lambda u, p, d: actions.reply(u, p, text=d["text"], outcome=d["outcome"],
                                                delivered_on=d["delivered_on"])),
    "decide_review": Step(gettext_lazy("Give the review opinion"), _plain(ReviewDecisionForm),
                          _decide_review, check=_check_decider),
    "close": Step(gettext_lazy("Close"), _plain(CloseForm),
                  lambda u, p, d: actions.close(u, p, reason=d["reason"])),
    "escalate": Step(gettext_lazy("Record the escalation"), _plain(OptionalReasonForm),
                     lambda u, p, d: actions.record_escalation(u, p, reason=d["reason"])),
}


def _received_steps(petition: Petition) -> list[str]:
    if petition.assigned_unit_id is None:
        return ["assign", "not_accept", "refer"]
    steps = ["accept", "transfer", "not_accept", "refer", "designate_handler"]
    if petition.objection_until is not None:
        steps.append("object")
    return steps


def _handling_steps(petition: Petition) -> list[str]:
    steps = ["close"] if petition.is_accusation else ["reply"]
    steps += ["transfer", "request_extension", "designate_handler"]
    return steps


def available_steps(user: Any, petition: Petition) -> list[str]:
    """Return the actions worth offering to ``user`` now; the actions check again."""
    if not visibility.can_handle(user, petition):
        return []
    state = petition.state
    steps: list[str] = []
    if state == State.RECEIVED:
        steps = _received_steps(petition)
    elif state == State.HANDLING:
        steps = _handling_steps(petition)
    elif state in (State.REPLIED, State.REVIEWED):
        steps = ["close"]
    elif state in (State.REVIEW, State.RE_REVIEW):
        # Only the reviewing unit gives the opinion, not the unit whose reply is challenged.
        if review.may_decide(user, petition, review.pending_review(petition)):
            steps = ["decide_review"]
    elif state == State.CLOSED and petition.kind == Kind.ACCUSATION and petition.due_on:
        steps = ["reply"]
    if (petition.extensions.filter(status=ExtensionStatus.PENDING).exists()
            and visibility.can_approve(user, petition)):
        steps.append("decide_extension")
    if deadlines.needs_escalation(petition):
        steps.append("escalate")
    return [*steps, "notify"]
