"""Making a project's allocations or disbursements equal the rows of a sheet.

Stored rows are paired with sheet rows in rounds. The first round pairs
rows equal in every ledger column. Later rounds pair rows that share a
looser key: a payment's voucher number, then its date and payee; an
allocation's source and approval date, then its source. Paired rows that
differ are updated; unpaired stored rows are deleted and unpaired sheet
rows inserted. Unchanged rows are not
written at all, so importing the same file twice writes nothing.

Each call writes one audit entry for all the rows of its model that it
inserts, updates or deletes.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple

from django.db import connection, models

from sunshine.audit import chain
from sunshine.funds.ledger import bulk
from sunshine.funds.ledger.digests import row_digests
from sunshine.funds.models import Source

AUDIT_ACTION = "import_ledger"
QUERY_CHUNK = 1000

KeyFunction = Callable[[tuple], Any]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


class StoredRow(NamedTuple):
    pk: int
    entry_id: int | None
    values: tuple
    managed: tuple


class ChildTable:
    """The columns of a child model of Project that a ledger sheet manages.

    ``managed`` names the attributes the ledger sets. The first ``identity``
    of them are the sheet's columns; the rest are derived from them. A
    derived attribute named in ``sticky`` keeps its stored value on a row
    whose ``sticky_key`` columns (all sheet columns by default) are
    unchanged, because a person may have set it differently when entering
    the row.

    Row values are kept in ``chain.digest_fields`` order and in the form
    the database takes: fen rather than yuan, and dates as ISO text, which
    is also their form in an audit digest. So rows feed the digest, SQLite
    and COPY without per-value conversion.
    """

    def __init__(self, model: type[models.Model], managed: Sequence[str], *, identity: int,
                 rounds: Sequence[KeyFunction], sticky: Sequence[str] = (),
                 sticky_key: Sequence[str] = ()):
        self.model = model
        self.fields = chain.digest_fields(model)
        attnames = [f.attname for f in self.fields]
        self.managed = tuple(managed)
        self.managed_positions = [attnames.index(name) for name in managed]
        self.identity = identity
        self.sticky_positions = [self.managed.index(name) for name in sticky]
        key_positions = [self.managed.index(name) for name in sticky_key] or range(identity)
        self.sticky_key = itemgetter(*key_positions)
        self.version_position = attnames.index("version")
        self.rounds = rounds
        defaults = [f.get_prep_value(f.get_default()) for f in self.fields]
        defaults[attnames.index("origin")] = Source.LEDGER
        self.defaults = tuple(defaults)
        # Picks each column from (*managed, *defaults) in one C call.
        sources = {position: index for index, position in enumerate(self.managed_positions)}
        self._assemble = itemgetter(*(sources.get(p, len(managed) + p)
                                      for p in range(len(self.fields))))

    def load(self, project_ids: Iterable[int]) -> dict[int, list[StoredRow]]:
        """Return the stored rows of these projects, oldest first, keyed by project id.

        The query is raw SQL because Django's per-value converters (fen to
        Decimal and back) cost more than the rest of a re-import.
        """
        ids = sorted(project_ids)
        convert = self._converters()
        project_position = [f.attname for f in self.fields].index("project_id")
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        stored: dict[int, list[StoredRow]] = defaultdict(list)
        with connection.cursor() as cursor:
            for start in range(0, len(ids), QUERY_CHUNK):
                chunk = ids[start:start + QUERY_CHUNK]
                cursor.execute(
                    f"SELECT id, audit_entry_id, {columns} FROM {table} "  # noqa: S608
                    f"WHERE project_id IN ({', '.join(['%s'] * len(chunk))}) ORDER BY id",
                    chunk,
                )
                for pk, entry_id, *raw in cursor.fetchall():
                    for position, function in convert:
                        if raw[position] is not None:
                            raw[position] = function(raw[position])
                    values = tuple(raw)
                    managed = tuple(values[p] for p in self.managed_positions)
                    stored[values[project_position]].append(StoredRow(pk, entry_id, values, managed))
        return stored

    def _converters(self) -> list[tuple[int, Callable[[Any], Any]]]:
        """Return the conversions that bring raw column values into this table's row form.

        psycopg returns dates and booleans typed, and so does Django's
        sqlite3 connection through the converters it registers. Dates become
        ISO text. Booleans pass through bool() in case a driver returns 0
        and 1.
        """
        converters: list[tuple[int, Callable[[Any], Any]]] = []
        for position, model_field in enumerate(self.fields):
            if isinstance(model_field, models.DateField):
                converters.append((position, _iso_date))
            elif isinstance(model_field, models.BooleanField):
                converters.append((position, bool))
        return converters

    def new_row(self, managed: tuple) -> tuple:
        return self._assemble(managed + self.defaults)

    def changed_row(self, stored: StoredRow, managed: tuple) -> list | None:
        """Return the stored row with the ledger's values, or None when nothing differs."""
        if self.sticky_positions and self.sticky_key(stored.managed) == self.sticky_key(managed):
            kept = list(managed)
            for position in self.sticky_positions:
                kept[position] = stored.managed[position]
            managed = tuple(kept)
        if stored.managed == managed:
            return None
        values = list(stored.values)
        for position, value in zip(self.managed_positions, managed, strict=True):
            values[position] = value
        values[self.version_position] += 1
        return values


def _iso_date(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


@dataclass
class Plan:
    inserts: list[tuple]
    updates: list[tuple[StoredRow, list]]
    deletes: list[StoredRow]
    unchanged: int = 0
    changed_projects: set[int] = field(default_factory=set)


def pair_rows(stored: list[StoredRow], incoming: list[tuple], rounds: Sequence[KeyFunction]
              ) -> tuple[list[tuple[StoredRow, tuple]], list[tuple], list[StoredRow]]:
    """Pair stored rows with incoming managed tuples; return pairs and both leftovers.

    A key function returns None for a row it cannot key (an empty voucher
    number), which leaves that row to the next round.
    """
    pairs: list[tuple[StoredRow, tuple]] = []
    for key_of in rounds:
        if not stored or not incoming:
            break
        pool: dict[Any, list[StoredRow]] = defaultdict(list)
        for row in reversed(stored):
            key = key_of(row.managed)
            if key is not None:
                pool[key].append(row)
        paired: set[int] = set()
        left: list[tuple] = []
        for managed in incoming:
            key = key_of(managed)
            bucket = pool.get(key) if key is not None else None
            if bucket:
                match = bucket.pop()
                paired.add(match.pk)
                pairs.append((match, managed))
            else:
                left.append(managed)
        stored = [row for row in stored if row.pk not in paired]
        incoming = left
    return pairs, incoming, stored


def plan_children(table: ChildTable, incoming: dict[int, list[tuple]],
                  stored_by_project: dict[int, list[StoredRow]]) -> Plan:
    """Compare each project's incoming rows with its stored rows (from ``table.load``)."""
    plan = Plan([], [], [])
    project_position = table.managed.index("project_id")
    for project_id, rows in incoming.items():
        pairs, new, gone = pair_rows(stored_by_project.get(project_id, []), rows, table.rounds)
        for stored, managed in pairs:
            values = table.changed_row(stored, managed)
            if values is None:
                plan.unchanged += 1
            else:
                plan.updates.append((stored, values))
                plan.changed_projects.add(managed[project_position])
        plan.inserts.extend(map(table.new_row, new))
        plan.deletes.extend(gone)
        if new or gone:
            plan.changed_projects.add(project_id)
    return plan


def write_children(actor: Any, table: ChildTable, plan: Plan) -> Counts:
    """Append one audit entry for the plan's rows, then write them in bulk."""
    counts = Counts(len(plan.inserts), len(plan.updates), len(plan.deletes), plan.unchanged)
    if not counts.changed:
        return counts

    digests = row_digests(plan.inserts) + row_digests(values for _, values in plan.updates)
    old_rows = [stored for stored, _ in plan.updates] + plan.deletes
    old_digests = row_digests(row.values for row in old_rows)
    superseded = [[row.entry_id, digest] for row, digest in zip(old_rows, old_digests, strict=True)]
    entry = chain.append(actor, AUDIT_ACTION, object_type=chain.object_type_of(table.model),
                         changes=_changes(counts), row_digests=digests, superseded=superseded)

    bulk.delete(table.model, [row.pk for row in plan.deletes])
    bulk.update(table.model, table.fields, [(s.pk, v) for s, v in plan.updates], entry.pk)
    bulk.insert(table.model, table.fields, plan.inserts, entry.pk)
    return counts


def _changes(counts: Counts) -> dict[str, int]:
    return {"created": counts.created, "updated": counts.updated, "deleted": counts.deleted}
