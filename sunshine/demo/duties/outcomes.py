"""Results of the demo tasks, calibrated so that townships differ in execution rate.

Every township (and every county, for the city directive's tasks) gets a
target rate from one of three bands, so each county has weak townships
near 65% and strong ones above 90%. Leaves get an outcome drawn with the
target as the chance of finishing on time; then single leaves are switched
until the township's rate lies within ``TOLERANCE`` of its target. The
rate is taken over the twelve months up to the day the data describes
(``TaskCalendar.reference``), so the calibration holds whatever that day
is. It is computed here as ``sunshine.duties.rates`` defines it, and
parents roll up as ``sunshine.duties.rollup`` does, so the pages show
what was planned. The tasks of recurring duties are calibrated with the
tree tasks of their unit's township or county.
"""

import datetime
import random
from decimal import Decimal

from sunshine.demo.duties.trees import PlannedTask
from sunshine.demo.schedule import TaskCalendar, random_day
from sunshine.duties.rollup import weighted

TOLERANCE = 0.03
MAX_SWITCHES = 200
# Target bands (lowest, highest, upper end of the band's share of a county's
# townships): 30% weak, 30% middling, 40% strong.
BANDS = ((0.61, 0.69, 0.3), (0.76, 0.88, 0.6), (0.91, 0.98, 1.01))
DEPARTMENT_TARGET = 0.85

ON_TIME = "on_time"
LATE = "late"
OVERDUE = "overdue"
EARLY = "early"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
COMPLETED = (ON_TIME, LATE, EARLY)


def is_due(task: PlannedTask, calendar: TaskCalendar) -> bool:
    """Due in the calendar's reference period on its today; no demo deadline falls before the
    period, so none is carried."""
    return calendar.reference.start <= task.deadline <= calendar.today


def is_done_on_time(task: PlannedTask, calendar: TaskCalendar) -> bool:
    return (is_due(task, calendar) and task.completed_on is not None
            and task.completed_on <= task.deadline)


def rate(tasks: list[PlannedTask], calendar: TaskCalendar) -> float | None:
    due = [task for task in tasks if is_due(task, calendar)]
    if not due:
        return None
    return sum(1 for task in due if is_done_on_time(task, calendar)) / len(due)


def band_targets(rng: random.Random, groups: list[str]) -> dict[str, float]:
    """Assign each group a target rate; the bands fill in order over a shuffled list."""
    shuffled = rng.sample(groups, len(groups))
    targets = {}
    for index, group in enumerate(shuffled):
        position = index / len(shuffled)
        low, high, _upper = next(band for band in BANDS if position < band[2])
        targets[group] = rng.uniform(low, high)
    return targets


def set_outcome(rng: random.Random, leaf: PlannedTask, outcome: str,
                calendar: TaskCalendar) -> None:
    """Give a leaf an outcome with a completion date and progress that fit it."""
    today = calendar.today
    if outcome == LATE and leaf.deadline >= today:
        outcome = OVERDUE
    leaf.outcome = outcome
    leaf.completed_on = None
    if outcome == ON_TIME:
        first = max(leaf.start + datetime.timedelta(days=7), leaf.deadline - datetime.timedelta(days=25))
        leaf.completed_on = random_day(rng, first, leaf.deadline)
    elif outcome == LATE:
        last = min(today, leaf.deadline + datetime.timedelta(days=45))
        leaf.completed_on = random_day(rng, leaf.deadline + datetime.timedelta(days=1), last)
    elif outcome == EARLY:
        leaf.completed_on = random_day(rng, max(leaf.start, today - datetime.timedelta(days=40)),
                                       today)
    if leaf.completed_on is not None:
        leaf.progress = Decimal("100")
    elif outcome == NOT_STARTED:
        leaf.progress = Decimal("0")
    else:
        leaf.progress = Decimal(rng.choice((20, 30, 40, 50, 60, 70, 80, 90)))


def draw_outcome(rng: random.Random, leaf: PlannedTask, target: float,
                 calendar: TaskCalendar) -> str:
    if leaf.start > calendar.today:
        # A recurring duty's task of a period that has not begun.
        return NOT_STARTED
    if leaf.deadline <= calendar.today:
        if rng.random() < target:
            return ON_TIME
        return LATE if rng.random() < 0.45 else OVERDUE
    roll = rng.random()
    if roll < 0.25 * target:
        return EARLY
    return IN_PROGRESS if roll < 0.85 else NOT_STARTED


def roll_up(task: PlannedTask) -> None:
    """Compute parents' progress and completion date from their children, deepest first."""
    if not task.children:
        return
    for child in task.children:
        roll_up(child)
    rows = [(Decimal(child.weight), child.progress, child.completed_on) for child in task.children]
    task.progress, task.completed_on = weighted(rows)


def calibrate(rng: random.Random, roots: list[PlannedTask], target: float,
              calendar: TaskCalendar) -> float | None:
    """Draw the outcomes of a group's leaves, then switch leaves until the rate is on target.

    With few due tasks one switch can jump over the target band, so the
    closest state seen is kept when the band is never reached.
    """
    leaves = [leaf for root in roots for leaf in root.leaves()]
    tasks = [task for root in roots for task in root.walk()]
    for leaf in leaves:
        set_outcome(rng, leaf, draw_outcome(rng, leaf, target, calendar), calendar)
    _roll_all(roots)

    due_leaves = [leaf for leaf in leaves if is_due(leaf, calendar)]
    best = (_distance(rate(tasks, calendar), target), _snapshot(leaves))
    for _switch in range(MAX_SWITCHES):
        current = rate(tasks, calendar)
        if current is None or abs(current - target) <= TOLERANCE:
            return current
        if current < target:
            pool = [leaf for leaf in due_leaves if leaf.outcome != ON_TIME]
            outcome = ON_TIME
        else:
            pool = [leaf for leaf in due_leaves if leaf.outcome == ON_TIME]
            outcome = LATE if rng.random() < 0.5 else OVERDUE
        if not pool:
            break
        set_outcome(rng, rng.choice(pool), outcome, calendar)
        _roll_all(roots)
        distance = _distance(rate(tasks, calendar), target)
        if distance < best[0]:
            best = (distance, _snapshot(leaves))
    _restore(leaves, best[1])
    _roll_all(roots)
    return rate(tasks, calendar)


def _distance(value: float | None, target: float) -> float:
    return abs(value - target) if value is not None else 0.0


def _snapshot(leaves: list[PlannedTask]) -> list[tuple[str, datetime.date | None, Decimal]]:
    return [(leaf.outcome, leaf.completed_on, leaf.progress) for leaf in leaves]


def _restore(leaves: list[PlannedTask],
             snapshot: list[tuple[str, datetime.date | None, Decimal]]) -> None:
    for leaf, (outcome, completed_on, progress) in zip(leaves, snapshot, strict=True):
        leaf.outcome, leaf.completed_on, leaf.progress = outcome, completed_on, progress


def _roll_all(roots: list[PlannedTask]) -> None:
    for root in roots:
        roll_up(root)


def plan_outcomes(rng: random.Random, roots: list[PlannedTask],
                  calendar: TaskCalendar) -> dict[str, float | None]:
    """Calibrate every group; return the rate each group reached over the reference period.

    Groups are township codes (9 digits) and county codes (6 digits) for the
    tasks of county units, which all aim at DEPARTMENT_TARGET.
    """
    by_group: dict[str, list[PlannedTask]] = {}
    for root in roots:
        by_group.setdefault(root.group, []).append(root)
    targets: dict[str, float] = {}
    counties = sorted({group[:6] for group in by_group})
    for county in counties:
        townships = sorted(g for g in by_group if g[:6] == county and len(g) > len(county))
        targets.update(band_targets(rng, townships))
    reached = {}
    for group in sorted(by_group):
        target = targets.get(group, DEPARTMENT_TARGET)
        reached[group] = calibrate(rng, by_group[group], target, calendar)
    return reached
