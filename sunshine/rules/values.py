"""Reading the versioned setting in force for a county on a date.

The setting table is small and read on hot public pages, so each process
keeps all rows in memory. Versions are only ever added or deleted, so the
row count and the highest id change with every write. Each process compares
them with its copy at most once per ``REFRESH_SECONDS`` and re-reads the
table when they differ, which works across processes without a shared cache.

A transaction uses the kept copy while it is fresh. Otherwise it reads the
table without keeping the result, because that may still roll back. Writing
a setting drops the kept copy at once in the writing process.
"""

import datetime
import threading
import time
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from sunshine.rules.defaults import DEFAULTS
from sunshine.rules.models import Setting

REFRESH_SECONDS = 1.0

Versions = dict[tuple[str, str | None], list[tuple[datetime.date, Any]]]

_lock = threading.Lock()
_state: dict[str, Any] = {"versions": None, "generation": None, "checked_at": 0.0}


def county_code_of(region) -> str | None:
    """Return the county code from a region's path, without a query."""
    if region is None:
        return None
    parts = region.path.strip("/").split("/")
    return parts[1] if len(parts) > 1 else None


def get_setting(key: str, *, region=None, on: datetime.date | None = None) -> Any:
    """Return the value of ``key`` in force on a date for the region's county.

    A county's own version wins over the all-county version; without either
    the coded default applies. Raises KeyError for an unknown key.
    """
    default = DEFAULTS[key]
    on = on or timezone.localdate()
    versions = _versions()
    county = county_code_of(region)
    value = _in_force(versions.get((key, county), []), on) if county else None
    if value is None:
        value = _in_force(versions.get((key, None), []), on)
    if value is None:
        return default.value
    if isinstance(default.value, Decimal):
        return Decimal(str(value))
    return type(default.value)(value)


def settings_changed() -> None:
    """Make this process re-read the setting table on the next look-up."""
    with _lock:
        _state["versions"] = None


def _in_force(versions: list[tuple[datetime.date, Any]], on: datetime.date) -> Any:
    for effective_from, value in versions:
        if effective_from <= on:
            return value
    return None


def _load() -> Versions:
    versions: Versions = defaultdict(list)
    rows = Setting.objects.order_by("-effective_from").values_list(
        "key", "county_id", "effective_from", "value"
    )
    for key, county, effective_from, value in rows:
        versions[(key, county)].append((effective_from, value))
    return dict(versions)


def _versions() -> Versions:
    now = time.monotonic()
    with _lock:
        if _state["versions"] is not None and now - _state["checked_at"] < REFRESH_SECONDS:
            return _state["versions"]
    if connection.in_atomic_block:
        # What a transaction reads may still roll back, so it is not kept.
        return _load()
    generation = tuple(Setting.objects.aggregate(count=Count("id"), last=Max("id")).values())
    with _lock:
        if _state["versions"] is None or generation != _state["generation"]:
            _state["versions"] = _load()
            _state["generation"] = generation
        _state["checked_at"] = now
        return _state["versions"]
