"""Checking the whole audit chain and every row it covers."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext as _

from sunshine.audit import chain
from sunshine.audit.models import AuditedModel, AuditEntry, ChainHead

BATCH = 5000


@dataclass
class Problem:
    entry_id: int | None
    message: str


def audited_models() -> list[type[AuditedModel]]:
    return [m for m in apps.get_models() if issubclass(m, AuditedModel)]


def verify_links() -> Iterator[Problem]:
    """Recompute every chain hash in order and compare each link."""
    previous = chain.GENESIS_HASH
    expected_id = 1
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=BATCH):
        if entry.pk != expected_id:
            yield Problem(expected_id, _("entry #%(id)s is missing") % {"id": expected_id})
            return
        if entry.prev_hash != previous:
            yield Problem(entry.pk, _("entry #%(id)s does not link to the entry before it")
                          % {"id": entry.pk})
            return
        if chain.entry_hash(entry) != entry.chain_hash:
            yield Problem(entry.pk, _("entry #%(id)s was altered after it was written")
                          % {"id": entry.pk})
            return
        previous = entry.chain_hash
        expected_id += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_id != expected_id - 1:
        yield Problem(head.last_id, _("the chain ends at #%(end)s but its head records #%(head)s")
                      % {"end": expected_id - 1, "head": head.last_id})


def verify_rows() -> Iterator[Problem]:
    """Rebuild each entry's row sum from the rows that point at it now."""
    totals: dict[int, int] = defaultdict(int)
    counts: dict[int, int] = defaultdict(int)
    for model in audited_models():
        yield from _add_current_rows(model, totals, counts)
    for superseded in AuditEntry.objects.exclude(superseded=[]).values_list(
        "superseded", flat=True
    ).iterator(chunk_size=BATCH):
        for old_entry, digest in superseded:
            totals[old_entry] = (totals[old_entry] + int(digest, 16)) % chain.MODULUS
            counts[old_entry] += 1
    for entry_id, count, digest, object_type, object_id in AuditEntry.objects.filter(
        row_count__gt=0
    ).values_list("id", "row_count", "row_digest", "object_type", "object_id").iterator(
        chunk_size=BATCH
    ):
        found = format(totals.pop(entry_id, 0), "064x")
        if counts.pop(entry_id, 0) != count or found != digest:
            yield Problem(entry_id, _(
                "rows written by entry #%(id)s (%(type)s %(object)s) were changed, added "
                "or deleted outside the application"
            ) % {"id": entry_id, "type": object_type, "object": object_id})
    for entry_id in sorted(totals):
        yield Problem(entry_id, _("rows point at entry #%(id)s, which wrote no rows")
                      % {"id": entry_id})


def _add_current_rows(model, totals, counts) -> Iterator[Problem]:
    fields = chain.digest_fields(model)
    names = ["pk", "audit_entry_id", *(f.attname for f in fields)]
    rows = model._base_manager.order_by().values_list(*names).iterator(chunk_size=BATCH)
    for pk, entry_id, *values in rows:
        if entry_id is None:
            yield Problem(None, _("%(model)s row %(pk)s has no audit entry: it was written "
                                  "outside the application") % {"model": model._meta.label_lower,
                                                                "pk": pk})
            continue
        digest = chain.digest_row(model, fields, values)
        totals[entry_id] = (totals[entry_id] + int(digest, 16)) % chain.MODULUS
        counts[entry_id] += 1


def verify_derived() -> Iterator[Problem]:
    """Ask each model with derived columns (``audit_exclude``) to recompute them.

    Those columns are left out of row digests, so a change made to them
    outside the application shows only here.
    """
    for model in audited_models():
        check = getattr(model, "derived_mismatches", None)
        if check is None:
            continue
        for pk in check():
            yield Problem(None, _(
                "%(model)s row %(pk)s has cached totals that differ from its covered rows"
            ) % {"model": model._meta.label_lower, "pk": pk})


def review_notes() -> list[str]:
    """Collect the rows that models ask a person to review (method ``review_notes``).

    Such rows are consistent with the chain, so they are not problems of it.
    """
    notes: list[str] = []
    for model in audited_models():
        collect = getattr(model, "review_notes", None)
        if collect is not None:
            notes.extend(collect())
    return notes


def verify() -> list[Problem]:
    problems = list(verify_links())
    problems.extend(verify_rows())
    problems.extend(verify_derived())
    return sorted(problems, key=lambda p: (p.entry_id is None, p.entry_id or 0))
