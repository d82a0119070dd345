"""Demo execution data: directives, duty lists, task trees, progress reports and a locked quarter,
then merit points and an effectiveness assessment of one county.

The data describes the day the demo runs, or the ``today`` given (see
``sunshine.demo.schedule.TaskCalendar``). Townships are calibrated to
differ (see ``outcomes``): on that day, each county has townships near a
65% execution rate over the past twelve months and others above 90%. All rows go in with one audit entry per model
(``sunshine.demo.bulk``), so ``sunshine verify_audit`` passes.
"""

import datetime
import logging
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sunshine.demo.duties import rows
from sunshine.demo.duties.assessment import DemoAssessment, build_assessment
from sunshine.demo.duties.duty_list import build_duty_list
from sunshine.demo.duties.merit import DemoMerit, build_merit
from sunshine.demo.duties.outcomes import plan_outcomes
from sunshine.demo.duties.reports import plan_reports
from sunshine.demo.duties.trees import Planner
from sunshine.demo.organisation import Organisation
from sunshine.demo.petitions import Staff
from sunshine.demo.schedule import TaskCalendar
from sunshine.lib.planner_statistics import refresh_planner_statistics

logger = logging.getLogger(__name__)


@dataclass
class DemoDuties:
    directives: int
    tasks: int
    reports: int
    evidence: int
    # Execution rate of each township and county group over the calibration period.
    rates: dict[str, float | None]
    merit: DemoMerit
    assessment: DemoAssessment
    calendar: TaskCalendar


def build_duties(actor: Any, rng: random.Random, organisation: Organisation,
                 today: datetime.date | None = None) -> DemoDuties:
    """Create the demo execution data as on ``today`` (default: the current day) in one
    transaction; the assessment part always follows the current day."""
    calendar = TaskCalendar(today or timezone.localdate())
    planner = Planner(rng, organisation, calendar)
    planner.plan()
    admin = get_user_model().objects.get(username="admin")

    with transaction.atomic():
        duties, recurring = build_duty_list(actor, rng, organisation, calendar)
        planner.plan_occurrences(recurring)
        reached = plan_outcomes(rng, planner.roots, calendar)
        leaves = [leaf for root in planner.roots for leaf in root.leaves()]
        reports = {id(leaf): plan_reports(rng, leaf, calendar) for leaf in leaves}
        directives = rows.insert_directives(actor, planner.directives)
        tasks = rows.insert_tasks(actor, planner.roots, directives, duties)
        report_count, evidence_count = rows.insert_reports(
            actor, [(tasks[id(leaf)], reports[id(leaf)]) for leaf in leaves], Staff(organisation))
        refresh_planner_statistics()
        merit = build_merit(actor, calendar.today)
        assessment = build_assessment(actor, rng, organisation)
        # Last, because a locked quarter rejects further evaluations, appeals and exemptions.
        rows.insert_locks(actor, organisation, calendar.locked_quarter, admin)

    result = DemoDuties(len(directives), len(tasks), report_count, evidence_count, reached,
                        merit, assessment, calendar)
    logger.info("demo execution data built: %s directives, %s tasks, %s progress reports, "
                "%s evidence files, %s point entries, %s evaluations, %s survey responses, "
                "%s spot checks", result.directives, result.tasks, result.reports,
                result.evidence, merit.entries, assessment.evaluations, assessment.responses,
                assessment.spot_checks)
    return result
