"""Reading the versioned setting in force for a county on a date.

The setting table is small and read on hot public pages, so each process
keeps all rows in memory (``sunshine.lib.table_copy``). Versions are only
ever added or deleted, so the row count and the highest id change with
every write. Writing a setting drops the kept copy at once in the writing
process; other processes notice within a second.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone

from sunshine.lib.table_copy import TableCopy
from sunshine.rules.defaults import DEFAULTS
from sunshine.rules.models import Setting

Versions = dict[tuple[str, str | None], list[tuple[datetime.date, Any]]]


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


def _generation() -> tuple:
    return tuple(Setting.objects.aggregate(count=Count("id"), last=Max("id")).values())


_copy: TableCopy[Versions] = TableCopy(_load, _generation)
