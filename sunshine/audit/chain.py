"""Appending to the audit chain and digesting the rows an entry covers.

A row's digest is SM3 over its field values in a canonical JSON form. An
entry's ``row_digest`` is the sum, modulo 2**256, of the digests of the rows
it wrote, so one entry can cover a 100,000-row import without storing a list
and the sum does not depend on row order. When a later entry rewrites or
deletes a row it records the row's previous digest under ``superseded``, so
the earlier entry's sum can still be rebuilt during verification.
"""

import datetime
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone

from sunshine.audit.models import AuditEntry, ChainHead
from sunshine.lib.crypto import sm3_hex

GENESIS_HASH = "0" * 64

# Sent with ``entry=`` after each append, inside the writer's transaction.
entry_appended = Signal()
MODULUS = 1 << 256
EXCLUDED_FIELDS = {"id", "audit_entry"}


def canonical(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def digest_fields(model: type[models.Model]) -> list[models.Field]:
    """Return the concrete fields that a row digest covers, in a stable order.

    A model lists derived columns (totals kept for speed) in ``audit_exclude``;
    they are recomputed from covered rows, so the digest leaves them out.
    """
    excluded = EXCLUDED_FIELDS | set(getattr(model, "audit_exclude", ()))
    return [f for f in model._meta.concrete_fields if f.name not in excluded]


def digest_values(values: Iterable[Any]) -> str:
    # Keys are sorted because PostgreSQL jsonb returns object keys in its own order.
    text = json.dumps(
        [canonical(v) for v in values], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return sm3_hex(text.encode())


def row_digest(instance: models.Model) -> str:
    model = type(instance)
    fields = digest_fields(model)
    return digest_row(model, fields, [getattr(instance, f.attname) for f in fields])


def digest_row(model: type[models.Model], fields: list[models.Field], values: list[Any]) -> str:
    """Return the digest of one row's values of ``fields``, read from the row or the database.

    A model lists fields added after rows were written in ``audit_added``.
    Such a field counts only when it contains a value (not None or ""), so the
    rows digested before it existed still verify, and filling it in or
    clearing it later still changes the digest.
    """
    return digest_prepared(model, fields,
                           [field.get_prep_value(value) for field, value in zip(fields, values,
                                                                               strict=True)])


def digest_prepared(model: type[models.Model], fields: list[models.Field],
                    prepared: list[Any]) -> str:
    """Return the digest of one row's values already prepared for the database."""
    added = set(getattr(model, "audit_added", ()))
    return digest_values(value for field, value in zip(fields, prepared, strict=True)
                         if not (field.name in added and value in (None, "")))


def sum_digests(digests: Iterable[str]) -> tuple[int, str]:
    """Return the count and the order-free sum of row digests, as hex."""
    total = 0
    count = 0
    for digest in digests:
        total = (total + int(digest, 16)) % MODULUS
        count += 1
    return count, format(total, "064x")


def entry_hash(entry: AuditEntry) -> str:
    body = [
        entry.pk,
        canonical(entry.at),
        entry.actor_id,
        entry.actor_label,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.changes,
        entry.row_count,
        entry.row_digest,
        entry.superseded,
        entry.prev_hash,
    ]
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return sm3_hex(text.encode())


def actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None:
        return {"actor_id": None, "actor_label": "system"}
    return {"actor_id": actor.pk, "actor_label": actor.get_username()}


def object_type_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


def locked_head() -> ChainHead:
    """Return the chain head, locked until the caller's transaction ends.

    Whoever holds it knows the id of the next entry: ``last_id + 1``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit entries must be appended inside transaction.atomic()")
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = ChainHead.objects.create(pk=1, last_id=0, last_hash=GENESIS_HASH)
    return head


def append(
    actor: Any,
    action: str,
    *,
    object_type: str = "",
    object_id: str = "",
    changes: dict | None = None,
    row_digests: Iterable[str] = (),
    superseded: list[list] | None = None,
    head: ChainHead | None = None,
) -> AuditEntry:
    """Append one entry to the chain inside the caller's transaction.

    The chain head row is locked first, so concurrent appends are chained one
    after another rather than forking from the same previous hash. A caller
    that already holds the lock passes the head it got from ``locked_head``.
    """
    count, total = sum_digests(row_digests)
    head = head or locked_head()
    entry = AuditEntry(
        pk=head.last_id + 1,
        at=timezone.now(),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changes=changes or {},
        row_count=count,
        row_digest=total if count else "",
        superseded=superseded or [],
        prev_hash=head.last_hash,
        **actor_fields(actor),
    )
    entry.chain_hash = entry_hash(entry)
    entry.save(force_insert=True)

    head.last_id = entry.pk
    head.last_hash = entry.chain_hash
    head.save(update_fields=["last_id", "last_hash"])
    entry_appended.send(sender=AuditEntry, entry=entry)
    return entry
