"""Compiling the releases of one contracting process into one compiled release.

This follows the OCDS merge routine for the cases that matter to import:
releases are applied in ``date`` order, so later values overwrite earlier
ones; a null removes a field; objects merge field by field; arrays of
objects that all carry an ``id`` merge item by item on that id (compared as
text); any other array is replaced whole.

NOTE: the schema's ``wholeListMerge`` and ``omitWhenMerged`` flags are not
read, so the few arrays they mark are merged by id like any other.
"""

import copy
import datetime
from typing import Any

EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def compile_releases(releases: list[dict]) -> dict:
    ordered = sorted(enumerate(releases), key=lambda pair: (release_time(pair[1]), pair[0]))
    compiled: dict = {}
    for _index, release in ordered:
        merge_object(compiled, release)
    return compiled


def release_time(release: dict) -> datetime.datetime:
    """Return the release date for ordering; a missing or invalid date sorts first."""
    value = release.get("date")
    if not isinstance(value, str):
        return EARLIEST
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        return EARLIEST
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def merge_object(target: dict, source: dict) -> dict:
    for key, value in source.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            target[key] = merge_object(current if isinstance(current, dict) else {}, value)
        elif isinstance(value, list):
            target[key] = merge_list(target.get(key), value)
        else:
            target[key] = value
    return target


def merge_list(current: Any, incoming: list) -> list:
    if not incoming or not all(has_id(item) for item in incoming):
        return without_nulls(incoming)
    merged = current if isinstance(current, list) and all(has_id(i) for i in current) else []
    index = {str(item["id"]): item for item in merged}
    for item in incoming:
        existing = index.get(str(item["id"]))
        if existing is None:
            existing = {}
            index[str(item["id"])] = existing
            merged.append(existing)
        merge_object(existing, item)
    return merged


def has_id(item: Any) -> bool:
    return isinstance(item, dict) and item.get("id") is not None


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return copy.copy(value)
