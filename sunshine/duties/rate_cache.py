"""Execution-rate figures kept in the shared cache until the next governed write.

Over 500,000 tasks, the three grouped aggregates behind the rate page take
hundreds of milliseconds on PostgreSQL. The figures depend only on the
tasks the user's scope covers, the region, the period and the day, so they
are cached under a key holding those and the audit-chain generation (the
id of the newest audit entry, as ``sunshine.portal.cache`` uses it). Every
change to a task, a report or a unit appends an audit entry, which makes
all older figures unreachable. Another process sees a write within
``sunshine.portal.cache.REFRESH_SECONDS``; the writing process at once.

Nothing is cached inside a transaction (a test, or a request in
ATOMIC_REQUESTS mode), whose entries other processes cannot see yet.
"""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection

from sunshine.duties import rates
from sunshine.duties.models import TaskQuerySet
from sunshine.duties.periods import Period
from sunshine.organisation.models import Region
from sunshine.organisation.scoping import scope_for
from sunshine.portal.cache import ENTRY_SECONDS, generation

T = TypeVar("T")


@dataclass(frozen=True)
class Figures:
    total: rates.Counts
    rows: list[rates.Row]


def compute(tasks: TaskQuerySet, region: Region, period: Period,
            today: datetime.date) -> Figures:
    total = rates.counts(tasks.in_region(region), period, today)
    rows = (rates.by_child_region(tasks, region, period, today)
            + rates.by_unit(tasks, region, period, today))
    return Figures(total, rows)


def cache_key(user: Any, region: Region, period: Period, today: datetime.date,
              name: str = "figures") -> str:
    scope = scope_for(user)
    raw = repr((name, scope.everything, scope.region_paths, scope.unit_paths, region.code,
                period.key, today.isoformat()))
    return f"sunshine:rates:{generation()}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached(user: Any, region: Region, period: Period, today: datetime.date, name: str,
           compute_value: Callable[[], T]) -> T:
    """Return ``compute_value()`` for this scope, region, period and day, cached when safe."""
    if connection.in_atomic_block:
        return compute_value()
    key = cache_key(user, region, period, today, name)
    found = cache.get(key)
    if found is None:
        found = compute_value()
        cache.set(key, found, timeout=ENTRY_SECONDS)
    return found


def figures(tasks: TaskQuerySet, user: Any, region: Region, period: Period,
            today: datetime.date) -> Figures:
    """Return the figures of ``tasks`` (already scoped to ``user``), from the cache when fresh."""
    return cached(user, region, period, today, "figures",
                  lambda: compute(tasks, region, period, today))
