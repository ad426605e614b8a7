"""PostgreSQL keeps the search pieces as a stored tsvector column with its GIN index, instead of
an index over an expression that every query rebuilt for each row it read (orders/search.py).
Nothing changes on SQLite."""

from django.db import migrations

from hotline.orders import search


def to_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS order_search_text")
    search.index_install(schema_editor.connection.alias)
    # The search reads how common each piece is from the column's statistics; gather them now
    # rather than at autovacuum's next pass.
    schema_editor.execute(f"ANALYZE orders_order ({search.POSTGRES_COLUMN})")


def to_expression(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    search.index_remove(schema_editor.connection.alias)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS order_search_text ON orders_order USING gin "
        "(array_to_tsvector(string_to_array(search_text, ' ')))"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0012_assignment_unit_role_index"),
    ]

    operations = [
        migrations.RunPython(to_column, to_expression),
    ]
