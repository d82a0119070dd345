"""The execution benchmark on tiny sizes, so its loader and harness keep working.

No timing is asserted. The end-to-end test starts gunicorn and wrk on
127.0.0.1 against its own PostgreSQL database, ``sunshine_bench_execution_test``.
"""

import shutil
from decimal import Decimal

import psycopg
import pytest

from bench import databases, execution, execution_data, execution_points
from bench.__main__ import parse_args
from sunshine.audit.verify import verify
from sunshine.duties import rates
from sunshine.duties.models import ProgressReport, ReportStatus, Task
from sunshine.duties.periods import year
from sunshine.duties.rollup import refresh_progress
from sunshine.merit.models import PointEntry
from sunshine.organisation.models import Person, Region

SIZES = execution_data.Sizes(tasks=50)


@pytest.fixture
def loaded(db):
    return execution_data.load(SIZES)


def test_loader_writes_requested_counts(loaded):
    assert loaded["tasks"] == 50
    assert loaded["reports"] == 200
    assert loaded["entries"] == PointEntry.objects.count()
    assert Task.objects.count() == 50
    assert ProgressReport.objects.count() == 200
    assert execution_data.loaded_counts() == loaded


def test_loaded_rows_pass_the_audit_check(loaded):
    assert verify() == []


def test_loaded_progress_matches_rollup(loaded):
    before = dict(Task.objects.values_list("pk", "progress"))

    refresh_progress(Task.objects.filter(children=None))

    assert dict(Task.objects.values_list("pk", "progress")) == before


def test_loaded_trees_have_equal_weights(loaded):
    leaves = Task.objects.exclude(parent=None)

    assert set(leaves.values_list("weight", flat=True)) == {Decimal("25.00")}
    assert Task.objects.filter(parent=None).count() == SIZES.trees


def test_loaded_reports_cover_every_status(loaded):
    for status in ReportStatus.values:
        assert ProgressReport.objects.filter(status=status).exists(), status


def test_loaded_data_has_a_rate(loaded):
    city = Region.objects.get(code="331000")
    found = rates.counts(Task.objects.in_region(city), year(2026), execution_data.REFERENCE_DAY)

    assert found.due > 0
    assert 0 < found.done_on_time < found.due


def test_entries_follow_task_outcomes(loaded):
    entries = PointEntry.objects.select_related("person")

    assert entries.filter(rule_code="task_on_time").exists()
    assert entries.filter(rule_code="task_overdue").exists()
    for entry in entries:
        task = Task.objects.get(pk=entry.cause_id)
        status = task.status_on(execution_data.REFERENCE_DAY)
        assert entry.person_id == task.responsible_person_id
        assert (entry.rule_code == "task_on_time") == (status == "done_on_time"), task.code


def test_ledger_user_answers_for_tasks(loaded):
    person = Person.objects.get(user__username=execution_data.LEDGER_USERNAME)
    trees = Task.objects.filter(parent=None, lead_unit=person.unit)

    assert trees.exists()
    assert not trees.exclude(responsible_person=person).exists()


def test_ranking_timing_matches_the_sql(loaded):
    timing = execution_points.time_rankings("2026Q3", "331000", 1)

    assert timing["same_totals"]
    assert timing["rows"] == timing["people"]
    assert timing["rankings_ms"] > 0


def test_scale_sets_sizes():
    full = execution_data.sizes_for(1)
    small = execution_data.sizes_for(0.001)

    assert (full.task_rows, full.reports) == (500_000, 2_000_000)
    assert (small.task_rows, small.reports) == (500, 2_000)


def test_options_name_a_database_per_scale():
    args = parse_args(["--only", "execution", "--scale", "0.01"])

    assert args.only == ["execution"]
    assert execution.ExecutionOptions(scale=args.scale).database_name == \
        "sunshine_bench_execution_0_01"
    assert execution.ExecutionOptions().database_name == "sunshine_bench_execution"


def postgres_reachable() -> bool:
    try:
        databases.postgres_version()
    except psycopg.Error:
        return False
    return True


@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk")
def test_harness_runs_end_to_end():
    if not postgres_reachable():
        pytest.skip("needs PostgreSQL on 127.0.0.1:5432")
    options = execution.ExecutionOptions(scale=0.0002, duration=1, rounds=1, connections=4,
                                         database="sunshine_bench_execution_test")

    figures = execution.run(options)

    names = [figure.measure for figure in figures]
    assert names[0] == "minimal view throughput"
    assert "county execution rate / minimal view" in names
    assert "my merit ledger / minimal view" in names
    assert "rankings() / SQL aggregate" in names
    assert all(figure.value > 0 for figure in figures)
    assert not any("failed" in figure.note for figure in figures)
