"""The unit's inbox and dashboard (Art. 10: 及时接收、按照规定时限办理、审核、答复). Every query is
scoped to the user's own unit."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.calendar.services import TimeLeft, working_time_left
from hotline.orders.models import (
    FINAL_STATES,
    UNIT_STATES,
    Action,
    Assignment,
    Order,
    OrderEvent,
    Satisfaction,
    Status,
    Urge,
)
from hotline.orders.rules import orders_visible_to

SIGN_WITHIN = timedelta(hours=24)
DASHBOARD_DAYS = 30


@dataclass(frozen=True)
class Tab:
    key: str
    label: str


TABS = (
    Tab("sign", str(_("待签收"))),
    Tab("doing", str(_("办理中"))),
    Tab("approve", str(_("答复待审批"))),
    Tab("assist", str(_("协办"))),
    Tab("urges", str(_("催办督办待确认"))),
    Tab("due", str(_("即将到期和已超期"))),
    Tab("returned", str(_("退单待审"))),
)


def unit_tabs(user: User) -> list[Tab]:
    tabs = list(TABS)
    if not user.has_role(Role.MANAGER, Role.LEADER):
        tabs = [tab for tab in tabs if tab.key != "approve"]
    return tabs


def unit_inbox(
    *,
    user: User,
    tab: str,
    request_type: str = "",
    category: str = "",
    mine: bool = False,
    handler_id: int | None = None,
    due_before: datetime | None = None,
    now: datetime | None = None,
) -> QuerySet[Order]:
    """One tab of the unit's inbox, scoped to the user's unit (and to what they may see)."""
    now = now or clock.now()
    if not user.is_unit_staff or user.unit_id is None:
        return Order.objects.none()
    unit_id = user.unit_id
    qs = orders_visible_to(
        user, Order.objects.select_related("request_type", "category", "lead_unit", "handler")
    )
    lead = qs.filter(lead_unit_id=unit_id)
    if tab == "sign":
        qs = lead.filter(status=Status.DISPATCHED)
    elif tab == "doing":
        qs = lead.filter(status=Status.IN_PROGRESS)
    elif tab == "approve":
        qs = lead.filter(status=Status.REPLY_APPROVAL)
    elif tab == "assist":
        assisting = Assignment.objects.filter(
            order=OuterRef("pk"), unit_id=unit_id, role=Assignment.Role.ASSIST, is_active=True
        )
        qs = qs.filter(Exists(assisting), status__in=UNIT_STATES)
    elif tab == "urges":
        open_urges = Urge.objects.filter(
            order=OuterRef("pk"), unit_id=unit_id, acknowledged_at__isnull=True
        )
        # An urge on an order that has since been closed or merged needs no answer.
        qs = qs.filter(Exists(open_urges)).exclude(status__in=FINAL_STATES)
    elif tab == "due":
        qs = lead.filter(
            status__in=UNIT_STATES,
            due_at__lte=now + timedelta(hours=settings.HOTLINE_DUE_SOON_HOURS),
        )
    elif tab == "returned":
        qs = lead.filter(status=Status.RETURN_REVIEW)
    else:
        return Order.objects.none()
    if request_type:
        qs = qs.filter(request_type_id=request_type)
    if category:
        qs = qs.filter(Q(category__code=category) | Q(category__parent__code=category))
    if mine:
        qs = qs.filter(handler=user)
    if handler_id:
        qs = qs.filter(handler_id=handler_id, handler__unit_id=unit_id)
    if due_before:
        qs = qs.filter(due_at__lte=due_before)
    return qs.order_by("due_at", "id")


def unit_handlers(user: User) -> list[User]:
    """The handlers of the user's unit, for the inbox's handler filter."""
    if user.unit_id is None:
        return []
    return [
        u
        for u in User.objects.filter(unit_id=user.unit_id, is_active=True).order_by("username")
        if u.has_role(Role.HANDLER)
    ]


def countdown(order: Order, now: datetime) -> "TimeLeft | ClockTimeLeft | None":
    if order.due_at is None or order.status not in UNIT_STATES:
        return None
    if order.limit_hours is not None:
        return ClockTimeLeft(order.due_at - now)
    return working_time_left(now=now, due_at=order.due_at)


@dataclass(frozen=True)
class ClockTimeLeft:
    """What remains of an emergency's limit, in clock time (it runs around the clock)."""

    left: timedelta

    @property
    def overdue(self) -> bool:
        return self.left <= timedelta(0)

    @property
    def label(self) -> str:
        minutes = int(abs(self.left).total_seconds() // 60)
        parts = {"hours": minutes // 60, "minutes": minutes % 60}
        if self.overdue:
            return str(_("已超期 %(hours)d 小时 %(minutes)d 分钟") % parts)
        return str(_("还剩 %(hours)d 小时 %(minutes)d 分钟") % parts)


@dataclass(frozen=True)
class Dashboard:
    open: int
    due_soon: int
    overdue: int
    dispatched: int
    signed_on_time: int
    replied: int
    replied_on_time: int
    returned: int
    rated: int
    satisfied: int

    @staticmethod
    def share(part: int, whole: int) -> str:
        return f"{100 * part / whole:.0f}%" if whole else "—"

    @property
    def signed_on_time_rate(self) -> str:
        return self.share(self.signed_on_time, self.dispatched)

    @property
    def replied_on_time_rate(self) -> str:
        return self.share(self.replied_on_time, self.replied)

    @property
    def satisfaction_rate(self) -> str:
        return self.share(self.satisfied, self.rated)


def unit_dashboard(*, user: User, now: datetime | None = None) -> Dashboard | None:
    """The unit's figures: what is open now, and how the last 30 days went (signed within a
    day, replied within the limit, returns, satisfaction of callbacks)."""
    if not user.is_unit_staff or user.unit_id is None:
        return None
    now = now or clock.now()
    unit_id = user.unit_id
    since = now - timedelta(days=DASHBOARD_DAYS)
    held = Order.objects.filter(lead_unit_id=unit_id, status__in=UNIT_STATES)
    soon = now + timedelta(hours=settings.HOTLINE_DUE_SOON_HOURS)
    # An order not signed yet counts only once its day to sign has passed: a new arrival is
    # not late.
    dispatched = [
        (at, signed)
        for at, signed in Order.objects.filter(
            lead_unit_id=unit_id, dispatched_at__gte=since
        ).values_list("dispatched_at", "signed_at")
        if signed is not None or (at is not None and now - at > SIGN_WITHIN)
    ]
    replied = list(
        Order.objects.filter(lead_unit_id=unit_id, replied_at__gte=since).values_list(
            "replied_at", "due_at"
        )
    )
    ratings = list(
        OrderEvent.objects.filter(
            order__lead_unit_id=unit_id, action=Action.CALLBACK, at__gte=since
        ).values_list("data", flat=True)
    )
    happy = {Satisfaction.SATISFIED, Satisfaction.BASICALLY}
    return Dashboard(
        open=held.count(),
        due_soon=held.filter(due_at__gt=now, due_at__lte=soon).count(),
        overdue=held.filter(due_at__lte=now).count(),
        dispatched=len(dispatched),
        signed_on_time=sum(
            1 for at, signed in dispatched if at and signed and signed - at <= SIGN_WITHIN
        ),
        replied=len(replied),
        replied_on_time=sum(1 for at, due in replied if at and (due is None or at <= due)),
        returned=OrderEvent.objects.filter(
            action=Action.RETURN, actor_unit_id=unit_id, at__gte=since
        ).count(),
        rated=len(ratings),
        satisfied=sum(1 for data in ratings if (data or {}).get("satisfaction") in happy),
    )
