"""Reading units."""

from django.db.models import QuerySet

from hotline.units.models import MEMBER_KINDS, Unit


def member_units() -> QuerySet[Unit]:
    """The active member units that may lead or assist an order (Art. 10), in catalogue order."""
    return Unit.objects.filter(is_active=True, kind__in=MEMBER_KINDS).order_by("sort_order")
