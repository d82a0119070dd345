"""Merit-point entries of the execution dataset, and the timing of the quarterly ranking.

Every task with an outcome on ``REFERENCE_DAY`` gets the posting that
``sunshine.merit.posting.post_task_points`` would make for its
responsible person: ``task_on_time`` on its completion day, or
``task_overdue`` on its deadline for a task finished late or still open
after it. Points are the rule version's points without the quarterly cap,
which the loader does not track. Run it only in a configured Django
process (``bench.child``).
"""

import datetime
import statistics
import time
from collections.abc import Iterator
from typing import Any

from bench.execution_data import REFERENCE_DAY, TreeRows
from sunshine.duties.periods import quarter_of

ON_TIME = "task_on_time"
OVERDUE = "task_overdue"


def outcome(deadline: datetime.date, completed_on: datetime.date | None
            ) -> tuple[str, datetime.date] | None:
    """Return the rule and day of a task's posting, or None while it earns nothing."""
    if completed_on is not None and completed_on <= deadline:
        return ON_TIME, completed_on
    if completed_on is not None or deadline < REFERENCE_DAY:
        return OVERDUE, deadline
    return None


class PointRows:
    """Deterministic posting rows for the tasks of ``TreeRows``."""

    def __init__(self, trees: TreeRows) -> None:
        from django.contrib.contenttypes.models import ContentType

        from sunshine.duties.models import Task
        from sunshine.merit.models import PointRule

        self.trees = trees
        self.task_type = ContentType.objects.get_for_model(Task).pk
        self.rules = {code: sorted(PointRule.objects.filter(code=code),
                                   key=lambda rule: rule.effective_from)
                      for code in (ON_TIME, OVERDUE)}

    def _rule(self, code: str, day: datetime.date) -> Any:
        versions = [rule for rule in self.rules[code] if rule.effective_from <= day]
        if not versions:
            raise RuntimeError(f"no version of point rule {code} is in force on {day}")
        return versions[-1]

    def entries(self) -> Iterator[dict[str, Any]]:
        from django.utils import timezone

        entry_id = 0
        for task in self.trees.tasks():
            found = outcome(task["deadline"], task["completed_on"])
            if found is None:
                continue
            code, day = found
            rule = self._rule(code, day)
            entry_id += 1
            yield {
                "id": entry_id, "person_id": task["responsible_person_id"], "rule_id": rule.pk,
                "rule_code": code, "kind": "posting", "points": rule.points,
                "rule_points": rule.points, "cap": rule.cap, "period": quarter_of(day).key,
                "occurred_on": day, "cause_type_id": self.task_type, "cause_id": task["id"],
                "cause_label": f"{task['code']} {task['name']}", "reason": "",
                "created_by_id": None,
                "created_at": timezone.make_aware(datetime.datetime.combine(day,
                                                                            datetime.time(18))),
            }


def raw_ranking_sql() -> str:
    """Return the single SQL aggregate that ``rankings`` computes for a region, written by hand."""
    from sunshine.merit.models import PointEntry
    from sunshine.organisation.models import Person, Region, Unit

    return (
        "SELECT p.id, p.name, u.name, COALESCE(SUM(e.points) FILTER (WHERE e.occurred_on "
        "BETWEEN %(first)s AND %(last)s), 0) AS total, RANK() OVER (ORDER BY COALESCE(SUM("
        "e.points) FILTER (WHERE e.occurred_on BETWEEN %(first)s AND %(last)s), 0) DESC) "
        f"FROM {Person._meta.db_table} p JOIN {Unit._meta.db_table} u ON u.id = p.unit_id "
        f"JOIN {Region._meta.db_table} r ON r.code = u.region_id "
        f"LEFT JOIN {PointEntry._meta.db_table} e ON e.person_id = p.id "
        "WHERE r.path LIKE %(prefix)s GROUP BY p.id, p.name, u.name ORDER BY 5, 2, 1"
    )


def time_rankings(period_key: str, region_code: str, repeats: int) -> dict[str, Any]:
    """Time ``rankings`` and the raw SQL alternately; return medians in ms and the row counts."""
    from django.db import connection

    from sunshine.duties.periods import parse_period
    from sunshine.merit.rankings import rankings
    from sunshine.organisation.models import Region

    period = parse_period(period_key)
    region = Region.objects.get(code=region_code)
    params = {"first": period.start, "last": period.end, "prefix": f"{region.path}%"}
    product: list[float] = []
    raw: list[float] = []
    for _ in range(repeats):
        started = time.perf_counter()
        ranking = rankings(period, region)
        product.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(raw_ranking_sql(), params)
            rows = cursor.fetchall()
        raw.append((time.perf_counter() - started) * 1000)
    return {"rankings_ms": statistics.median(product), "sql_ms": statistics.median(raw),
            "people": ranking.sample, "rows": len(rows),
            "same_totals": sorted(r.total for r in ranking.rows) == sorted(r[3] for r in rows)}
