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
)
from sunshine.organisation.models import Person
from sunshine.petitions.models import Rating, Reply


@dataclass
class Result:
    tasks: int = 0
    petitions: int = 0


def tasks_to_post(close: datetime.date):
    """Tasks with a responsible person whose outcome was settled by ``close`` and lacks an entry.

    Settled means completed by ``close``, or due by ``close`` and still open
    then (overdue at quarter close, whatever happened later).
    """
    posted = PointEntry.objects.postings().filter(
        cause_type=ContentType.objects.get_for_model(Task), cause_id=OuterRef("pk"),
        person=OuterRef("responsible_person"), rule_code__in=TASK_RULES)
    settled = Q(completed_on__lte=close) | Q(deadline__lte=close)
    return (Task.objects.active().filter(settled, responsible_person__isnull=False)
            .exclude(Exists(posted)).order_by("pk"))


def post_quarter(period: Period, actor=None) -> Result:
    """Post what the quarter ending ``period.end`` owes; safe to run again."""
    result = Result()
    for task in tasks_to_post(period.end):
        if post_task_points(task, actor=actor, on=period.end + datetime.timedelta(days=1),
                            completed_only=False) is not None:
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
