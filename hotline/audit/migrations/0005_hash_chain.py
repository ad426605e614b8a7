"""Chain the audit trail: every entry gets `seq`, `prev_hash` and `hash` (audit/chain.py); the
entries already written are chained in the order they were written (time, then id)."""

from django.db import migrations, models

from hotline.audit.chain import GENESIS, entry_digest


def chain_existing(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    prev_hash = GENESIS
    for seq, entry in enumerate(AuditEntry.objects.order_by("at", "id").iterator(), start=1):
        entry.seq, entry.prev_hash = seq, prev_hash
        entry.hash = entry_digest(
            seq=seq,
            at=entry.at,
            actor_id=entry.actor_id,
            action=entry.action,
            target=entry.target,
            reason=entry.reason,
            detail=entry.detail,
            prev_hash=prev_hash,
        )
        entry.save(update_fields=["seq", "prev_hash", "hash"])
        prev_hash = entry.hash


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_report_publish_action")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="前一条哈希"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="哈希"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, unique=True, verbose_name="序号"),
        ),
    ]
