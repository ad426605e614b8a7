"""Short links that let a caller open their own order from an SMS without typing the number
and phone: a signed token of the order's id, valid for 30 days."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from hotline.orders.models import Order

SALT = "hotline.portal.order-link"
MAX_AGE = 30 * 24 * 3600


def portal_token(order: Order) -> str:
    return signing.dumps(order.pk, salt=SALT, compress=True)


def portal_link(order: Order) -> str:
    return settings.HOTLINE_PUBLIC_URL.rstrip("/") + reverse(
        "portal:link", args=[portal_token(order)]
    )


def order_from_token(token: str) -> Order | None:
    """The order a token names, or None when it is forged or older than 30 days."""
    try:
        pk = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Order.objects.select_related("request_type", "lead_unit", "merged_into")
        .filter(pk=pk)
        .first()
    )
