"""Bulk inserts covered by one audit entry per model.

The demo writes thousands of rows. Appending one chain entry per row would
take most of a minute, so each model's rows go in with ``bulk_create``
after one entry that records their count and, for governed models, the sum
of their row digests, exactly as ``sunshine verify_audit`` recomputes it.
Callers run inside ``transaction.atomic()``.
"""

from collections.abc import Sequence
from typing import Any

from django.db import models

from sunshine.audit import chain
from sunshine.audit.models import AuditedModel, AuditEntry
from sunshine.lib.money import to_yuan

BATCH_SIZE = 500


def yuan(fen: int) -> Any:
    """Return fen as Decimal yuan for a FenField.

    Typed Any because django-stubs types FenField as the BigIntegerField it
    stores, whose setter does not list Decimal.
    """
    return to_yuan(fen)


def insert_audited(actor: Any, rows: Sequence[AuditedModel], *, action: str = "demo") -> AuditEntry:
    """Insert rows of one governed model under one entry covering all of them.

    Every foreign key must already hold its target's primary key, because the
    digests are computed before the insert.
    """
    model = type(rows[0])
    entry = chain.append(
        actor,
        action,
        object_type=chain.object_type_of(model),
        changes={"rows": len(rows)},
        row_digests=[chain.row_digest(row) for row in rows],
    )
    for row in rows:
        row.audit_entry = entry
    model._base_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    return entry


def insert_plain(actor: Any, rows: Sequence[models.Model], *, action: str = "demo") -> AuditEntry:
    """Insert rows of a model outside the governed set and record one entry for them."""
    model = type(rows[0])
    model._base_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    return record(actor, model, len(rows), action=action)


def record(actor: Any, model: type[models.Model], count: int, *, action: str = "demo") -> AuditEntry:
    """Append the entry for rows of a model outside the governed set, which carry no digest."""
    return chain.append(
        actor, action, object_type=chain.object_type_of(model), changes={"rows": count}
    )
