"""Submitting a report from the portal, the staff intake page, the API or Open311.

A citizen's report without files is registered and routed in one
transaction (``actions.register_and_route``). Otherwise the petition and
its evidence files are written in one transaction, and the routing to a
handling unit runs in its own, so a committed report is never undone by a
later step. Assigning the petition announces it to its handlers after the
commit (``announcements``); a failure there is logged and never touches
the report.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sunshine.organisation.models import Unit
from sunshine.petitions import actions
from sunshine.petitions.announcements import announce_on_commit
from sunshine.petitions.models import Petition

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submission:
    petition: Petition
    secret: str
    routing_error: str = ""


def route(actor: Any, petition: Petition, unit: Unit | None = None) -> tuple[Petition, str]:
    """Assign the petition to ``unit`` or by its category; return it and any error message.

    A failure leaves the petition registered and unassigned, where the
    registering office sees it with its transfer deadline.
    """
    try:
        return actions.assign(actor, petition, unit), ""
    except (ValidationError, PermissionDenied) as error:
        message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        logger.info("petition %s left unassigned: %s", petition.pk,
                    getattr(error, "code", "permission"))
        return petition, message


def submit(actor: Any, *, arguments: dict[str, Any], channel: str, files: list | tuple = (),
           unit: Unit | None = None) -> Submission:
    """Register a petition with its files, then route it; ``actor`` None is the reporter."""
    if actor is None and unit is None and not files:
        petition, secret, routing_error = actions.register_and_route(
            None, channel=channel, **arguments)
        announce_on_commit(petition)
        return Submission(petition, secret, routing_error)

    with transaction.atomic():
        petition, secret = actions.register(actor, channel=channel, **arguments)
        for upload in files:
            actions.attach_evidence(actor, petition, upload)
    # Routing is the system's step, as for a citizen's own report, unless the clerk chose a
    # unit. A report always goes as the system: a clerk who is not an inspector may not
    # handle a report, yet it must reach the commission (the form checks the choice).
    router = actor if unit is not None and not petition.is_accusation else None
    petition, routing_error = route(router, petition, unit)
    return Submission(petition, secret, routing_error)
