"""Reading the versioned setting in force for a county on a date.

The setting table is small and read on hot public pages, so each process
keeps all rows in memory (``sunshine.lib.table_copy``). Versions are only
ever added (a database trigger rejects UPDATE and DELETE), so the row count
and the highest id change with every write. Writing a setting drops the
kept copy at once in the writing process; other processes notice within a
second.

Of two versions with the same date, the one entered last is in force
(``sunshine.rules.models.NEWEST_FIRST``), here and wherever the table is
read directly.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone

from sunshine.lib.table_copy import TableCopy
from sunshine.rules.defaults import DEFAULTS
from sunshine.rules.models import NEWEST_FIRST, Setting

# Per key and county code (None for all counties), the versions in the
# order of NEWEST_FIRST as (effective_from, id, value).
Versions = dict[tuple[str, str | None], list[tuple[datetime.date, int, Any]]]


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
    versions = _copy.get()
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
    """Note a write to the setting table by this thread (see ``TableCopy.written``)."""
    _copy.written()


def version_ids_in_force(on: datetime.date | None = None) -> set[int]:
    """Return the ids of the versions in force on a date, one per key and county at most.

    An all-county version counts as in force for the counties without one of their own.
    """
    on = on or timezone.localdate()
    found = set()
    for versions in _copy.get().values():
        version_id = _in_force_id(versions, on)
        if version_id is not None:
            found.add(version_id)
    return found


def _in_force(versions: list[tuple[datetime.date, int, Any]], on: datetime.date) -> Any:
    for effective_from, _version_id, value in versions:
        if effective_from <= on:
            return value
    return None


def _in_force_id(versions: list[tuple[datetime.date, int, Any]],
                 on: datetime.date) -> int | None:
    for effective_from, version_id, _value in versions:
        if effective_from <= on:
            return version_id
    return None


def _load() -> Versions:
    versions: Versions = defaultdict(list)
    rows = Setting.objects.order_by(*NEWEST_FIRST).values_list(
        "key", "county_id", "effective_from", "id", "value"
    )
    for key, county, effective_from, version_id, value in rows:
        versions[(key, county)].append((effective_from, version_id, value))
    return dict(versions)


def _generation() -> tuple:
    return tuple(Setting.objects.aggregate(count=Count("id"), last=Max("id")).values())


_copy: TableCopy[Versions] = TableCopy(_load, _generation)
