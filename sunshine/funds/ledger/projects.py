"""Creating and updating the projects a ledger names, and finding its payees' suppliers.

There are few projects per import, so they go through model instances and
``bulk_create``/``bulk_update``, with one audit entry for all of them.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from sunshine.audit import chain
from sunshine.funds.ledger.sync import AUDIT_ACTION, Counts
from sunshine.funds.ledger.validate import ProjectRow
from sunshine.funds.models import Project, Source, Supplier
from sunshine.lib.money import to_yuan

BATCH = 500
QUERY_CHUNK = 1000
# Project codes listed in an audit entry; a larger import records counts only.
MAX_CODES_IN_ENTRY = 1000


def sync_projects(actor: Any, rows: Sequence[ProjectRow], owner_units: dict[str, int | None]
                  ) -> tuple[Counts, dict[str, int]]:
    """Create or update one project per row; return the counts and each code's id."""
    stored = _lock_projects(row.code for row in rows)
    created: list[Project] = []
    updated: list[tuple[Project, list[str]]] = []
    superseded: list[list] = []
    for row in rows:
        wanted = _wanted_fields(row, owner_units.get(row.code))
        project = stored.get(row.code)
        if project is None:
            created.append(Project(code=row.code, source=Source.LEDGER, **wanted))
            continue
        changed = [name for name, value in _responsible(project, wanted).items()
                   if getattr(project, name) != value]
        if changed:
            superseded.append([project.audit_entry_id, chain.row_digest(project)])
            for name in changed:
                setattr(project, name, wanted[name])
            project.version += 1
            updated.append((project, changed))

    counts = Counts(created=len(created), updated=len(updated),
                    unchanged=len(rows) - len(created) - len(updated))
    if created or updated:
        _write_projects(actor, created, updated, superseded)
    return counts, _ids_by_code([row.code for row in rows])


def _wanted_fields(row: ProjectRow, owner_unit_id: int | None) -> dict[str, Any]:
    return {
        "name": row.name,
        "category": row.category,
        "region_id": row.region,
        "owner_unit_id": owner_unit_id,
        "responsible_name": row.responsible_name,
        "budget": to_yuan(row.budget),
        "planned_start": row.planned_start,
        "planned_end": row.planned_end,
        "progress": row.progress,
        "status": row.status,
        "is_public": row.is_public,
    }


def _responsible(project: Project, wanted: dict[str, Any]) -> dict[str, Any]:
    """Apply the 责任人 cell to a stored project that may link a person record.

    The cell keeps the link while it repeats what an export writes there (the
    imported name, else the linked person's name) or the linked person's
    name. A blank cell clears the responsible person, as a blank optional
    cell clears every field, and another name replaces the linked person.
    """
    person = project.responsible_person
    if person is None:
        return wanted
    cell = wanted["responsible_name"]
    if cell == (project.responsible_name or person.name):
        wanted["responsible_name"] = project.responsible_name
    elif cell == person.name:
        wanted["responsible_name"] = ""
    else:
        wanted["responsible_person_id"] = None
    return wanted


def _lock_projects(codes: Iterable[str]) -> dict[str, Project]:
    ordered = sorted(set(codes))
    found: dict[str, Project] = {}
    for start in range(0, len(ordered), QUERY_CHUNK):
        rows = (Project.all_objects.select_for_update(of=("self",))
                .select_related("responsible_person")
                .filter(code__in=ordered[start:start + QUERY_CHUNK]))
        found.update((project.code, project) for project in rows)
    return found


def _write_projects(actor: Any, created: list[Project], updated: list[tuple[Project, list[str]]],
                    superseded: list[list]) -> None:
    rows = created + [project for project, _ in updated]
    changes: dict[str, Any] = {"created": len(created), "updated": len(updated)}
    if len(rows) <= MAX_CODES_IN_ENTRY:
        changes["codes"] = sorted(project.code for project in rows)
    entry = chain.append(actor, AUDIT_ACTION, object_type=chain.object_type_of(Project),
                         changes=changes, row_digests=[chain.row_digest(p) for p in rows],
                         superseded=superseded)
    for project in rows:
        project.audit_entry = entry
    Project.all_objects.bulk_create(created, batch_size=BATCH)
    if updated:
        names = sorted({name for _, changed in updated for name in changed})
        Project.all_objects.bulk_update([p for p, _ in updated], [*names, "version", "audit_entry"],
                                        batch_size=BATCH)


def _ids_by_code(codes: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(codes), QUERY_CHUNK):
        chunk = codes[start:start + QUERY_CHUNK]
        ids.update(Project.all_objects.filter(code__in=chunk).values_list("code", "pk"))
    return ids


def supplier_ids(codes: Iterable[str]) -> dict[str, int]:
    """Return the id of each stored supplier with one of these credit codes."""
    ordered = sorted(set(codes))
    ids: dict[str, int] = {}
    for start in range(0, len(ordered), QUERY_CHUNK):
        chunk = ordered[start:start + QUERY_CHUNK]
        for code, pk in Supplier.objects.filter(credit_code__in=chunk).values_list(
            "credit_code", "pk"
        ):
            ids[code or ""] = pk
    return ids
