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

from sunshine.audit import chain
from sunshine.audit.migration_entries import append_system_entry
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
    entry = append_system_entry(
        apps, action=ACTION, object_type="rules.setting", digests=digests,
        changes={"reason": "setting versions written before they were audited",
                 "rows": len(rows)})
    Setting._base_manager.filter(pk__in=[row.pk for row in rows]).update(audit_entry_id=entry.pk)


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
