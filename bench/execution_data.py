"""Bulk loader of the execution dataset: the demo's units, directives, task trees and reports.

Every tree has a root led by a township government and ``CHILDREN``
sub-tasks led by its village committees or itself, weighted equally. Only
the sub-tasks get progress reports, ``REPORTS_PER_LEAF`` each, so the full
size is 500,000 tasks and 2,000,000 reports. Each task with an outcome
also gets its merit-point posting (``bench.execution_points``). Outcomes, dates and report
statuses are arithmetic in the row index: a rerun writes the same rows.
Tasks and reports are written with ``COPY`` under one audit entry per
table (``bench.petitions.copy_audited``), so ``sunshine verify_audit``
passes on the loaded database. Run it only in a configured Django process
(``bench.child``) on PostgreSQL.
"""

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

CHILDREN = 4
TASKS_PER_TREE = 1 + CHILDREN
REPORTS_PER_LEAF = 5
DIRECTIVES_PER_COUNTY = 40
SEED = 20261205
START = datetime.date(2025, 1, 1)
DEADLINE_SPREAD_DAYS = 900
# Completion is judged against this day, so the data does not change with the day it is loaded.
REFERENCE_DAY = datetime.date(2026, 12, 1)
# Per mille of leaves finished on time and finished late; the rest are still open.
ON_TIME_PER_MILLE = 750
LATE_PER_MILLE = 100
RETURNED_PER_MILLE = 100
LOAD_PURPOSE = "execution benchmark dataset"
# The demo's city administrator, and the operator of a township (whose person answers for
# that township's task trees), whose passwords the loader sets for the load's logins.
USERNAME = "admin"
LEDGER_USERNAME = "op331002002"
PASSWORD = "bench-execution-2026"  # noqa: S105 - a benchmark database on 127.0.0.1
SUBMITTER = "bench_operator"
DECIDER = "bench_leader"
VILLAGES_PER_TOWNSHIP = 6
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Sizes:
    tasks: int

    @property
    def trees(self) -> int:
        return max(1, self.tasks // TASKS_PER_TREE)

    @property
    def task_rows(self) -> int:
        """Tasks written: whole trees only, so ``tasks`` rounds down to a multiple of five."""
        return self.trees * TASKS_PER_TREE

    @property
    def reports(self) -> int:
        return self.trees * CHILDREN * REPORTS_PER_LEAF


def sizes_for(scale: float) -> Sizes:
    """Return the sizes at ``scale`` × (500,000 tasks, 2,000,000 reports)."""
    return Sizes(tasks=max(TASKS_PER_TREE, round(500_000 * scale)))


@dataclass(frozen=True)
class Leaf:
    deadline: datetime.date
    completed_on: datetime.date | None
    percents: tuple[int, ...]
    returned: bool


def leaf_plan(index: int, start: datetime.date) -> Leaf:
    """Return the outcome of leaf ``index``: its deadline, completion and reported percents."""
    deadline = START + datetime.timedelta(days=30 + (index * 7919) % DEADLINE_SPREAD_DAYS)
    bucket = (index * 2654435761) % 1000
    returned = (index * 40503) % 1000 < RETURNED_PER_MILLE
    completed: datetime.date | None = None
    if bucket < ON_TIME_PER_MILLE:
        completed = max(start + datetime.timedelta(days=5), deadline - datetime.timedelta(days=5))
    elif bucket < ON_TIME_PER_MILLE + LATE_PER_MILLE:
        completed = deadline + datetime.timedelta(days=12)
    if completed is not None and completed > REFERENCE_DAY:
        completed = None
    percents = (20, 40, 60, 80, 100) if completed else (10, 20, 30, 40, 50)
    return Leaf(deadline, completed, percents, returned)


class TreeRows:
    """Deterministic task and report rows for ``sizes.trees`` trees."""

    def __init__(self, sizes: Sizes, prepared: "Prepared") -> None:
        self.sizes = sizes
        self.townships = prepared.townships
        self.directives = prepared.directives
        self.people = prepared.people
        self.submitter, self.decider = prepared.users

    def _responsible(self, unit: int, index: int) -> int:
        staff = self.people[unit]
        return staff[index % len(staff)]

    def _tree(self, tree: int) -> tuple[int, list[int], int]:
        slot = tree % len(self.townships)
        government, leads = self.townships[slot]
        county_directives = self.directives[slot]
        directive = county_directives[(tree // len(self.townships)) % len(county_directives)]
        return government, leads, directive

    def tasks(self) -> Iterator[dict[str, Any]]:
        for tree in range(self.sizes.trees):
            government, leads, directive = self._tree(tree)
            root_id = tree * TASKS_PER_TREE + 1
            start = START + datetime.timedelta(days=tree % 20)
            leaves = [leaf_plan(tree * CHILDREN + c, start) for c in range(CHILDREN)]
            # The township's clerk, who holds its operator account, answers for the whole tree.
            yield self._row(root_id, directive, None, str(tree + 1), f"任务{tree + 1}", government,
                            self._responsible(government, -1), start,
                            max(leaf.deadline for leaf in leaves) + datetime.timedelta(days=10),
                            Decimal("1.00"), f"{root_id}/", *_rolled_up(leaves))
            for c, leaf in enumerate(leaves):
                task_id = root_id + 1 + c
                lead = leads[c % len(leads)]
                yield self._row(task_id, directive, root_id, f"{tree + 1}.{c + 1}",
                                f"任务{tree + 1}.{c + 1}", lead, self._responsible(lead, tree + c),
                                start, leaf.deadline, Decimal("25.00"), f"{root_id}/{task_id}/",
                                approved_progress(leaf), leaf.completed_on)

    def _row(self, task_id, directive, parent, code, name, lead, person, start, deadline, weight,
             path, progress, completed_on) -> dict[str, Any]:
        return {"id": task_id, "directive_id": directive, "parent_id": parent, "code": code,
                "name": name, "lead_unit_id": lead, "responsible_person_id": person,
                "start": start, "deadline": deadline,
                "weight": weight, "path": path, "progress": progress,
                "completed_on": completed_on}

    def reports(self) -> Iterator[dict[str, Any]]:
        report_id = 0
        for tree in range(self.sizes.trees):
            start = START + datetime.timedelta(days=tree % 20)
            for c in range(CHILDREN):
                leaf = leaf_plan(tree * CHILDREN + c, start)
                task_id = tree * TASKS_PER_TREE + 2 + c
                last_day = leaf.completed_on or min(leaf.deadline, REFERENCE_DAY)
                span = max(1, (last_day - start).days)
                previous = Decimal("0.00")
                for k, percent in enumerate(leaf.percents):
                    report_id += 1
                    as_of = start + datetime.timedelta(days=span * (k + 1) // REPORTS_PER_LEAF)
                    status = _status(leaf, k)
                    yield self._report(report_id, task_id, percent, as_of, status, previous)
                    if status == "approved":
                        previous = Decimal(percent).quantize(HUNDREDTH)

    def _report(self, report_id, task_id, percent, as_of, status, previous) -> dict[str, Any]:
        submitted = _moment(as_of, 10)
        decided = None if status == "submitted" else _moment(as_of + datetime.timedelta(days=1), 15)
        return {"id": report_id, "task_id": task_id, "percent": percent, "text": "按计划推进。",
                "as_of": as_of, "previous_percent": previous, "status": status,
                "submitted_by_id": self.submitter, "submitted_at": submitted,
                "decided_by_id": None if decided is None else self.decider,
                "decided_at": decided,
                "return_reason": "请补充佐证材料。" if status == "returned" else ""}


def _status(leaf: Leaf, k: int) -> str:
    if k == REPORTS_PER_LEAF - 1:
        return "approved" if leaf.completed_on else "submitted"
    if k == REPORTS_PER_LEAF - 2 and leaf.returned:
        return "returned"
    return "approved"


def approved_progress(leaf: Leaf) -> Decimal:
    """Return the percent of the leaf's last approved report, which is its progress."""
    approved = [percent for k, percent in enumerate(leaf.percents)
                if _status(leaf, k) == "approved"]
    return Decimal(approved[-1]).quantize(HUNDREDTH)


def _rolled_up(leaves: list[Leaf]) -> tuple[Decimal, datetime.date | None]:
    """Roll equal-weight leaves up as ``sunshine.duties.rollup.weighted`` does."""
    dates = [leaf.completed_on for leaf in leaves]
    if all(dates):
        return Decimal("100.00"), max(d for d in dates if d is not None)
    progress = [approved_progress(leaf) for leaf in leaves]
    mean = (sum(progress, Decimal("0")) / len(progress)).quantize(HUNDREDTH)
    return min(mean, Decimal("99.99")), None


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@dataclass
class Prepared:
    # (township government id, lead unit ids of its sub-tasks) by township.
    townships: list[tuple[int, list[int]]]
    # The directive ids of each township's county, in the same order.
    directives: list[list[int]]
    # Ids of the report submitter and the deciding leader.
    users: tuple[int, int]
    # Person ids of each unit, the head first.
    people: dict[int, list[int]]


def _prepare_units() -> Prepared:
    """Create the demo organisation, the benchmark's directives and its two report users."""
    from django.contrib.auth import get_user_model

    from sunshine.demo import bulk
    from sunshine.demo.organisation import build_organisation
    from sunshine.duties.models import Directive

    organisation = build_organisation(None, random.Random(SEED), VILLAGES_PER_TOWNSHIP)
    directives: dict[str, list[int]] = {}
    rows = []
    for county in organisation.counties:
        for number in range(1, DIRECTIVES_PER_COUNTY + 1):
            rows.append(Directive(
                title=f"{county.region.name}重点工作任务分解（第{number}批）",
                document_number=f"{county.short_name[0]}政办发〔2026〕{number}号",
                issuer=f"{county.region.name}人民政府办公室", issued_on=START,
                region=county.region, unit=county.units["government"]))
    bulk.insert_audited(None, rows)
    for row in rows:
        directives.setdefault(row.region_id, []).append(row.pk)

    townships = []
    for township in organisation.townships:
        leads = [v.committee.pk for v in township.villages] or [township.government.pk]
        townships.append((township.government.pk, leads))
    users = get_user_model().objects
    for username in (USERNAME, LEDGER_USERNAME):
        viewer = users.get(username=username)
        viewer.set_password(PASSWORD)
        viewer.save(update_fields=["password"])
    submitter = users.create_user(username=SUBMITTER)
    decider = users.create_user(username=DECIDER)
    by_township = [directives[t.county.region.code] for t in organisation.townships]
    people = {unit: [person.pk for person in staff]
              for unit, staff in organisation.people.items()}
    return Prepared(townships, by_township, (submitter.pk, decider.pk), people)


def load(sizes: Sizes) -> dict[str, int]:
    """Load the dataset into the configured, empty database in one transaction."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from bench.execution_points import PointRows
    from bench.petitions import copy_audited
    from sunshine.audit import chain
    from sunshine.duties.models import ProgressReport, Task
    from sunshine.merit.models import PointEntry

    with transaction.atomic():
        if Task.objects.exists():
            raise RuntimeError("the benchmark database already has tasks; recreate it first")
        rows = TreeRows(sizes, _prepare_units())
        counts = {"tasks": copy_audited(Task, rows.tasks),
                  "reports": copy_audited(ProgressReport, rows.reports),
                  "entries": copy_audited(PointEntry, PointRows(rows).entries)}
        chain.append(None, "bulk_load", object_type="bench.execution",
                     changes={"purpose": LOAD_PURPOSE, **counts})
        # Move PostgreSQL's id sequences past the ids the COPY wrote; SQLite needs nothing.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                    no_style(), [Task, ProgressReport, PointEntry]):
                cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def loaded_counts() -> dict[str, int]:
    """Return the task and report counts the loader recorded; zeros when it never ran."""
    from sunshine.audit.models import AuditEntry

    entry = (AuditEntry.objects.filter(action="bulk_load", object_type="bench.execution",
                                       changes__purpose=LOAD_PURPOSE).order_by("-id").first())
    keys = ("tasks", "reports", "entries")
    if entry is None:
        return dict.fromkeys(keys, 0)
    return {key: int(entry.changes.get(key, 0)) for key in keys}

