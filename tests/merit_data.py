"""Shared data for the merit-point tests.

Time is frozen at ``NOW`` (Monday 16 March 2026, first quarter), as in the
duty tests. Personas on top of the conftest ones:
- ``cadre``: the person 张三 in 椒江区人民政府 (``unit_a``), whose user is
  ``operator_a``; responsible for the tasks made here.
- ``leader_a``: leader of ``unit_a``; reviews 张三, approves progress.
- ``township_leader``: leader of 海门街道 (below ``unit_a``); nominates awards
  for its people, which ``leader_a`` decides.
- ``operator_b``'s person 李四 in 黄岩区 is outside every 椒江区 scope.
"""

import datetime

from sunshine.duties import actions as duty_actions
from sunshine.duties.models import Task
from sunshine.merit.models import PointEntry
from sunshine.merit.posting import post_event_points
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Person, Unit
from tests.duties_data import NOW, TODAY, make_directive, make_leader
from tests.duties_data import make_task as make_duty_task

__all__ = ["NOW", "TODAY", "complete", "make_directive", "make_leader", "make_person",
           "make_task", "post"]


def make_person(user, unit: Unit, name: str = "张三") -> Person:
    return org_actions.create_person(None, name=name, unit=unit, user=user)


def make_task(actor, directive, code: str, *, weight: str = "1", **fields) -> Task:
    """Make a task with a small weight, so that many fit under one directive's 100%."""
    return make_duty_task(actor, directive, code, weight=weight, **fields)


def complete(operator, leader, task: Task, as_of: datetime.date) -> Task:
    """Report a task 100% done as of ``as_of`` and approve it, as the staff pages do."""
    report = duty_actions.submit_report(operator, task, percent=100, text="完成", as_of=as_of)
    duty_actions.approve_report(leader, report)
    return Task.objects.get(pk=task.pk)


def post(rule_code: str, person: Person, cause, day: datetime.date = TODAY,
         actor=None) -> PointEntry:
    return post_event_points(rule_code, person, cause, day, actor)
