"""Database triggers refuse UPDATE and DELETE on the order history (core/guards.py): it is the
audit trail of the work order (Art. 22). A later migration that rebuilds this table on SQLite
must install them again."""

from django.db import migrations

from hotline.core.guards import append_only_install, append_only_uninstall

TABLE = "orders_orderevent"


class Migration(migrations.Migration):
    dependencies = [("orders", "0020_order_updated_index")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: append_only_install(schema_editor, TABLE),
            lambda apps, schema_editor: append_only_uninstall(schema_editor, TABLE),
            elidable=False,
        ),
    ]
