"""Reading orders. Every function takes the user and returns only what that user may see."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.audit.selectors import revealed_recently
from hotline.core.errors import NotFound
from hotline.orders.models import (
    FINAL_STATES,
    UNIT_STATES,
    Action,
    NumberDigest,
    Order,
    OrderEvent,
    Status,
)
from hotline.orders.rules import (
    assisted_by,
    assisting_unit_of,
    available_actions,
    orders_visible_to,
    statuses_visible_to,
)
from hotline.orders.search import order_text_condition
from hotline.orders.search_text import likeness
from hotline.privacy.personal import phone_digests
from hotline.privacy.text import number_digests, query_numbers, text_mask
from hotline.units.models import Unit

logger = logging.getLogger(__name__)

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
        numbers = query_numbers(filters.q)
        if numbers:
            # A full personal number written in an order's text: found through its keyed
            # digest, never in the text, which holds only its mask (privacy/text.py).
            digests = [d for number in numbers for d in number_digests(number)]
            found = NumberDigest.objects.filter(digest__in=digests).values("order_id")
            qs = qs.filter(pk__in=found)
        else:
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
    digests = phone_digests(phone)
    if not digests:
        return []
    qs = orders_visible_to(user, Order.objects.select_related(*LIST_RELATED)).filter(
        caller_phone_digest__in=digests
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
    # Why it may be the same matter (同一地点, 同类事项, 内容相似 80%), best reason first.
    reasons: tuple[str, ...]
    same_caller: bool
    score: float

    @property
    def why(self) -> str:
        return "、".join(self.reasons)


RELATED_WINDOW = timedelta(days=30)
# How many recent orders each kind of likeness brings in to be ranked.
RELATED_POOL = 60
# The least score shown: e.g. the same place and category, or much the same words.
RELATED_THRESHOLD = 2.5


def content_likeness(a: str, b: str) -> float:
    """How alike two requests' texts are: by the triage model, which reads the same matter in
    other words (issue 14), or where it cannot be used, by their words alone."""
    from hotline.triage.services import triage_likeness  # triage builds on the orders core

    try:
        return triage_likeness(a, b)
    except Exception:  # noqa: BLE001 — a look-up; never in the way of recording the call
        logger.exception("triage likeness unavailable")
        return likeness(a, b)


def related_candidates(
    *,
    user: User,
    phone: str = "",
    place_id: int | None = None,
    category_id: int | None = None,
    content: str = "",
    address: str = "",
    now: datetime | None = None,
    limit: int = 10,
) -> list[RelatedCandidate]:
    """Possible duplicates of a request being recorded (Art. 12(6); 国办函〔2025〕66号 并单):
    open or recent orders of the same caller, place or category, ranked by how alike they
    are — same place (2), same category (2), likeness of the content (up to 4) and of the
    address (up to 2), and the same caller (1) — and shown from RELATED_THRESHOLD up, or when
    the same caller's order is still open. The same caller is a hint of its own: their closed
    orders about other matters are in the caller's history, not here."""
    now = now or timezone.now()
    # Stored texts hold masks (privacy/text.py): the request being typed is compared masked
    # too, so a number in both counts as the same words and not as a difference.
    content = text_mask(content, caller_phone=phone)
    address = text_mask(address, caller_phone=phone)
    since = now - RELATED_WINDOW
    visible = orders_visible_to(user, Order.objects.select_related(*LIST_RELATED)).exclude(
        status=Status.MERGED
    )
    recent = Q(created_at__gte=since) | ~Q(status__in=FINAL_STATES)
    digests = phone_digests(phone) if phone else []
    pool: dict[int, Order] = {}
    pools = []
    if digests:
        pools.append(visible.filter(recent, caller_phone_digest__in=digests))
    if place_id:
        pools.append(visible.filter(recent, place_id=place_id))
    if category_id:
        pools.append(visible.filter(recent, category_id=category_id))
    for qs in pools:
        for order in qs.order_by("-created_at")[:RELATED_POOL]:
            pool.setdefault(order.pk, order)
    ranked = []
    for order in pool.values():
        reasons: list[tuple[float, str]] = []
        if place_id and order.place_id == place_id:
            reasons.append((2, _("同一地点")))
        if category_id and order.category_id == category_id:
            reasons.append((2, _("同类事项")))
        text = content_likeness(content, f"{order.title} {order.content}") if content else 0.0
        if text >= 0.2:
            reasons.append((4 * text, _("内容相似 %(p)d%%") % {"p": round(100 * text)}))
        where = likeness(address, order.address) if address and order.address else 0.0
        if where >= 0.3:
            reasons.append((2 * where, _("地址相近")))
        same_caller = bool(digests) and order.caller_phone_digest in digests
        score = sum(weight for weight, _label in reasons) + (1 if same_caller else 0)
        # A caller calling again while their order is open most often calls about it.
        calls_again = same_caller and order.status not in FINAL_STATES
        if score < RELATED_THRESHOLD and not calls_again:
            continue
        reasons.sort(key=lambda r: -r[0])
        ranked.append(
            RelatedCandidate(order, tuple(label for _w, label in reasons), same_caller, score)
        )
    ranked.sort(key=lambda c: (-c.score, -c.order.created_at.timestamp()))
    return ranked[:limit]
