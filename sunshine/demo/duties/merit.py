"""Demo merit points: postings from the tasks of one county, with exemptions and appeals.

Points go through ``sunshine.merit.posting.post_task_points``, the path a
task approval and the quarter-close command take, so every entry is
audited and within its rule's cap. Posting writes one audit entry per
point entry, so only the tasks of ``COUNTY`` (the county of the
``jiaojiang`` demo account) are posted, to keep the demo within seconds.
"""

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from sunshine.duties.models import Task
from sunshine.merit.actions.appeals import decide_appeal, file_appeal
from sunshine.merit.actions.exemptions import decide_exemption, request_exemption
from sunshine.merit.models import PointEntry
from sunshine.merit.posting import TASK_OVERDUE, post_task_points
from sunshine.organisation.models import Region

logger = logging.getLogger(__name__)

COUNTY = "331002"
REVIEWER = "jj_leader"
EXEMPTIONS = 3
APPEALS = 3


@dataclass
class DemoMerit:
    entries: int
    exemptions: int
    appeals: int


def build_merit(actor: Any, today: datetime.date) -> DemoMerit:
    """Post the points of the county's finished and overdue tasks, then review a few of them."""
    tasks = Task.objects.in_region(Region.objects.get(code=COUNTY))
    for task in tasks.exclude(responsible_person=None).order_by("pk"):
        post_task_points(task, actor=actor, on=today, completed_only=False)

    reviewer = get_user_model().objects.get(username=REVIEWER)
    penalties = list(PointEntry.objects.filter(rule_code=TASK_OVERDUE,
                                               person__user__isnull=False).order_by("pk"))
    exemptions = _exempt(penalties[:EXEMPTIONS], reviewer)
    appeals = _appeal(penalties[EXEMPTIONS:EXEMPTIONS + APPEALS], reviewer)
    return DemoMerit(PointEntry.objects.count(), exemptions, appeals)


def _exempt(entries: list[PointEntry], reviewer: Any) -> int:
    """Request an exemption for each entry; approve all but the last, which stays pending."""
    for number, entry in enumerate(entries):
        exemption = request_exemption(
            entry.person.user, entry, reason="受连续台风影响，施工队伍无法进场，已按程序报批调整工期。",
            followed_procedure=True, private_gain=False, prohibited_by_superior=False,
            correction="已制定赶工计划，下月底前完成。")
        if number < len(entries) - 1:
            decide_exemption(reviewer, exemption, approve=True, note="符合容错情形，予以免责。")
    return len(entries)


def _appeal(entries: list[PointEntry], reviewer: Any) -> int:
    """File an appeal on each entry: one upheld, one rejected, the rest left open."""
    for number, entry in enumerate(entries):
        appeal = file_appeal(entry.person.user, entry,
                             reason="该任务已于时限前完成，系台账录入延迟，附完成证明。")
        if number == 0:
            decide_appeal(reviewer, appeal, uphold=True, reason="经核实完成时间在时限内，予以更正。")
        elif number == 1:
            decide_appeal(reviewer, appeal, uphold=False, reason="完成时间晚于时限，维持原扣分。")
    return len(entries)
