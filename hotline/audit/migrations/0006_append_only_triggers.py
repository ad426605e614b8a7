"""Database triggers refuse UPDATE and DELETE on the audit trail (core/guards.py). After the
hash chain, whose migration still had to write the existing rows; a later migration that
rebuilds this table on SQLite must install them again."""

from django.db import migrations

from hotline.core.guards import append_only_install, append_only_uninstall

TABLE = "audit_auditentry"


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_hash_chain")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: append_only_install(schema_editor, TABLE),
            lambda apps, schema_editor: append_only_uninstall(schema_editor, TABLE),
            elidable=False,
        ),
    ]
