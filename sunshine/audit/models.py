"""The hash-chained audit log and the base class of the rows it covers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One appended change, login or view of protected data.

    ``chain_hash`` is SM3 over the entry's fields and ``prev_hash``, so
    altering or removing any entry breaks every later link. ``row_digest``
    sums the digests of the rows the entry wrote (see ``sunshine.audit.chain``),
    so altering a covered row is detected as well.
    """

    at = models.DateTimeField(_("time"), db_index=True)
    # Plain columns, not foreign keys: deleting a user must not rewrite history.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    row_digest = models.CharField(max_length=64, blank=True)
    superseded = models.JSONField(default=list, blank=True)
    prev_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class ChainHead(models.Model):
    """A single row locked by every append so entries are chained one at a time."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"#{self.last_id} {self.last_hash[:12]}"


class AuditedModel(models.Model):
    """Base of every governed model: rows point at the entry that last wrote them.

    ``version`` increases on each update, which is what the actions compare
    to reject an edit based on a stale copy.
    """

    audit_entry = models.ForeignKey(
        AuditEntry, models.DO_NOTHING, null=True, blank=True, editable=False,
        db_constraint=False, db_index=False, related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True
