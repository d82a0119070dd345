"""The rectification task of a failed spot check, and the merit-point hook."""

import datetime
import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sunshine.assessment.models import SpotCheck
from sunshine.audit.actions import update_row
from sunshine.duties import actions as duty_actions
from sunshine.duties.models import Task
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

SPOT_CHECK_FAILED = "spot_check_failed"


def create_rectification(actor: Any, check: SpotCheck) -> Task:
    """Create a directive for the check and its one rectification task for the target unit.

    One directive per check keeps each task's weight at 100% of its own
    directive. The duty actions run as the system (None), because
    inspectors have no write scope over the target unit; the check's own
    audit entry, written by ``actor``, names the task.
    """
    unit = check.target_unit
    day = timezone.localdate(check.performed_at)
    days = get_setting("assessment.rectification_days", region=unit.region, on=day)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Rectification after spot check: %(title)s") % {"title": check.title}
        number = _("Spot check rectification No. %(id)s") % {"id": check.pk}
        issuer = _("Discipline inspection (spot check)")
    with transaction.atomic():
        directive = duty_actions.create_directive(
            None, title=title, document_number=number, issuer=issuer, issued_on=day,
            region=unit.region, unit=unit, description=check.findings)
        task = duty_actions.create_task(
            None, directive=directive, code="1", name=title, description=check.findings,
            lead_unit=unit, responsible_person=check.responsible_person, start=day,
            deadline=day + datetime.timedelta(days=days))
        update_row(actor, check, {"rectification_task": task}, expected_version=None)
    check.rectification_task = task
    return task


def on_spot_check_failed(actor: Any, check: SpotCheck) -> None:
    """Post the ``spot_check_failed`` merit points of the responsible person, when merit is installed.

    A check without a responsible person, or a rule not in force on the
    day, posts nothing; the latter is logged so an administrator can add
    the rule and post the points by hand.
    """
    if not apps.is_installed("sunshine.merit") or check.responsible_person is None:
        return
    from sunshine.merit.posting import post_event_points

    day = timezone.localdate(check.performed_at)
    try:
        post_event_points(SPOT_CHECK_FAILED, check.responsible_person, check, day, actor)
    except ValidationError as error:
        logger.warning("no merit points posted for failed spot check %s: %s", check.pk,
                       "; ".join(error.messages))
