"""Reading the linkage messages of an order (the order page's panel)."""

from django.db.models import QuerySet

from hotline.linkage.models import LinkageMessage
from hotline.orders.models import Order


def order_linkage_messages(*, order: Order) -> QuerySet[LinkageMessage]:
    """Every message about `order`, both ways, oldest first. The caller has already been
    allowed to see the order (`order_get_for_user`); bodies are not read here."""
    return LinkageMessage.objects.filter(order=order).defer("body").order_by("created_at", "pk")
