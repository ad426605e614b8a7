"""The search box's index of order titles and addresses (orders/search.py): the column, its
value for every existing order, and the database's index over it."""

from django.db import migrations, models

from hotline.orders import search

BATCH = 5000


def fill_search_text(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    db = schema_editor.connection.alias
    last_id = 0
    while True:
        rows = list(
            Order.objects.using(db)
            .filter(id__gt=last_id)
            .order_by("id")
            .values_list("id", "title", "address")[:BATCH]
        )
        if not rows:
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE orders_order SET search_text = %s WHERE id = %s",
                [(search.search_text_for(title, address), pk) for pk, title, address in rows],
            )
        last_id = rows[-1][0]


def install_index(apps, schema_editor):
    search.index_install(schema_editor.connection.alias, rebuild=True)


def remove_index(apps, schema_editor):
    search.index_remove(schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0009_worklist_queue_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(install_index, remove_index),
    ]
