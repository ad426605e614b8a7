from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _search_index_install(using: str, **kwargs: Any) -> None:
    """Re-create the search index's SQLite triggers after a migration rebuilt the order table
    (orders/search.py). Skipped while the table or its column does not exist yet."""
    from django.db import connections

    from hotline.orders import search

    connection = connections[using]
    with connection.cursor() as cursor:
        if "orders_order" not in connection.introspection.table_names(cursor):
            return
        columns = connection.introspection.get_table_description(cursor, "orders_order")
    if any(column.name == "search_text" for column in columns):
        search.index_install(using)


class OrdersConfig(AppConfig):
    name = "hotline.orders"
    verbose_name = "工单"

    def ready(self) -> None:
        post_migrate.connect(_search_index_install, sender=self)
        # The digests of numbers written in orders' texts follow key rotation (issue 13).
        from hotline.orders import personal_text
        from hotline.privacy.rotation import KeptDigests, kept_digests_register

        kept_digests_register(
            KeptDigests(
                label="orders.NumberDigest",
                rotate_batch=personal_text.number_digests_rotate,
                unrotated=personal_text.number_digests_unrotated,
                retire=personal_text.number_digests_retire,
            )
        )
