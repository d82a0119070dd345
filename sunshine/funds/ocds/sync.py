"""Comparing wanted rows with stored ones and writing only the differences, audited.

An import writes each model in at most two statements, each covered by one
audit entry: the new rows (``bulk_create`` after an entry that sums their
digests) and the changed rows (``bulk_update`` after an entry that records
each row's old digest as superseded). Unchanged rows are not touched, so a
repeated import appends nothing to the chain. Callers run inside
``transaction.atomic()``.
"""

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from sunshine.audit import chain
from sunshine.audit.models import AuditedModel
from sunshine.funds.ocds.report import RowCounts

BATCH_SIZE = 500
# Stays under SQLite's limit of bound parameters in one statement.
LOOKUP_CHUNK = 500


@dataclass
class Plan:
    """What to write for one model: new rows, changed rows with their diffs, and the rest."""

    model: type[AuditedModel]
    creates: list[AuditedModel] = field(default_factory=list)
    updates: list[tuple[AuditedModel, dict[str, tuple[Any, Any]]]] = field(default_factory=list)
    unchanged: int = 0
    rows: dict[Hashable, AuditedModel] = field(default_factory=dict)

    def want(self, key: Hashable, values: dict[str, Any], existing: AuditedModel | None,
             extra_diff: dict[str, tuple[Any, Any]] | None = None) -> AuditedModel:
        """Plan one row; ``extra_diff`` names changes outside the row, such as its links."""
        if existing is None:
            row = self.model(**values)
            self.creates.append(row)
        else:
            row = existing
            diff = {name: (getattr(row, name), value) for name, value in values.items()
                    if getattr(row, name) != value}
            diff.update(extra_diff or {})
            if diff:
                self.updates.append((row, diff))
            else:
                self.unchanged += 1
        self.rows[key] = row
        return row


def numbered(keys: Iterable[Hashable]) -> Iterator[tuple[Hashable, int]]:
    """Pair each key with its occurrence number, so repeated keys stay distinct."""
    seen: Counter = Counter()
    for key in keys:
        yield key, seen[key]
        seen[key] += 1


def chunks(values: Sequence, size: int = LOOKUP_CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def fetch(queryset: models.QuerySet, lookup: str, values: Iterable) -> list:
    """Return the rows whose ``lookup`` is in ``values``, locked, querying in chunks."""
    distinct = list(dict.fromkeys(values))
    rows: list = []
    for part in chunks(distinct):
        rows.extend(queryset.select_for_update().filter(**{f"{lookup}__in": part}).order_by("pk"))
    return rows


def fetch_values(queryset: models.QuerySet, lookup: str, values: Iterable, *names: str) -> list:
    """Return ``values_list(*names)`` of the rows whose ``lookup`` is in ``values``, in chunks."""
    distinct = list(dict.fromkeys(values))
    found: list = []
    for part in chunks(distinct):
        found.extend(queryset.filter(**{f"{lookup}__in": part}).order_by().values_list(*names))
    return found


def apply(actor: Any, plan: Plan, files: list[str]) -> RowCounts:
    create_rows(actor, plan.model, plan.creates, files)
    update_rows(actor, plan.model, plan.updates, files)
    return RowCounts(len(plan.creates), len(plan.updates), plan.unchanged)


def create_rows(actor: Any, model: type[AuditedModel], rows: list[AuditedModel],
                files: list[str]) -> None:
    """Insert rows under one entry; their foreign keys must already hold primary keys."""
    if not rows:
        return
    entry = chain.append(
        actor,
        "import",
        object_type=chain.object_type_of(model),
        changes={"source": "ocds", "files": files, "rows": len(rows)},
        row_digests=[chain.row_digest(row) for row in rows],
    )
    for row in rows:
        row.audit_entry = entry
    model._base_manager.bulk_create(rows, batch_size=BATCH_SIZE)


def update_rows(actor: Any, model: type[AuditedModel],
                updates: list[tuple[AuditedModel, dict[str, tuple[Any, Any]]]],
                files: list[str]) -> None:
    """Apply diffs under one entry that supersedes each row's previous digest."""
    if not updates:
        return
    superseded = [[row.audit_entry_id, chain.row_digest(row)] for row, _diff in updates]
    concrete = {f.name for f in model._meta.concrete_fields} | {
        f.attname for f in model._meta.concrete_fields}
    changed_fields: set[str] = {"version", "audit_entry"}
    recorded = {}
    for row, diff in updates:
        for name, (_old, new) in diff.items():
            if name in concrete:
                setattr(row, name, new)
                changed_fields.add(name)
        row.version += 1
        recorded[str(row.pk)] = {name: [plain(old), plain(new)] for name, (old, new) in diff.items()}

    entry = chain.append(
        actor,
        "update",
        object_type=chain.object_type_of(model),
        changes={"source": "ocds", "files": files, "rows": recorded},
        row_digests=[chain.row_digest(row) for row, _diff in updates],
        superseded=superseded,
    )
    rows = [row for row, _diff in updates]
    for row in rows:
        row.audit_entry = entry
    model._base_manager.bulk_update(rows, sorted(changed_fields), batch_size=BATCH_SIZE)


def plain(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(plain(item) for item in value)
    return chain.canonical(value)
