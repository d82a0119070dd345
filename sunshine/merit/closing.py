"""Posting at quarter close: overdue penalties and any task or petition points still missing."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sunshine.duties.models import Task
from sunshine.duties.periods import Period
from sunshine.merit.models import PointEntry
from sunshine.merit.posting import (
    PETITION_SATISFIED,
    TASK_RULES,
    post_event_points,
    post_task_points,
    task_outcome,
)
from sunshine.organisation.models import Person
from sunshine.petitions.models import Rating, Reply


@dataclass
class Result:
    tasks: int = 0
    petitions: int = 0


def tasks_to_post(period: Period):
    """Tasks with a responsible person that may owe ``period`` an entry they lack.

    A task's event day is its completion day when done on time, else its
    deadline, so the candidates are the tasks completed or due in the period.
    ``post_quarter`` keeps those whose event day falls in it.
    """
    posted = PointEntry.objects.postings().filter(
        cause_type=ContentType.objects.get_for_model(Task), cause_id=OuterRef("pk"),
        person=OuterRef("responsible_person"), rule_code__in=TASK_RULES)
    days = (period.start, period.end)
    in_period = Q(completed_on__range=days) | Q(deadline__range=days)
    return (Task.objects.active().filter(in_period, responsible_person__isnull=False)
            .exclude(Exists(posted)).order_by("pk"))


def post_quarter(period: Period, actor=None) -> Result:
    """Post the entries that the events of ``period`` earn and still lack; safe to run again.

    Only events of the period count: a task done on time in it, a task whose
    deadline in it passed before completion or at quarter close, and a reply
    rated satisfied in it. Earlier quarters are posted by running for each.
    """
    result = Result()
    close = period.end + datetime.timedelta(days=1)
    for task in tasks_to_post(period):
        outcome = task_outcome(task, close)
        if outcome is None or not period.contains(outcome[1]):
            continue
        if post_task_points(task, actor=actor, on=close, completed_only=False) is not None:
            result.tasks += 1
    result.petitions = post_petitions(period, actor)
    return result


def post_petitions(period: Period, actor=None) -> int:
    """Post ``petition_satisfied`` for replies rated satisfied in the period, where missing."""
    posted = 0
    first, after = (timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
                    for day in (period.start, period.end + datetime.timedelta(days=1)))
    replies = (Reply.objects.filter(rating=Rating.SATISFIED, rated_at__gte=first,
                                    rated_at__lt=after, petition__handler__isnull=False)
               .select_related("petition__handler").order_by("pk"))
    for reply in replies:
        person = Person.objects.filter(user=reply.petition.handler).first()
        if person is None:
            continue
        existing = PointEntry.objects.postings().for_cause(reply.petition).filter(
            person=person, rule_code=PETITION_SATISFIED).exists()
        if not existing:
            post_event_points(PETITION_SATISFIED, person, reply.petition,
                              timezone.localdate(reply.rated_at), actor)
            posted += 1
    return posted
