"""The orders behind a figure: the same conditions the counts are made of (`counting`),
applied to the orders the user may see — so a number on a dashboard opens on its orders and
never on more than its reader may see."""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from hotline import clock
from hotline.accounts.models import User
from hotline.orders.models import Action, Assignment, Order, OrderEvent, Urge
from hotline.orders.rules import orders_visible_to
from hotline.stats.counting import day_start, order_counters
from hotline.stats.periods import Period
from hotline.units.models import Unit

# Figures made of several counts.
COMPOSITES = {
    "accepted": lambda c: c["received"] & ~c["not_accepted"] & ~c["pending_acceptance"],
    "overdue": lambda c: c["replied_late"] | c["overdue_open"],
}
# Figures that follow the order from unit to unit (`counting._unit_rows`).
UNIT_TRAILS = {
    "unit_dispatched": lambda unit: Q(
        pk__in=Assignment.objects.filter(unit=unit, role=Assignment.Role.LEAD).values("order")
    ),
    "unit_returned": lambda unit: Q(
        pk__in=OrderEvent.objects.filter(action=Action.RETURN, actor_unit=unit).values("order")
    ),
    "unit_urged": lambda unit: Q(
        pk__in=Urge.objects.filter(unit=unit, kind=Urge.Kind.URGE).values("order")
    ),
    "unit_supervised": lambda unit: Q(
        pk__in=Urge.objects.filter(unit=unit, kind=Urge.Kind.SUPERVISE).values("order")
    ),
}
# The dimensions a figure may be split by in a link: parameter → the order's field.
DIMENSIONS = {
    "type": "request_type_id",
    "channel": "channel",
    "category": "category__code",
    "place": "place__name",
    "exclusion": "exclusion_id",
}


def drillable(name: str) -> bool:
    return name in COMPOSITES or name in UNIT_TRAILS or name in order_counters(clock.now())


def figure_orders(
    *,
    user: User,
    name: str,
    period: Period,
    now: datetime,
    unit: Unit | None = None,
    dimension: str = "",
    key: str = "",
) -> QuerySet[Order]:
    """The orders received in `period` that make up the figure `name` (of `unit`, split by
    `dimension` = `key`), of those `user` may see; none for an unknown figure."""
    counters = order_counters(now)
    if name in COMPOSITES:
        condition = COMPOSITES[name](counters)
    elif name in UNIT_TRAILS:
        if unit is None:
            return Order.objects.none()
        condition = UNIT_TRAILS[name](unit)
    elif name in counters and name != "answered_from_kb":
        condition = counters[name]
        if unit is not None:
            condition &= Q(lead_unit=unit)
    else:
        return Order.objects.none()
    qs = Order.objects.filter(
        condition,
        created_at__gte=day_start(period.start),
        created_at__lt=day_start(period.end + timedelta(days=1)),
    )
    if dimension in DIMENSIONS and key:
        qs = qs.filter(**{DIMENSIONS[dimension]: key})
    elif dimension:
        return Order.objects.none()
    return orders_visible_to(
        user, qs.select_related("request_type", "lead_unit", "category")
    ).order_by("-created_at", "-id")
