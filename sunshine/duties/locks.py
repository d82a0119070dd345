"""Whether a quarter is locked for a county, and the check that progress reports pass.

Once a quarter's figures are closed, a progress report dated inside it
would change an execution rate already reported, so reports (and their
approval) for a locked quarter are rejected. A quarter locks itself
``duties.quarter_auto_lock_days`` days after it ends. An administrator of
the county or of the city can lock it earlier or unlock it, and the newest
``PeriodLock`` row records that decision.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.duties.models import PeriodLock, Task
from sunshine.duties.periods import Period, quarter_of
from sunshine.organisation.models import Level, Region, Role
from sunshine.rules.values import get_setting

AUTO_LOCK_DAYS = "duties.quarter_auto_lock_days"


@dataclass(frozen=True)
class LockState:
    period: Period
    county: Region | None
    locked: bool
    since: datetime.date | None
    decision: PeriodLock | None

    @property
    def automatic(self) -> bool:
        return self.decision is None


def county_of(task: Task) -> Region | None:
    return task.lead_unit.region.county()


def lock_state(county: Region | None, period: Period,
               today: datetime.date | None = None, *, automatic: bool = True) -> LockState:
    """Return whether ``period`` (a quarter) is locked for ``county`` on ``today``.

    With ``automatic`` false, only an administrator's decision counts. The
    automatic lock closes progress reports, while third-party evaluations
    and merit points have windows of their own and close only when an
    administrator declares the quarter's figures final.
    """
    today = today or timezone.localdate()
    year, number = period.key.split("Q")
    decision = (PeriodLock.objects.filter(county=county, year=int(year), quarter=int(number))
                .select_related("changed_by").first())
    if decision is not None:
        since = timezone.localtime(decision.changed_at).date() if decision.locked else None
        return LockState(period, county, decision.locked, since, decision)
    if not automatic:
        return LockState(period, county, False, None, None)
    days = get_setting(AUTO_LOCK_DAYS, region=county, on=today)
    if not days:
        return LockState(period, county, False, None, None)
    since = period.end + datetime.timedelta(days=days)
    return LockState(period, county, today >= since, since, None)


def check_open(task: Task, day: datetime.date, today: datetime.date | None = None) -> None:
    """Raise ValidationError when the quarter of ``day`` is locked for the task's county."""
    state = lock_state(county_of(task), quarter_of(day), today)
    if state.locked:
        raise ValidationError(locked_message(state), code="period_locked")


def locked_message(state: LockState) -> str:
    return _(
        "The period %(period)s (%(start)s to %(end)s) is locked for %(place)s since "
        "%(since)s, so progress in it can no longer be reported or approved; %(unlockers)s "
        "can unlock it"
    ) % lock_values(state)


def lock_values(state: LockState) -> dict[str, Any]:
    """Return the placeholders that messages about a locked quarter fill in.

    ``period`` is the quarter's label, ``start`` and ``end`` its days,
    ``place`` the county (or the city's own units), ``since`` the day the
    lock took effect and ``unlockers`` who may lift it.
    """
    place = state.county.name if state.county else _("the city's own units")
    unlockers = (_("an administrator of %(county)s or of the city") % {"county": state.county.name}
                 if state.county else _("an administrator of the city"))
    return {"period": state.period.label, "start": state.period.start, "end": state.period.end,
            "place": place, "since": state.since, "unlockers": unlockers}


def can_lock(user: Any, county: Region | None) -> bool:
    """Tell whether ``user`` may lock ``county``: its own or the city's administrators may."""
    if user.is_superuser:
        return True
    assignments = user.assignments.filter(role=Role.ADMINISTRATOR).select_related("unit__region")
    for assignment in assignments:
        region = assignment.unit.region
        if region.level == Level.CITY:
            return True
        if county is not None and county.path.startswith(region.path):
            return True
    return False
