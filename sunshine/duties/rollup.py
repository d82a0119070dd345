"""Recomputing the cached progress and completion date of tasks, up to the top of the tree.

A task without active sub-tasks takes the percent and, at 100%, the
``as_of`` date of its newest approved progress report. A parent takes the
weighted mean of its active sub-tasks, Σ(weight × progress) ÷ Σ(weight),
and is complete on the latest completion date once every active sub-task
is complete. Cancelled sub-tasks drop out of both. The divisor is the sum
of the weights rather than 100, so a parent whose sub-tasks' weights do
not (yet) sum to 100% still shows the mean of the work it has.

Callers run this inside the transaction that changed a report, a weight, a
cancellation or the tree.
"""

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from sunshine.duties.models import ProgressReport, ReportStatus, Task

ZERO = Decimal("0")
FULL = Decimal("100")
HUNDREDTH = Decimal("0.01")
# A parent with an unfinished sub-task never shows 100% through rounding.
BELOW_FULL = Decimal("99.99")


def refresh_progress(tasks: Iterable[Task]) -> None:
    """Recompute the given tasks and all their ancestors, deepest first."""
    ids: set[int] = set()
    for task in tasks:
        ids.add(task.pk)
        ids.update(task.ancestor_ids())
    rows = Task.objects.filter(pk__in=ids).only("pk", "path")
    for task in sorted(rows, key=lambda t: t.depth, reverse=True):
        progress, completed_on = _compute(task)
        Task.objects.filter(pk=task.pk).update(progress=progress, completed_on=completed_on)


def _compute(task: Task) -> tuple[Decimal, datetime.date | None]:
    children = list(
        Task.objects.filter(parent=task, cancelled_on__isnull=True)
        .values_list("weight", "progress", "completed_on")
    )
    if children:
        return weighted(children)
    report = (ProgressReport.objects.filter(task=task, status=ReportStatus.APPROVED)
              .order_by("-decided_at", "-id").only("percent", "as_of").first())
    if report is None:
        return ZERO, None
    percent = Decimal(report.percent)
    return percent, report.as_of if percent == FULL else None


def weighted(children: list[tuple[Decimal, Decimal, datetime.date | None]]
             ) -> tuple[Decimal, datetime.date | None]:
    """Return the weighted progress and completion date of (weight, progress, completed_on) rows."""
    total_weight = sum((weight for weight, _p, _c in children), ZERO)
    if total_weight == 0:
        return ZERO, None
    dates = [completed for _w, _p, completed in children]
    if all(dates):
        return FULL, max(d for d in dates if d is not None)
    mean = sum((weight * progress for weight, progress, _c in children), ZERO) / total_weight
    return min(mean.quantize(HUNDREDTH, rounding=ROUND_HALF_UP), BELOW_FULL), None


def directive_progress(directive) -> Decimal:
    """Return the weighted progress of a directive's active top-level tasks."""
    rows = list(
        Task.objects.filter(directive=directive, parent__isnull=True, cancelled_on__isnull=True)
        .values_list("weight", "progress", "completed_on")
    )
    return weighted(rows)[0]
