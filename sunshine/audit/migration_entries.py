"""Appending audit entries from data migrations, which must use historical models."""

from typing import Any

from django.utils import timezone

from sunshine.audit import chain


def append_system_entry(apps: Any, *, action: str, object_type: str, changes: dict,
                        digests: list[str], superseded: list[list] | None = None) -> Any:
    """Append one entry by the system to the chain, as ``chain.append`` does, and return it.

    ``digests`` are the digests of the rows the entry now covers and
    ``superseded`` the ``[entry id, digest]`` pairs of the versions they
    replace, so that ``sunshine verify_audit`` still passes after the
    migration.
    """
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ChainHead = apps.get_model("audit", "ChainHead")
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = ChainHead.objects.create(pk=1, last_id=0, last_hash=chain.GENESIS_HASH)
    count, total = chain.sum_digests(digests)
    entry = AuditEntry(
        pk=head.last_id + 1, at=timezone.now(), actor_id=None, actor_label="system",
        action=action, object_type=object_type, object_id="", changes=changes,
        row_count=count, row_digest=total if count else "", superseded=superseded or [],
        prev_hash=head.last_hash,
    )
    entry.chain_hash = chain.entry_hash(entry)
    entry.save(force_insert=True)
    head.last_id = entry.pk
    head.last_hash = entry.chain_hash
    head.save(update_fields=["last_id", "last_hash"])
    return entry
