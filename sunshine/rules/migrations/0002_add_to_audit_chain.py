"""Put setting versions into the audit chain and make their table append-only.

Settings hold the statutory deadlines and thresholds, so a row changed or
deleted in the database must show in ``sunshine verify_audit`` as it does
for other governed rows. The rows written before this migration had no
audit entry. One system entry now covers all of them with their digests,
and each row points at it, so they verify from here on. The triggers of
``sunshine.lib.append_only`` are created last, after that pointer update.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from sunshine.audit import chain
from sunshine.lib.append_only import AppendOnlyGuard

ACTION = "enter_chain"
# The fields a setting's row digest covers, in the order the Setting model
# lists them. The historical model lists its fields in another order, and
# a digest depends on the order.
DIGEST_FIELDS = ("version", "key", "county_id", "value", "effective_from", "source",
                 "created_by_id", "created_at")
GUARD = AppendOnlyGuard(
    table="rules_setting",
    columns=("id", "version", "key", "county_id", "value", "effective_from", "source",
             "created_by_id", "created_at"),
    message="rules_setting is append-only; add a newer version instead",
)


def cover_existing_rows(apps, schema_editor) -> None:
    """Append one system entry covering every setting row and point the rows at it."""
    Setting = apps.get_model("rules", "Setting")
    rows = list(Setting._base_manager.order_by("pk"))
    if not rows:
        return
    fields = [Setting._meta.get_field(name) for name in DIGEST_FIELDS]
    digests = [chain.digest_values(field.get_prep_value(getattr(row, field.attname))
                                   for field in fields) for row in rows]
    entry = append_entry(apps, {"reason": "setting versions written before they were audited",
                                "rows": len(rows)}, digests)
    Setting._base_manager.filter(pk__in=[row.pk for row in rows]).update(audit_entry_id=entry.pk)


def append_entry(apps, changes: dict, digests: list[str]):
    """Append one system entry to the chain, as ``chain.append`` does, with historical models."""
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ChainHead = apps.get_model("audit", "ChainHead")
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = ChainHead.objects.create(pk=1, last_id=0, last_hash=chain.GENESIS_HASH)
    count, total = chain.sum_digests(digests)
    entry = AuditEntry(
        pk=head.last_id + 1, at=timezone.now(), actor_id=None, actor_label="system",
        action=ACTION, object_type="rules.setting", object_id="", changes=changes,
        row_count=count, row_digest=total, superseded=[], prev_hash=head.last_hash,
    )
    entry.chain_hash = chain.entry_hash(entry)
    entry.save(force_insert=True)
    head.last_id = entry.pk
    head.last_hash = entry.chain_hash
    head.save(update_fields=["last_id", "last_hash"])
    return entry


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        ('rules', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='setting',
            options={'ordering': ['key', 'county_id', '-effective_from', '-id'], 'verbose_name': 'versioned setting', 'verbose_name_plural': 'versioned settings'},
        ),
        migrations.AddField(
            model_name='setting',
            name='audit_entry',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='audit.auditentry'),
        ),
        migrations.AddField(
            model_name='setting',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AlterField(
            model_name='setting',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.RunPython(cover_existing_rows, migrations.RunPython.noop),
        migrations.RunPython(GUARD.create, GUARD.drop),
    ]
