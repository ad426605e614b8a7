"""Reading orders. Every function takes the user and returns only what that user may see."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.audit.selectors import revealed_recently
from hotline.core.errors import NotFound
from hotline.orders.models import FINAL_STATES, UNIT_STATES, Action, Order, OrderEvent, Status
from hotline.orders.rules import (
    assisted_by,
    assisting_unit_of,
    available_actions,
    orders_visible_to,
    statuses_visible_to,
)
from hotline.orders.search import order_text_condition
from hotline.privacy.personal import phone_digest
from hotline.units.models import Unit

LIST_RELATED = ("request_type", "category", "lead_unit", "place")


@dataclass(frozen=True)
class OrderAccess:
    order: Order
    actions: frozenset[str]


def order_get_for_user(*, user: User, number: str) -> OrderAccess:
    """The order with this number if `user` may see it, with what they may do to it now.
    Raises NotFound for a missing order and for one the user may not see alike."""
    order = (
        orders_visible_to(
            user, Order.objects.select_related(*LIST_RELATED, "handler", "tracker", "merged_into")
        )
        .filter(number=number)
        .first()
    )
    if order is None:
        raise NotFound(_("工单不存在或无权查看。"))
    return OrderAccess(order=order, actions=available_actions(user, order))


def order_history(*, order: Order) -> QuerySet[OrderEvent]:
    return order.events.select_related("actor", "actor_unit").order_by("at", "id")


@dataclass(frozen=True)
class ConnectedOrder:
    """Another order this one is tied to, as its page lists it."""

    number: str
    relation: str
    status: str
    visible: bool  # whether the reader may open it (its number is shown either way)


def order_connections(*, user: User, order: Order) -> list[ConnectedOrder]:
    """The order it was merged into, the orders merged into it and the orders linked to it
    (关联工单), each pointing back from its own page."""
    rows: list[tuple[str, Order]] = []
    if order.merged_into is not None:
        rows.append((_("并入工单"), order.merged_into))
    rows += [(_("并入本单"), o) for o in order.merged_orders.order_by("created_at", "pk")]
    rows += [(_("关联工单"), o) for o in order.related_orders.order_by("created_at", "pk")]
    visible = set(
        orders_visible_to(user, Order.objects.filter(pk__in=[o.pk for _r, o in rows])).values_list(
            "pk", flat=True
        )
    )
    return [
        ConnectedOrder(o.number, relation, o.get_status_display(), o.pk in visible)
        for relation, o in rows
    ]


def caller_revealed(*, user: User, order: Order) -> bool:
    """Whether `user` revealed this order's caller a moment ago (an audited
    `order_reveal_caller`), so that the page may show the name and phone in clear."""
    return revealed_recently(actor=user, target=order.number)


def review_proposal(*, order: Order) -> dict[str, str]:
    """What the operator proposed when sending the order to review (unit, or not accepting
    it, or merging it), from the latest submission; empty outside review."""
    if order.status != Status.PENDING_REVIEW:
        return {}
    event = order.events.filter(action=Action.SUBMIT_REVIEW).order_by("-at").first()
    return dict(event.data or {}) if event is not None else {}


@dataclass(frozen=True)
class ReturnRequest:
    """The unit's return waiting for a decision: who returned it, why, and where it belongs."""

    unit: Unit | None
    reason: str
    suggested_unit: Unit | None
    at: datetime


def return_request(*, order: Order) -> ReturnRequest | None:
    """The latest return of the order (the one its return review decides)."""
    event = (
        order.events.filter(action=Action.RETURN)
        .select_related("actor_unit")
        .order_by("-at")
        .first()
    )
    if event is None:
        return None
    code = (event.data or {}).get("suggested_unit")
    suggested = Unit.objects.filter(code=code).first() if code else None
    return ReturnRequest(
        unit=event.actor_unit, reason=event.reason, suggested_unit=suggested, at=event.at
    )


@dataclass(frozen=True)
class OrderFilter:
    status: str = ""
    request_type: str = ""
    unit: str = ""
    q: str = ""
    overdue: bool = False
    due_soon: bool = False
    open_only: bool = False


def order_list(
    *, user: User, filters: OrderFilter | None = None, now: datetime | None = None
) -> QuerySet[Order]:
    """Orders `user` may see, filtered, newest first."""
    filters = filters or OrderFilter()
    now = now or timezone.now()
    qs = orders_visible_to(user, Order.objects.select_related(*LIST_RELATED))
    if filters.status:
        if filters.status not in dict(statuses_visible_to(user)):
            return qs.none()  # e.g. a unit asking for orders before dispatch: none are its
        qs = qs.filter(status=filters.status)
    if filters.open_only:
        qs = qs.exclude(status__in=FINAL_STATES)
    if filters.request_type:
        qs = qs.filter(request_type_id=filters.request_type)
    if filters.unit:
        qs = qs.filter(lead_unit__code=filters.unit)
        own = assisting_unit_of(user)
        if own is not None and filters.unit != getattr(user.unit, "code", None):
            qs = qs.filter(assisted_by(own))
    if filters.q.strip():
        qs = qs.filter(order_text_condition(filters.q, using=qs.db))
    if filters.overdue:
        qs = qs.filter(status__in=UNIT_STATES, due_at__lte=now)
    if filters.due_soon:
        qs = qs.filter(
            status__in=UNIT_STATES,
            due_at__gt=now,
            due_at__lte=now + timedelta(hours=settings.HOTLINE_DUE_SOON_HOURS),
        )
    return qs.order_by("-created_at", "-id")


def orders_from_phone(*, user: User, phone: str, limit: int = 20) -> list[Order]:
    """Earlier orders from one number (来电弹屏), found through the keyed digest."""
    digest = phone_digest(phone)
    if not digest:
        return []
    qs = orders_visible_to(user, Order.objects.select_related(*LIST_RELATED)).filter(
        caller_phone_digest=digest
    )
    return list(qs.order_by("-created_at")[:limit])


def status_counts(*, user: User) -> dict[str, int]:
    """How many orders the user may see are in each open state (the work in hand; closed and
    merged orders are counted by the statistics, not on every visit of the home page)."""
    open_states = [value for value in Status.values if value not in FINAL_STATES]
    rows = (
        orders_visible_to(user)
        .filter(status__in=open_states)  # read from order_status_due_covering, not the table
        .values("status")
        .annotate(n=Count("*"))  # count(*) reads only the index, count(id) the rows
        .order_by()
    )
    counts = {row["status"]: row["n"] for row in rows}
    return {value: counts.get(value, 0) for value in open_states}


@dataclass(frozen=True)
class RelatedCandidate:
    order: Order
    why: str


RELATED_WINDOW = timedelta(days=30)


def related_candidates(
    *,
    user: User,
    phone: str = "",
    place_id: int | None = None,
    category_id: int | None = None,
    now: datetime | None = None,
    limit: int = 10,
) -> list[RelatedCandidate]:
    """Possible duplicates of a request being recorded (Art. 12(6); 国办函〔2025〕66号 并单):
    open or recent orders from the same number, and from the same place and category."""
    now = now or timezone.now()
    since = now - RELATED_WINDOW
    found: dict[int, RelatedCandidate] = {}
    visible = orders_visible_to(user, Order.objects.select_related(*LIST_RELATED))
    digest = phone_digest(phone) if phone else ""
    if digest:
        same_caller = visible.filter(caller_phone_digest=digest).filter(
            Q(created_at__gte=since) | ~Q(status__in=FINAL_STATES)
        )
        for order in same_caller.order_by("-created_at")[:limit]:
            found.setdefault(order.pk, RelatedCandidate(order, "同一来电号码"))
    if place_id and category_id:
        same_place = visible.filter(
            place_id=place_id, category_id=category_id, created_at__gte=since
        ).exclude(status=Status.MERGED)
        for order in same_place.order_by("-created_at")[:limit]:
            found.setdefault(order.pk, RelatedCandidate(order, "同一地点同类事项"))
    return sorted(found.values(), key=lambda c: c.order.created_at, reverse=True)[:limit]
