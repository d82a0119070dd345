"""The seed formula for task points, computed from the duties tables alone.

Reversal and exemption entries correct a posting after the fact, so they
are left out here. For a person and a day ``through``, the task postings
in the ledger must then sum, before caps, to the points of ``task_on_time`` for each task the person completed by
its deadline, plus the points of ``task_overdue`` (negative) for each task
completed late or still open after its deadline. With the default rules
that is +10 × on-time tasks − 5 × delayed tasks. Each task is priced with
the rule version in force on its event day: the completion day of an
on-time task, the deadline of a delayed one.

The identity holds once ``post_points`` has run for every quarter up to
``through``, because an open overdue task is posted at quarter close.
NOTE: a task cancelled or reopened after its points were posted keeps its
entry until a reviewer reverses it; until then it breaks the identity.
"""

import datetime

from django.db.models import Case, F, Q, Sum, Value, When

from sunshine.duties.models import Task
from sunshine.merit.models import PointEntry, PointRule
from sunshine.merit.posting import TASK_ON_TIME, TASK_OVERDUE, TASK_RULES
from sunshine.organisation.models import Person


def versioned_points(code: str, day: str) -> Case:
    """Return the points of the version of ``code`` in force on the row's ``day`` column."""
    versions = list(PointRule.objects.filter(code=code).order_by("effective_from")
                    .values_list("effective_from", "points"))
    whens = []
    for index, (start, points) in enumerate(versions):
        condition = Q(**{f"{day}__gte": start})
        if index + 1 < len(versions):
            condition &= Q(**{f"{day}__lt": versions[index + 1][0]})
        whens.append(When(condition, then=Value(points)))
    return Case(*whens, default=Value(0))


def formula_points(person: Person, through: datetime.date) -> int:
    """Return the task points the seed formula gives ``person`` up to ``through``, in one query."""
    on_time = Q(completed_on__lte=F("deadline")) & Q(completed_on__lte=through)
    delayed = Q(deadline__lte=through) & (Q(completed_on__isnull=True)
                                          | Q(completed_on__gt=F("deadline")))
    totals = Task.objects.active().filter(responsible_person=person).aggregate(
        on_time=Sum(versioned_points(TASK_ON_TIME, "completed_on"), filter=on_time),
        delayed=Sum(versioned_points(TASK_OVERDUE, "deadline"), filter=delayed),
    )
    return (totals["on_time"] or 0) + (totals["delayed"] or 0)


def ledger_task_points(person: Person, through: datetime.date) -> int:
    """Return the task postings of ``person`` up to ``through``, before caps and corrections."""
    total = (PointEntry.objects.postings()
             .filter(person=person, rule_code__in=TASK_RULES, occurred_on__lte=through)
             .aggregate(total=Sum("rule_points"))["total"])
    return total or 0
