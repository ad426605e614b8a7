"""Worklists (工作队列): the queues each role works through, scoped, filtered, sorted and
paged without counting the whole table, so they stay fast at millions of orders."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline.accounts.models import User
from hotline.accounts.roles import CENTRE_ROLES, Role
from hotline.orders.models import (
    FINAL_STATES,
    UNIT_STATES,
    Channel,
    ExtensionStatus,
    Order,
    Status,
)
from hotline.orders.rules import RETURNS_DECIDED_BY_HOST, RETURNS_DECIDED_BY_LEAD
from hotline.orders.selectors import OrderFilter, order_list

PAGE_SIZE = 50


@dataclass(frozen=True)
class Worklist:
    key: str
    label: str
    default_sort: str


MINE_TODAY = Worklist("mine", str(_("我今天登记的")), "-created_at")
RECEIVED = Worklist("received", str(_("待处理")), "created_at")
PENDING_REVIEW = Worklist("review", str(_("待审核")), "created_at")
DUE = Worklist("due", str(_("即将到期和已超期")), "due_at")
RETURNED = Worklist("returned", str(_("退单待审")), "updated_at")
CALLBACK = Worklist("callback", str(_("待回访")), "updated_at")
EXTENSIONS = Worklist("extensions", str(_("延期申请")), "due_at")
UNSATISFIED = Worklist("unsatisfied", str(_("不满意待审定")), "updated_at")
# Confidential requests that arrived with no one to follow them (Art. 23).
UNTRACKED = Worklist("untracked", str(_("保密工单待指派")), "created_at")
ALL = Worklist("all", str(_("全部工单")), "-created_at")

WORKLISTS = {
    w.key: w
    for w in (
        MINE_TODAY,
        RECEIVED,
        PENDING_REVIEW,
        DUE,
        RETURNED,
        CALLBACK,
        EXTENSIONS,
        UNSATISFIED,
        UNTRACKED,
        ALL,
    )
}
SORTS = {
    "created_at": "created_at",
    "-created_at": "-created_at",
    "due_at": "due_at",
    "-due_at": "-due_at",
    "updated_at": "updated_at",
    "-updated_at": "-updated_at",
    "number": "number",
    "-number": "-number",
}


# The list of all orders is a search over millions: it sorts by number or time of receipt
# only; the queues, which hold open orders, may also sort by due date and last change.
ALL_SORTS = frozenset({"created_at", "-created_at", "number", "-number"})


def sorts_for(worklist: Worklist) -> frozenset[str]:
    return ALL_SORTS if worklist is ALL else frozenset(SORTS)


def worklists_for(user: User) -> list[Worklist]:
    """The queues a user works through, in the order they appear."""
    lists: list[Worklist] = []
    if user.has_role(*CENTRE_ROLES):
        lists += [MINE_TODAY, RECEIVED, DUE, CALLBACK]
        if user.has_role(Role.OPERATOR_LEAD):
            lists += [RETURNED, UNTRACKED]
    if user.has_role(Role.REVIEWER):
        lists += [PENDING_REVIEW, EXTENSIONS, RETURNED, UNSATISFIED, UNTRACKED, DUE]
    if user.is_unit_staff or user.has_role(Role.SUPERVISOR, Role.AUDITOR):
        lists.append(DUE)
    lists.append(ALL)
    seen: dict[str, Worklist] = {}
    for worklist in lists:
        seen.setdefault(worklist.key, worklist)
    return list(seen.values())


def worklist_orders(
    *,
    user: User,
    worklist: Worklist,
    filters: OrderFilter | None = None,
    sort: str = "",
    now: datetime | None = None,
) -> QuerySet[Order]:
    """The orders of one worklist for `user`, filtered and sorted (an allow-listed key)."""
    now = now or timezone.now()
    qs = order_list(user=user, filters=filters or OrderFilter(), now=now)
    if worklist is MINE_TODAY:
        start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        qs = qs.filter(created_by=user, created_at__gte=start)
    elif worklist is RECEIVED:
        qs = qs.filter(status=Status.RECEIVED)
    elif worklist is PENDING_REVIEW:
        qs = qs.filter(status=Status.PENDING_REVIEW)
    elif worklist is DUE:
        soon = now + timedelta(hours=settings.HOTLINE_DUE_SOON_HOURS)
        qs = qs.filter(status__in=UNIT_STATES, due_at__lte=soon)
    elif worklist is RETURNED:
        qs = qs.filter(status=Status.RETURN_REVIEW)
        if not user.has_role(Role.REVIEWER):
            qs = qs.filter(RETURNS_DECIDED_BY_LEAD)
        elif not user.has_role(Role.OPERATOR_LEAD):
            qs = qs.filter(RETURNS_DECIDED_BY_HOST)
    elif worklist is CALLBACK:
        qs = qs.filter(status=Status.CALLBACK)
    elif worklist is EXTENSIONS:
        qs = qs.filter(extension_status=ExtensionStatus.REQUESTED)
    elif worklist is UNSATISFIED:
        qs = qs.filter(status=Status.UNSATISFIED)
    elif worklist is UNTRACKED:
        qs = qs.filter(is_confidential=True, tracker__isnull=True).exclude(status__in=FINAL_STATES)
    order_by = SORTS[sort] if sort in sorts_for(worklist) else worklist.default_sort
    return qs.order_by(order_by, "id" if not order_by.startswith("-") else "-id")


# Not yet with a unit: what the alarm waits on.
BEFORE_DISPATCH = (Status.RECEIVED, Status.PENDING_REVIEW, Status.PENDING_DISPATCH)


def orders_alarming(*, user: User, now: datetime | None = None) -> list[Order]:
    """The alarm on the operating centre's screens, oldest first: a matter the 110 desk
    transferred (国办发〔2022〕12号) from the moment it arrives until someone accepts it, and
    emergencies (Art. 13) and 110 transfers nobody has dispatched
    `HOTLINE_EMERGENCY_ALARM_MINUTES` after they came in, until each is dispatched or closed."""
    now = now or timezone.now()
    since = now - timedelta(minutes=settings.HOTLINE_EMERGENCY_ALARM_MINUTES)
    urgent = (
        Q(emergency_situation__isnull=False)
        | Q(request_type__is_emergency=True)
        | Q(channel=Channel.LINKAGE_110)
    )
    waiting_for_110 = Q(channel=Channel.LINKAGE_110, status=Status.RECEIVED)
    late = Q(urgent, status__in=BEFORE_DISPATCH, created_at__lte=since)
    qs = order_list(user=user, filters=OrderFilter(), now=now).filter(waiting_for_110 | late)
    return list(qs.order_by("created_at", "id")[:20])


@dataclass(frozen=True)
class Window:
    """One page of a list, found without counting the whole list."""

    rows: list[Order]
    number: int
    has_previous: bool
    has_next: bool


def window(qs: QuerySet[Order], *, page: int, size: int = PAGE_SIZE) -> Window:
    """The page's keys in list order first, then those rows by key with the list's related
    rows: sorting keys rather than whole rows keeps a page cheap when many rows match, as when
    the search box hands SQLite 5,000 candidates to sort (docs/benchmarks.md). The keys come
    from `qs`, so the rows are only those the list's user may see."""
    page = max(1, page)
    keys = list(qs.values_list("pk", flat=True)[(page - 1) * size : page * size + 1])
    shown = keys[:size]
    fetch = qs.model._default_manager.filter(pk__in=shown)
    fetch.query.select_related = qs.query.select_related
    by_key = {order.pk: order for order in fetch} if shown else {}
    return Window(
        rows=[by_key[key] for key in shown if key in by_key],
        number=page,
        has_previous=page > 1,
        has_next=len(keys) > size,
    )
