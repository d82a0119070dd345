"""Demo execution data: directives, duty lists, task trees, reports, evidence and the lock.

The organisation and the execution stage are built once for each of two
days the data describes (without the projects and petitions of the full
demo) to keep the tests short: AS_OF, late in the year, and a day in
spring, when the twelve months behind it span two calendar years. The
full ``sunshine demo`` run, audit check included, is in
test_demo_command.py.
"""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from sunshine.assessment.models import (
    CheckStatus,
    Deduction,
    DeductionStatus,
    Evaluation,
    SpotCheck,
    SurveyResponse,
)
from sunshine.audit.verify import verify
from sunshine.demo.builder import stage_rng
from sunshine.demo.duties import DemoDuties, build_duties
from sunshine.demo.duties.outcomes import plan_outcomes
from sunshine.demo.duties.reports import plan_reports
from sunshine.demo.duties.trees import Planner
from sunshine.demo.organisation import Organisation, build_organisation
from sunshine.demo.schedule import AS_OF, TaskCalendar
from sunshine.duties import actions, rates
from sunshine.duties.locks import lock_state
from sunshine.duties.models import (
    Cycle,
    Directive,
    Duty,
    DutyFunding,
    DutyStep,
    Evidence,
    ProgressReport,
    ReportStatus,
    Task,
    TaskCooperation,
)
from sunshine.duties.periods import quarter_of
from sunshine.duties.rollup import refresh_progress
from sunshine.lib.crypto import sm3_hex
from sunshine.merit.models import (
    Appeal,
    AppealStatus,
    EntryKind,
    Exemption,
    ExemptionStatus,
    PointEntry,
)
from sunshine.organisation.models import Level, Region

pytestmark = pytest.mark.django_db
SEED = 7


@dataclass
class Built:
    organisation: Organisation
    result: DemoDuties

    @property
    def rates(self) -> dict[str, float | None]:
        return self.result.rates

    @property
    def calendar(self) -> TaskCalendar:
        return self.result.calendar

    @property
    def today(self) -> datetime.date:
        return self.result.calendar.today


@pytest.fixture(scope="module", params=[AS_OF, datetime.date(2026, 4, 20)], ids=str)
def built(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """Build once for the module inside a transaction that is rolled back at its end.

    Each test still runs in its own savepoint, so one test's writes do not
    reach the next.
    """
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        organisation = build_organisation(None, stage_rng(SEED, "organisation"), 1)
        result = build_duties(None, stage_rng(SEED, "duties"), organisation, request.param)
        yield Built(organisation, result)
        transaction.set_rollback(True)


def plan_digest(organisation: Organisation, seed: int, calendar: TaskCalendar) -> str:
    """Digest the planned trees, outcomes and reports, which decide every written row."""
    rng = stage_rng(seed, "duties")
    planner = Planner(rng, organisation, calendar)
    planner.plan()
    plan_outcomes(rng, planner.roots, calendar)
    parts = []
    for root in planner.roots:
        for task in root.walk():
            reports = [(r.percent, r.as_of, r.status, r.submitted_at) for r in
                       (plan_reports(rng, task, calendar) if not task.children else [])]
            parts.append((task.directive.number, task.code, task.name, task.lead.name,
                          task.deadline, task.weight, task.progress, task.completed_on, reports))
    return sm3_hex(json.dumps(parts, default=str, ensure_ascii=False).encode())


def test_plan_is_deterministic_for_a_seed(built):
    first = plan_digest(built.organisation, SEED, built.calendar)
    second = plan_digest(built.organisation, SEED, built.calendar)
    other = plan_digest(built.organisation, SEED + 1, built.calendar)

    assert first == second
    assert first != other


def test_every_county_has_weak_and_strong_townships(built):
    tasks = Task.objects.all()
    period = built.calendar.reference
    counties = Region.objects.filter(level=Level.COUNTY).current()

    assert counties.count() == 9
    for county in counties:
        found = [row.counts.execution_rate for row in
                 rates.by_child_region(tasks, county, period, built.today)]
        measured = [value for value in found if value is not None]
        assert len(measured) >= 10, county.name
        assert min(measured) <= Decimal("0.70"), county.name
        assert max(measured) >= Decimal("0.90"), county.name
        assert any(Decimal("0.58") <= value <= Decimal("0.72") for value in measured), county.name


def test_calibrated_rates_match_the_rate_module(built):
    tasks = Task.objects.all()
    period = built.calendar.reference
    township = Region.objects.get(code="331002001")

    computed = rates.counts(tasks.in_region(township), period, built.today).execution_rate

    assert computed is not None
    assert abs(float(computed) - built.rates["331002001"]) < 0.0001


def test_trees_have_weights_summing_to_100(built):
    children = defaultdict(Decimal)
    for parent_id, weight in Task.objects.exclude(parent=None).values_list("parent_id", "weight"):
        children[parent_id] += weight
    tops = defaultdict(Decimal)
    for directive_id, weight in Task.objects.filter(parent=None).values_list("directive_id",
                                                                            "weight"):
        tops[directive_id] += weight

    # A recurring duty's year sums to 100% once all its periods have their task.
    years = set(Task.objects.exclude(period="").values_list("directive_id", flat=True))

    assert children
    assert set(children.values()) == {Decimal("100")}
    assert len(tops) == Directive.objects.count()
    assert {tops[pk] for pk in tops if pk not in years} == {Decimal("100")}
    assert max(tops[pk] for pk in years) == Decimal("100")
    assert all(tops[pk] <= Decimal("100") for pk in years)


def test_trees_have_two_or_three_levels_and_owners(built):
    depths = {task.depth for task in Task.objects.only("path")}

    assert depths == {0, 1, 2}
    assert not Task.objects.filter(responsible_person=None).exists()
    assert TaskCooperation.objects.exists()
    assert Task.objects.filter(lead_unit__kind="village_committee").exists()
    assert Task.objects.exclude(duty=None).exists()
    assert Task.objects.filter(deadline__lt=built.today).exists()
    assert Task.objects.filter(deadline__gt=built.today).exists()


def test_directives_name_each_county_with_numbers(built):
    # The failed spot check adds a rectification directive of its own, numbered by its app.
    demo = Directive.objects.filter(document_number__contains="政办发〔")
    by_county = demo.filter(region__level=Level.COUNTY).values("region").annotate(
        count=Count("pk"))
    numbers = list(demo.values_list("document_number", flat=True))

    assert by_county.count() == 9
    assert all(row["count"] >= 2 for row in by_county)
    years = Directive.objects.exclude(tasks__period="").distinct().count()
    assert len(numbers) + years == built.result.directives
    assert all(number.endswith("号") for number in numbers)
    assert not Directive.objects.filter(issuer="").exists()
    assert Directive.objects.filter(document_number__startswith="椒政办发").exists()


def test_duty_lists_mix_public_and_internal_items(built):
    duties = Duty.all_objects.all()

    assert duties.filter(is_public=True).exists()
    assert duties.filter(is_public=False).exists()
    assert Duty.public_objects.filter(unit__kind="village_committee").exists()
    assert DutyStep.objects.exists()
    for duty_id in DutyFunding.objects.values_list("duty_id", flat=True).distinct():
        shares = DutyFunding.objects.filter(duty_id=duty_id).values_list("share", flat=True)
        assert sum(shares) == Decimal("100")


def test_progress_equals_what_approvals_roll_up_to(built):
    before = dict(Task.objects.values_list("pk", "progress"))
    completed_before = dict(Task.objects.values_list("pk", "completed_on"))

    with transaction.atomic():
        refresh_progress(Task.objects.filter(children=None))
        after = dict(Task.objects.values_list("pk", "progress"))
        completed_after = dict(Task.objects.values_list("pk", "completed_on"))
        transaction.set_rollback(True)

    assert after == before
    assert completed_after == completed_before


def test_reports_cover_every_status(built):
    reports = ProgressReport.objects.all()
    returned = reports.filter(status=ReportStatus.RETURNED)

    for status in ReportStatus.values:
        assert reports.filter(status=status).exists(), status
    assert not returned.filter(return_reason="").exists()
    assert not reports.filter(status=ReportStatus.SUBMITTED).exclude(decided_by=None).exists()
    for report in reports.exclude(decided_by=None).select_related("submitted_by", "decided_by"):
        assert report.decided_by != report.submitted_by
        assert report.decided_at > report.submitted_at
    assert not reports.filter(as_of__gt=built.today).exists()


def test_evidence_files_exist_with_their_digest(built):
    evidence = list(Evidence.objects.all()[:50])

    assert evidence
    for item in evidence:
        with default_storage.open(item.stored_name, "rb") as stored:
            content = stored.read()
        assert content.startswith(b"\x89PNG")
        assert sm3_hex(content) == item.digest
        assert item.size == len(content)


def test_locked_quarter_is_locked_and_audited(built):
    jiaojiang = Region.objects.get(code="331002")
    locked = lock_state(jiaojiang, built.calendar.locked_quarter, built.today)
    current = lock_state(jiaojiang, quarter_of(built.today), built.today)

    assert locked.locked
    assert locked.decision is not None
    assert not current.locked
    assert verify() == []


def test_merit_points_follow_the_task_outcomes(built):
    postings = PointEntry.objects.filter(kind=EntryKind.POSTING)
    jiaojiang = Region.objects.get(code="331002")

    assert postings.filter(rule_code="task_on_time").exists()
    assert postings.filter(rule_code="task_overdue").exists()
    for entry in postings.filter(rule_code__in=["task_on_time", "task_overdue"])[:50]:
        task = Task.objects.get(pk=entry.cause_id)
        assert task.responsible_person_id == entry.person_id
        assert task.lead_unit.region.path.startswith(jiaojiang.path)
        assert (entry.rule_code == "task_on_time") == (
            task.status_on(built.today) == "done_on_time")


def test_merit_reviews_cover_each_decision(built):
    exemptions = set(Exemption.objects.values_list("status", flat=True))
    appeals = set(Appeal.objects.values_list("status", flat=True))

    assert exemptions == {ExemptionStatus.APPROVED, ExemptionStatus.PENDING}
    assert appeals == {AppealStatus.UPHELD, AppealStatus.REJECTED, AppealStatus.OPEN}


def test_assessment_has_deductions_and_surveys(built):
    threshold = Decimal("60")
    low = Evaluation.objects.filter(score_tenths__lt=threshold * 10)

    assert Evaluation.objects.count() >= 10
    assert low.exists()
    assert Deduction.objects.filter(unit__in=low.values("unit"),
                                    status=DeductionStatus.ACTIVE).exists()
    assert SurveyResponse.objects.exists()


def test_spot_checks_pass_fail_and_stay_secret(built):
    checks = SpotCheck.objects.all()
    failed = checks.filter(status=CheckStatus.PERFORMED).exclude(rectification_task=None)

    assert checks.filter(status=CheckStatus.PLANNED).count() == 1
    assert checks.filter(status=CheckStatus.PERFORMED).count() == 2
    assert failed.count() == 1
    assert PointEntry.objects.filter(rule_code="spot_check_failed").exists()


def test_recurring_duties_have_period_tasks(built):
    """Each recurring duty has one task per period up to the horizon: extending adds nothing."""
    recurring = Duty.all_objects.exclude(cycle=Cycle.ONCE)
    occurrences = Task.objects.exclude(period="")

    assert set(recurring.values_list("cycle", flat=True)) == {Cycle.MONTHLY, Cycle.QUARTERLY,
                                                              Cycle.YEARLY}
    assert set(occurrences.values_list("duty_id", flat=True).distinct()) == set(
        recurring.values_list("pk", flat=True))
    assert occurrences.filter(deadline__lt=built.today, completed_on=None).exists()
    assert occurrences.filter(completed_on__lte=built.today).exists()
    with transaction.atomic():
        written = actions.extend_occurrences(None, today=built.today)
        transaction.set_rollback(True)
    assert (written.created, written.cancelled, written.restored) == (0, 0, 0)
