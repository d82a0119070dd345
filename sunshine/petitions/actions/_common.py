"""Helpers shared by the petition actions: locking, state checks and the event log."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit.actions import create_row, update_row
from sunshine.lib.text_input import is_blank, strip_controls
from sunshine.petitions import tracking
from sunshine.petitions.deadlines import Deadline
from sunshine.petitions.models import Petition, PetitionEvent, State


def locked(petition: Petition) -> Petition:
    """Return a fresh copy of the petition, locked until the transaction ends."""
    return (
        Petition.all_objects.select_for_update(of=("self",))
        .select_related("region", "assigned_unit", "category")
        .get(pk=petition.pk)
    )


def expect_state(petition: Petition, step: str, *states: str) -> None:
    if petition.state in states:
        return
    allowed = " / ".join(str(State(s).label) for s in states)
    raise ValidationError(
        _("The step “%(step)s” is possible only when the petition is %(allowed)s; "
          "petition %(code)s is %(state)s.")
        % {"step": step, "allowed": allowed, "code": tracking.format_code(petition.tracking_code),
           "state": petition.get_state_display()},
        code="invalid_state",
    )


def required_text(value: str, field: str) -> str:
    """Return the text without control characters and surrounding spaces.

    Raises ValidationError naming ``field`` if the text shows nothing.
    """
    text = strip_controls(value or "").strip()
    if is_blank(text):
        raise ValidationError(
            _("%(field)s is missing; fill it in.") % {"field": field},
            code="required",
        )
    return text


def today() -> datetime.date:
    return timezone.localdate()


def record(
    actor: Any,
    petition: Petition,
    action: str,
    changes: dict[str, Any],
    *,
    on: datetime.date | None = None,
    reason: str = "",
    unit_id: int | None = None,
    deadlines: Iterable[Deadline] = (),
    public: bool = False,
    by_reporter: bool = False,
    notified: list[int] | None = None,
) -> tuple[Petition, PetitionEvent]:
    """Apply ``changes`` to the locked petition and append the event that explains them.

    Both writes are audited inside the transaction that the caller opened.
    """
    from_state = petition.state
    if changes:
        petition = update_row(actor, petition, changes, expected_version=None)
    event = new_event(actor, petition, action, on=on, reason=reason, unit_id=unit_id,
                      deadlines=deadlines, public=public, by_reporter=by_reporter,
                      notified=notified, from_state=from_state)
    create_row(actor, event)
    return petition, event


def new_event(
    actor: Any,
    petition: Petition,
    action: str,
    *,
    on: datetime.date | None = None,
    reason: str = "",
    unit_id: int | None = None,
    deadlines: Iterable[Deadline] = (),
    public: bool = False,
    by_reporter: bool = False,
    notified: list[int] | None = None,
    from_state: str | None = None,
) -> PetitionEvent:
    """Return the unsaved event of a step; ``from_state`` defaults to the petition's state."""
    return PetitionEvent(
        petition=petition,
        action=action,
        actor=actor,
        by_reporter=by_reporter,
        at=timezone.now(),
        on=on or today(),
        from_state=from_state or petition.state,
        to_state=petition.state,
        unit_id=unit_id,
        reason=reason,
        deadlines=[d.as_json() for d in deadlines],
        is_public=public,
        notified=notified or [],
    )
