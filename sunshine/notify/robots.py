"""Adding and changing DingTalk robots, each change recorded in the audit chain."""

from typing import Any

from django.db import transaction

from sunshine.audit.actions import create_row, update_row
from sunshine.notify.models import DingTalkRobot

FIELDS = ["name", "unit", "region", "is_active"]


def save_robot(actor: Any, robot: DingTalkRobot, *, webhook: str | None, secret: str | None,
               expected_version: int | None) -> DingTalkRobot:
    """Insert a new robot or apply the edited fields to a stored one.

    ``webhook`` and ``secret`` None keep the stored values. Raises
    ConflictError when the stored robot changed after ``expected_version``.
    """
    with transaction.atomic():
        if robot.pk is None:
            robot.set_credentials(webhook=webhook, secret=secret)
            return create_row(actor, robot)
        draft = DingTalkRobot(webhook_encrypted=robot.webhook_encrypted,
                              secret_encrypted=robot.secret_encrypted)
        draft.set_credentials(webhook=webhook, secret=secret)
        changes = {name: getattr(robot, name) for name in FIELDS}
        if webhook is not None:
            changes["webhook_encrypted"] = draft.webhook_encrypted
        if secret is not None:
            changes["secret_encrypted"] = draft.secret_encrypted
        return update_row(actor, robot, changes, expected_version=expected_version)
