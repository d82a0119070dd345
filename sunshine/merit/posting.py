"""Posting ledger entries from events: once per person, rule and cause, within the quarterly cap.

Other modules call ``post_event_points`` (spot checks, petitions) or
``post_task_points`` (tasks). Posting the same cause under the same rule
again returns the entry already posted, so every caller may retry and the
``post_points`` command may rerun safely.
"""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sunshine.audit.actions import create_row
from sunshine.duties.models import Task, TaskStatus
from sunshine.duties.periods import quarter_of
from sunshine.merit.models import EntryKind, PointEntry, PointRule
from sunshine.organisation.models import Person

logger = logging.getLogger(__name__)

TASK_ON_TIME = "task_on_time"
TASK_OVERDUE = "task_overdue"
AWARD_PIONEER = "award_pioneer"
SPOT_CHECK_FAILED = "spot_check_failed"
PETITION_SATISFIED = "petition_satisfied"
TASK_RULES = (TASK_ON_TIME, TASK_OVERDUE)



def cause_label_of(cause: models.Model) -> str:
    """Return the label an entry keeps of its cause, in the platform's default language.

    The ledger is append-only, so the label is written once and must not
    depend on the language of the user whose action caused the posting.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return str(cause)[:300]


def post_event_points(rule_code: str, person: Person, cause: models.Model,
                      occurred_on: datetime.date, actor: Any, *, reason: str = "") -> PointEntry:
    """Post the points of rule ``rule_code`` for ``cause`` and return the entry.

    When the person already has a posting for this rule and cause, that
    entry is returned and nothing is written. Raises ValidationError when no
    version of the rule is in force on ``occurred_on``.
    """
    with transaction.atomic():
        # Postings of one person run one at a time, so two cannot both fit under the cap.
        Person.objects.select_for_update().filter(pk=person.pk).exists()
        existing = (PointEntry.objects.postings().for_cause(cause)
                    .filter(person=person, rule_code=rule_code).first())
        if existing is not None:
            return existing

        rule = rule_in_force(rule_code, occurred_on)
        period = quarter_of(occurred_on).key
        entry = PointEntry(
            person=person, rule=rule, rule_code=rule.code, kind=EntryKind.POSTING,
            points=capped_points(rule, person, period), rule_points=rule.points, cap=rule.cap,
            period=period, occurred_on=occurred_on, cause=cause,
            cause_label=cause_label_of(cause), reason=reason.strip(), created_by=actor,
            created_at=timezone.now(),
        )
        create_row(actor, entry, action="post")
    logger.info("point entry %s posted: person %s, rule %s, %s points", entry.pk, person.pk,
                rule_code, entry.points)
    return entry


def rule_in_force(rule_code: str, on: datetime.date) -> PointRule:
    rule = PointRule.objects.in_force(rule_code, on)
    if rule is None:
        raise ValidationError(
            _("No version of point rule “%(code)s” is in force on %(date)s; add one that takes "
              "effect on or before that day") % {"code": rule_code, "date": on.isoformat()},
            code="no_rule")
    return rule


def capped_points(rule: PointRule, person: Person, period: str) -> int:
    """Return the rule's points reduced to what still fits under its cap in ``period``.

    The cap counts every entry of the rule in the quarter, corrections
    included, so a reversed entry frees its room again. A negative rule's
    cap limits the total deduction.
    """
    if rule.cap is None:
        return rule.points
    used = (PointEntry.objects.filter(person=person, rule_code=rule.code, period=period)
            .aggregate(total=Sum("points"))["total"] or 0)
    sign = 1 if rule.points > 0 else -1
    room = max(0, rule.cap - sign * used)
    return sign * min(abs(rule.points), room)


def task_outcome(task: Task, on: datetime.date) -> tuple[str, datetime.date] | None:
    """Return the rule and event day that a task's state on ``on`` earns, or None.

    A task completed by its deadline earns ``task_on_time`` on its
    completion day. A task completed late, or still open after its
    deadline, earns ``task_overdue`` dated on its deadline, so the penalty
    falls in the quarter of the missed deadline however it is found.
    """
    status = task.status_on(on)
    if status == TaskStatus.DONE_ON_TIME and task.completed_on is not None:
        return TASK_ON_TIME, task.completed_on
    if status in (TaskStatus.DONE_LATE, TaskStatus.OVERDUE):
        return TASK_OVERDUE, task.deadline
    return None


def post_task_points(task: Task, *, actor: Any = None, on: datetime.date | None = None,
                     completed_only: bool = True) -> PointEntry | None:
    """Post the task's outcome for its responsible person; None when it earns nothing yet.

    With ``completed_only`` (the default, used when a completion is
    approved) an open overdue task earns nothing: its penalty is posted at
    quarter close by the ``post_points`` command.
    """
    task = Task.objects.select_related("responsible_person").get(pk=task.pk)
    if task.responsible_person is None or task.cancelled_on is not None:
        return None
    if completed_only and task.completed_on is None:
        return None
    outcome = task_outcome(task, on or timezone.localdate())
    if outcome is None:
        return None
    rule_code, occurred_on = outcome
    return post_event_points(rule_code, task.responsible_person, task, occurred_on, actor)


def post_task_tree_points(task: Task, actor: Any) -> None:
    """Post the outcome of a task and of each ancestor that its approval may have completed."""
    for node in Task.objects.filter(pk__in=[task.pk, *task.ancestor_ids()]):
        post_task_points(node, actor=actor)
