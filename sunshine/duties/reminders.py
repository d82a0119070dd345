"""Deadline reminders for tasks: before the deadline, and once when it has passed.

The thresholds come from the versioned setting ``duties.reminder_days``
(7, 3 and 1 days by default). A task due in ``n`` days gets the reminder of
the smallest threshold ≥ ``n``, so a run that was skipped for a few days
sends the one that still matters instead of every missed one. Each reminder
has a key of task, deadline and threshold, so running twice on a day, or
every day, sends it once. A moved deadline starts the reminders again.

An overdue task reminds its responsible person and the leaders of its lead
unit, once per deadline.

A catch-up run for an earlier day skips the reminders before the deadline
of a task that is overdue by the real today or already got its overdue
notice, because they would arrive saying the task is still due.
"""

import datetime
import logging
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sunshine.audit import chain
from sunshine.duties.actions.common import leaders_of
from sunshine.duties.models import Task
from sunshine.notify.models import Notification
from sunshine.notify.outbox import Message, compose, queue
from sunshine.rules.models import Setting
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

KEY = "duties.reminder_days"
CHUNK = 500


def threshold_for(days_left: int, thresholds: list[int]) -> int | None:
    """Return the smallest threshold at or above ``days_left``, or None if none applies."""
    fitting = [days for days in thresholds if days >= days_left]
    return min(fitting) if fitting else None


def due_messages(task: Task, today: datetime.date) -> list[Message]:
    days_left = (task.deadline - today).days
    thresholds = [int(days) for days in get_setting(KEY, region=task.lead_unit.region, on=today)]
    threshold = threshold_for(days_left, thresholds)
    person = task.responsible_person
    if threshold is None or person is None or person.user is None or not person.user.is_active:
        return []
    key = f"task:{task.pk}:{task.deadline.isoformat()}:due:{threshold}"

    def build(user: Any) -> Message:
        subject = ngettext(
            "Task “%(task)s” is due in %(days)s day, on %(deadline)s",
            "Task “%(task)s” is due in %(days)s days, on %(deadline)s", days_left,
        ) % {"task": task, "days": days_left, "deadline": task.deadline}
        if days_left == 0:
            subject = _("Task “%(task)s” is due today") % {"task": task}
        return Message(user, key, subject, _progress_line(task), _url(task))

    return compose([person.user], build)


def overdue_messages(task: Task, today: datetime.date) -> list[Message]:
    recipients: dict[int, Any] = {}
    person = task.responsible_person
    if person is not None and person.user is not None and person.user.is_active:
        recipients[person.user.pk] = person.user
    for leader in leaders_of(task.lead_unit):
        recipients.setdefault(leader.pk, leader)
    key = overdue_key(task)

    def build(user: Any) -> Message:
        subject = _("Task “%(task)s” is overdue: its deadline was %(deadline)s") % {
            "task": task, "deadline": task.deadline}
        return Message(user, key, subject, _progress_line(task), _url(task))

    return compose(recipients.values(), build)


def overdue_key(task: Task) -> str:
    return f"task:{task.pk}:{task.deadline.isoformat()}:overdue"


def overdue_keys_sent(tasks: list[Task]) -> set[str]:
    """Return the keys of the overdue notices already queued for ``tasks``."""
    keys = [overdue_key(task) for task in tasks]
    return set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))


def _progress_line(task: Task) -> str:
    return _("Lead unit: %(unit)s. Approved progress: %(progress)s%%.") % {
        "unit": task.lead_unit, "progress": f"{task.progress.normalize():f}"}


def _url(task: Task) -> str:
    return reverse("duties:task_detail", args=[task.pk])


def _horizon(today: datetime.date) -> int:
    """Return the largest threshold in force anywhere, so no county's reminders are missed."""
    values = [get_setting(KEY, on=today)]
    values += Setting.objects.filter(key=KEY, effective_from__lte=today).values_list(
        "value", flat=True)
    return max((int(days) for listed in values for days in (listed or [])), default=0)


def send_task_reminders(today: datetime.date | None = None) -> dict[str, int]:
    """Queue the reminders due on ``today`` and return counts.

    The counts are the messages, the new ones among them and the reminders
    skipped because they are out of date by the real today.
    """
    current = timezone.localdate()
    today = today or current
    horizon = _horizon(today)
    tasks = (Task.objects.open().filter(deadline__lte=today + datetime.timedelta(days=horizon))
             .select_related("lead_unit__region", "responsible_person__user__preference")
             .order_by("deadline", "pk"))
    messages: list[Message] = []
    skipped = 0
    for chunk in _chunks(tasks.iterator(chunk_size=CHUNK)):
        # Only a catch-up run can meet a reminder that is out of date by now.
        sent = overdue_keys_sent(chunk) if today < current else set()
        for task in chunk:
            if task.deadline < today:
                messages.extend(overdue_messages(task, today))
            elif task.deadline < current or overdue_key(task) in sent:
                skipped += 1
            else:
                messages.extend(due_messages(task, today))
    created = queue(messages)
    if created:
        with transaction.atomic():
            chain.append(None, "send_reminders", object_type="notify.notification",
                         changes={"on": today.isoformat(), "queued": created})
    logger.info("task reminders on %s: %s candidates, %s new, %s out of date", today,
                len(messages), created, skipped)
    return {"messages": len(messages), "queued": created, "skipped": skipped}


def _chunks(tasks: Iterator[Task]) -> Iterator[list[Task]]:
    chunk: list[Task] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
