"""Submitting a report from the portal, the staff intake page, the API or Open311.

The petition and its evidence files are written in one transaction. What
follows the commit (routing to a handling unit, announcing the new
petition) runs in its own transactions and only logs its failures, so a
committed report is never undone by a later step.
"""

import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sunshine.organisation.models import Unit
from sunshine.petitions import actions
from sunshine.petitions.models import Petition

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submission:
    petition: Petition
    secret: str
    routing_error: str = ""


def announce(petition_id: int) -> None:
    """Announce a new petition to its handlers.

    FIXME: placeholder until the notifications module has a channel; it
    only logs, after the commit, so a failed message cannot lose a report.
    """
    logger.info("petition %s registered; no notification channel is configured", petition_id)


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
    with transaction.atomic():
        petition, secret = actions.register(actor, channel=channel, **arguments)
        for upload in files:
            actions.attach_evidence(actor, petition, upload)
        transaction.on_commit(partial(announce, petition.pk), robust=True)

    petition, routing_error = route(actor, petition, unit)
    return Submission(petition, secret, routing_error)
