"""Early warning (国办函〔2025〕66号 风险预警, 未诉先办) and accountability (Art. 21).

Hotspots: a category or a place whose requests in the last 24 hours, or the last 7 days, rise
well above its own recent baseline. The baseline is what the same category or place received
on average in an equally long stretch of the 28 days before the window. A hotspot needs all
three: at least `HOTLINE_HOTSPOT_MIN_ORDERS` requests in the window, at least
`HOTLINE_HOTSPOT_RATIO` times the baseline, and a count that chance alone would give less
than once in a hundred times if requests kept arriving at the baseline's rate (a Poisson
tail, the usual test of an outbreak count; a baseline under half a request counts as half).
So a quiet category with a few requests does not raise an alarm, and a busy one needs a
real rise.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from hotline.accounts.models import User
from hotline.catalogue.models import Category
from hotline.orders.models import UNIT_STATES, Action, Order, OrderEvent
from hotline.orders.rules import orders_visible_to
from hotline.stats.counting import day_start, order_counters
from hotline.stats.periods import Period
from hotline.units.models import Place, Unit

BASELINE_DAYS = 28
WINDOWS = ((timedelta(hours=24), "24 小时"), (timedelta(days=7), "7 天"))
# A count is a hotspot only if requests at the baseline rate would reach it less often.
CHANCE = 0.01
FLOOR = 0.5
# The host dashboard shows the strongest of them.
SHOWN = 10


def chance_of_at_least(count: int, rate: float) -> float:
    """P(X ≥ count) for X ~ Poisson(rate)."""
    term = math.exp(-rate)
    below = 0.0
    for k in range(count):
        below += term
        term *= rate / (k + 1)
    return max(0.0, 1.0 - below)


@dataclass
class Hotspot:
    dimension: str  # "category" or "place"
    key: int
    name: str
    window: str
    count: int
    baseline: float
    ratio: float
    chance: float
    since: datetime
    orders: list[Order] = field(default_factory=list)

    @property
    def why(self) -> str:
        return (
            f"近{self.window}受理 {self.count} 件，前 {BASELINE_DAYS} 天同样长的时段平均 "
            f"{self.baseline:.1f} 件，为基线的 {self.ratio:.1f} 倍；若按基线水平来件，"
            f"出现这么多件的可能性约为 {self.chance:.2%}"
        )


def hotspots(*, user: User, now: datetime, sample: int = 5) -> list[Hotspot]:
    """The hotspots at `now`, strongest first, each with its latest orders that `user` may
    see (the count is of all orders; the list is scoped)."""
    ratio = settings.HOTLINE_HOTSPOT_RATIO
    minimum = settings.HOTLINE_HOTSPOT_MIN_ORDERS
    names = {
        "category": dict(Category.objects.values_list("pk", "name")),
        "place": dict(Place.objects.values_list("pk", "name")),
    }
    found: dict[tuple[str, int], Hotspot] = {}
    for length, label in WINDOWS:
        since = now - length
        baseline_start = since - timedelta(days=BASELINE_DAYS)
        stretches = BASELINE_DAYS / length.days if length.days else BASELINE_DAYS
        for dimension in ("category", "place"):
            rows = (
                Order.objects.filter(created_at__gte=baseline_start, created_at__lt=now)
                .exclude(**{f"{dimension}_id": None})
                .values(f"{dimension}_id")
                .annotate(
                    recent=Count("pk", filter=Q(created_at__gte=since)),
                    before=Count("pk", filter=Q(created_at__lt=since)),
                )
                .filter(recent__gte=minimum)
                .order_by()
            )
            for row in rows:
                baseline = row["before"] / stretches
                strength = row["recent"] / max(baseline, FLOOR)
                chance = chance_of_at_least(row["recent"], max(baseline, FLOOR))
                if strength < ratio or chance >= CHANCE:
                    continue
                key = (dimension, row[f"{dimension}_id"])
                if key in found and found[key].chance <= chance:
                    continue
                found[key] = Hotspot(
                    dimension=dimension,
                    key=row[f"{dimension}_id"],
                    name=names[dimension].get(row[f"{dimension}_id"], ""),
                    window=label,
                    count=row["recent"],
                    baseline=baseline,
                    ratio=strength,
                    chance=chance,
                    since=since,
                )
    result = sorted(found.values(), key=lambda spot: (spot.chance, -spot.ratio))[:SHOWN]
    for spot in result:
        spot.orders = list(
            orders_visible_to(
                user,
                Order.objects.filter(
                    **{f"{spot.dimension}_id": spot.key}, created_at__gte=spot.since
                ).select_related("request_type", "lead_unit"),
            ).order_by("-created_at")[:sample]
        )
    return result


# --- accountability (Art. 21) -------------------------------------------------------------------

# From this many on, returns, replies sent back and reopenings are "repeated".
REPEATED = 2


@dataclass
class AccountabilityRow:
    order: Order
    reasons: list[str]
    events: list[OrderEvent]


def accountability(
    *, user: User, period: Period, now: datetime, unit: Unit | None = None
) -> dict[str, list[AccountabilityRow]]:
    """Orders received in `period` that call for the supervision body's attention (Art. 21),
    grouped by their lead unit: handled past the limit (replied late, or overdue and still
    unreplied), replies sent back for redoing `REPEATED` times or more, returned `REPEATED`
    times or more, reopened `REPEATED` times or more. Each with the history behind it."""
    counters = order_counters(now)
    sent_back = (
        OrderEvent.objects.filter(action=Action.REPLY_SENT_BACK)
        .values("order")
        .annotate(n=Count("pk"))
        .filter(n__gte=REPEATED)
        .values("order")
    )
    qs: QuerySet[Order] = Order.objects.filter(
        created_at__gte=day_start(period.start),
        created_at__lt=day_start(period.end + timedelta(days=1)),
    ).filter(
        counters["replied_late"]
        | counters["overdue_open"]
        | Q(return_count__gte=REPEATED)
        | Q(reopen_count__gte=REPEATED)
        | Q(pk__in=sent_back)
    )
    if unit is not None:
        qs = qs.filter(lead_unit=unit)
    orders = list(
        orders_visible_to(user, qs.select_related("lead_unit", "request_type")).order_by(
            "lead_unit__code", "created_at"
        )[:500]
    )
    events: dict[int, list[OrderEvent]] = defaultdict(list)
    shown = (
        Action.DISPATCH,
        Action.SIGN,
        Action.RETURN,
        Action.RETURN_UPHELD,
        Action.REDISPATCH,
        Action.EXTENSION_APPROVED,
        Action.REPLY,
        Action.REPLY_SENT_BACK,
        Action.CALLBACK,
        Action.REOPEN,
        Action.URGE,
        Action.SUPERVISE,
    )
    for event in (
        OrderEvent.objects.filter(order__in=[o.pk for o in orders], action__in=shown)
        .select_related("actor_unit")
        .order_by("at", "id")
    ):
        events[event.order_id].append(event)
    sent_back_counts = {
        event_order: sum(1 for e in evs if e.action == Action.REPLY_SENT_BACK)
        for event_order, evs in events.items()
    }
    grouped: dict[str, list[AccountabilityRow]] = defaultdict(list)
    for order in orders:
        reasons = []
        in_unit = order.status in UNIT_STATES
        if in_unit and order.due_at and order.due_at <= now:
            reasons.append("超期未答复")
        elif order.replied_at and order.due_at and order.replied_at > order.due_at:
            reasons.append("超期答复")
        if sent_back_counts.get(order.pk, 0) >= REPEATED:
            reasons.append(f"退回重办 {sent_back_counts[order.pk]} 次")
        if order.return_count >= REPEATED:
            reasons.append(f"退单 {order.return_count} 次")
        if order.reopen_count >= REPEATED:
            reasons.append(f"重办 {order.reopen_count} 次")
        name = order.lead_unit.name if order.lead_unit else "（未派单）"
        grouped[name].append(AccountabilityRow(order, reasons, events.get(order.pk, [])))
    return dict(grouped)
