"""Generic audited writes that the domain actions build on.

Each function must run inside the caller's ``transaction.atomic()`` block,
so the row change and its audit entry commit or roll back together.
"""

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from sunshine.audit import chain
from sunshine.audit.models import AuditedModel, AuditEntry

Row = TypeVar("Row", bound=AuditedModel)


class ConflictError(Exception):
    """Raised when an edit was based on a version that someone else has since changed."""


def create_row(actor: Any, instance: Row, *, action: str = "create") -> Row:
    """Insert one governed row and append the entry that covers it."""
    instance.save(force_insert=True)
    entry = chain.append(
        actor,
        action,
        object_type=chain.object_type_of(type(instance)),
        object_id=str(instance.pk),
        changes=snapshot(instance),
        row_digests=[chain.row_digest(instance)],
    )
    _point_at(instance, entry)
    return instance


def create_rows(actor: Any, rows: Sequence[AuditedModel], *, action: str,
                subject: AuditedModel | None = None) -> AuditEntry:
    """Insert several new rows that one step writes, covered by a single entry.

    The chain head is locked before the rows are written, so the entry's id
    is known and each row is inserted already pointing at it. The foreign
    key is checked at commit. This saves the pointer update per row and the
    lock per row that ``create_row`` costs. The entry names ``subject``
    (the first row by default) and carries its field values.
    """
    head = chain.locked_head()
    for row in rows:
        row.audit_entry_id = head.last_id + 1
        row.save(force_insert=True)
    subject = subject or rows[0]
    entry = chain.append(
        actor,
        action,
        object_type=chain.object_type_of(type(subject)),
        object_id=str(subject.pk),
        changes=snapshot(subject),
        row_digests=[chain.row_digest(row) for row in rows],
        head=head,
    )
    for row in rows:
        row.audit_entry = entry
    return entry


def update_row(
    actor: Any, instance: Row, changes: dict[str, Any], *, expected_version: int | None
) -> Row:
    """Apply field changes to a locked copy of the row, rejecting stale edits.

    ``expected_version`` is the version the editor loaded; None skips the
    check for system updates that do not come from an edit form.
    """
    model = type(instance)
    current = model._base_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(
            _(
                "“%(object)s” was changed by someone else after you opened it "
                "(your version %(mine)s, current version %(theirs)s); "
                "reload the page and apply your edit again"
            )
            % {"object": current, "mine": expected_version, "theirs": current.version}
        )
    before = chain.row_digest(current)
    superseded = [[current.audit_entry_id, before]]
    diff = {}
    for name, value in changes.items():
        old = getattr(current, name)
        if old != value:
            diff[name] = change_record(model, name, old, value)
            setattr(current, name, value)
    if not diff:
        return current

    current.version += 1
    current.save()
    entry = chain.append(
        actor,
        "update",
        object_type=chain.object_type_of(model),
        object_id=str(current.pk),
        changes=diff,
        row_digests=[chain.row_digest(current)],
        superseded=superseded,
    )
    _point_at(current, entry)
    return current


def delete_row(actor: Any, instance: AuditedModel) -> AuditEntry:
    model = type(instance)
    current = model._base_manager.select_for_update().get(pk=instance.pk)
    superseded = [[current.audit_entry_id, chain.row_digest(current)]]
    object_id = str(current.pk)
    changes = snapshot(current)
    current.delete()
    return chain.append(
        actor,
        "delete",
        object_type=chain.object_type_of(model),
        object_id=object_id,
        changes=changes,
        superseded=superseded,
    )


def supersede(rows: Iterable[AuditedModel]) -> list[list]:
    """Return the superseded list for rows an entry is about to rewrite or delete."""
    return [[row.audit_entry_id, chain.row_digest(row)] for row in rows]


def point_rows_at(model: type[models.Model], pks: Sequence[int], entry: AuditEntry) -> None:
    model._base_manager.filter(pk__in=pks).update(audit_entry=entry)


WITHHELD = "(withheld)"


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Return the field values an entry records for a row.

    Fields a model lists in ``audit_withheld`` (personal data that a
    retention period must be able to erase) are covered by the row digest
    but not copied into the entry, which can never change.
    """
    withheld = set(getattr(type(instance), "audit_withheld", ()))
    return {
        f.attname: WITHHELD if f.name in withheld
        else chain.canonical(_plain(getattr(instance, f.attname)))
        for f in chain.digest_fields(type(instance))
        if f.name != "version"
    }


def change_record(model: type[models.Model], name: str, old: Any, new: Any) -> list[Any]:
    """Return the [old, new] pair an entry records for one changed field."""
    if name in getattr(model, "audit_withheld", ()):
        return [WITHHELD, WITHHELD]
    return [chain.canonical(_plain(old)), chain.canonical(_plain(new))]


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    return value


def _point_at(instance: AuditedModel, entry: AuditEntry) -> None:
    type(instance)._base_manager.filter(pk=instance.pk).update(audit_entry=entry)
    instance.audit_entry = entry
