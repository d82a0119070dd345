"""Writing several governed rows and covering them with one audit entry.

A task with its cooperating units and milestones, or a whole imported
workbook, is one change to the people who read the audit log. The rows an
action inserts, updates and deletes are therefore collected here, and one
entry covering them is appended at the end. It must run inside the caller's ``transaction.atomic()``.
"""

from collections import defaultdict
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from sunshine.audit import chain
from sunshine.audit.actions import ConflictError, change_record, point_rows_at
from sunshine.audit.models import AuditedModel, AuditEntry

RowKey = tuple[type, Any]
Row = TypeVar("Row", bound=AuditedModel)


class Batch:
    def __init__(self) -> None:
        self.written: dict[RowKey, AuditedModel] = {}
        self.superseded: list[list] = []
        self.counts: dict[str, int] = defaultdict(int)

    def insert(self, instance: Row) -> Row:
        instance.save(force_insert=True)
        self.written[_key(instance)] = instance
        self.counts["created"] += 1
        return instance

    def update(self, instance: Row, changes: dict[str, Any], *,
               expected_version: int | None = None) -> tuple[Row, dict[str, list]]:
        """Apply ``changes`` to a locked copy of the row; return it and the changed fields.

        ``expected_version`` None skips the stale-edit check, for changes
        that do not come from an edit form.
        """
        current = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
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
        diff = {}
        for name, value in changes.items():
            old = getattr(current, name)
            if old != value:
                diff[name] = change_record(type(current), name, old, value)
                setattr(current, name, value)
        if not diff:
            return current, diff

        self._supersede(current, before)
        current.version += 1
        current.save()
        self.written[_key(current)] = current
        self.counts["updated"] += 1
        return current, diff

    def delete(self, instance: AuditedModel) -> None:
        current = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
        self._supersede(current, chain.row_digest(current))
        self.written.pop(_key(current), None)
        current.delete()
        self.counts["deleted"] += 1

    def _supersede(self, current: AuditedModel, digest: str) -> None:
        # A row inserted by this batch has no earlier entry to release.
        if _key(current) not in self.written:
            self.superseded.append([current.audit_entry_id, digest])

    @property
    def changed(self) -> bool:
        return bool(self.written or self.superseded)

    def commit(self, actor: Any, action: str, *, object_type: str, object_id: Any = "",
               changes: dict | None = None) -> AuditEntry | None:
        """Append the entry covering every row written; None when nothing changed."""
        if not self.changed:
            return None
        rows = list(self.written.values())
        entry = chain.append(
            actor, action, object_type=object_type, object_id=str(object_id),
            changes=changes or {}, row_digests=[chain.row_digest(row) for row in rows],
            superseded=self.superseded,
        )
        by_model: dict[type, list] = defaultdict(list)
        for row in rows:
            by_model[type(row)].append(row.pk)
            row.audit_entry = entry
        for model, pks in by_model.items():
            point_rows_at(model, pks, entry)
        return entry


def _key(instance: AuditedModel) -> RowKey:
    return type(instance), instance.pk
