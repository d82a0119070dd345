"""Telling the handlers of a unit that a petition has reached it.

A petition reaches a unit when it is routed at intake, assigned by the
registering office or transferred from another unit. Each active user with
a handling role in that unit who may handle the petition gets a message,
queued after the commit, so a failure there is logged and never undoes the
step. The message is confidential (``sunshine.notify.reach``): it stays off
group chats and e-mail.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from sunshine.notify.outbox import Message, compose, queue
from sunshine.petitions import tracking, visibility
from sunshine.petitions.models import Petition


def announcements(petition: Petition) -> list[Message]:
    """Return a message for each handler of the assigned unit who may see the petition."""
    if petition.assigned_unit_id is None:
        return []
    handlers = get_user_model().objects.filter(
        is_active=True, assignments__unit_id=petition.assigned_unit_id,
        assignments__role__in=visibility.HANDLING_ROLES,
    ).distinct()
    url = reverse("petitions:staff_detail", args=[petition.pk])
    # The row version distinguishes each arrival, so a petition transferred back to a unit
    # is announced there again.
    key = f"petition:{petition.pk}:assigned:{petition.assigned_unit_id}:v{petition.version}"

    def build(user: Any) -> Message:
        subject = _("New petition %(code)s to handle: %(category)s") % {
            "code": tracking.format_code(petition.tracking_code),
            "category": petition.category.display_name}
        return Message(user, key, subject, url=url, confidential=True)

    return compose([user for user in handlers if visibility.can_handle(user, petition)], build)


def announce_on_commit(petition: Petition) -> None:
    """Queue the announcement of a petition to its handlers once it is committed."""
    # A named function, not a partial: Django logs a failed hook by its __qualname__.
    def announce_petition() -> None:
        queue(announcements(petition))

    transaction.on_commit(announce_petition, robust=True)
