"""What every transition does the same way: lock the order row, check the version the actor
saw, authorize through the rules table, save the changed fields with a new version; and
handing an order to its units, which dispatch, review, re-dispatch and upheld returns share."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.calendar.services import deadline_compute
from hotline.callbacks.queue import callback_task_open
from hotline.catalogue.models import Category
from hotline.core.errors import Conflict, InvalidInput, WrongState
from hotline.orders import history, messages
from hotline.orders.models import Assignment, ExtensionStatus, Order, Status
from hotline.orders.rules import authorize
from hotline.units.models import Unit


def lock(order: Order, expected_version: int | None = None) -> Order:
    """The order's row, locked until the transaction ends; Conflict when it is no longer the
    version the actor saw."""
    locked = (
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins
        # (category, lead_unit); only the order row needs the lock.
        Order.objects.select_for_update(of=("self",))
        .select_related("request_type", "category", "lead_unit")
        .get(pk=order.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    return locked


def begin(order: Order, actor: User, action: str, expected_version: int | None) -> Order:
    """Lock the order and authorize `action` for `actor` on it (`rules.RULES`)."""
    locked = lock(order, expected_version)
    authorize(actor, locked, action)
    return locked


def save(order: Order, fields: Sequence[str]) -> None:
    """Save the changed fields with a new version (a form holding the old one is refused)."""
    order.version += 1
    order.save(update_fields=[*fields, "version", "updated_at"])


def merged_orders_share_result(main: Order) -> list[Order]:
    """Every caller whose request was merged into `main` is told its result, enters the
    callback queue and may rate it, as `main`'s caller does (Art. 12(6), 16). Called when
    `main`'s result is accepted, and when a duplicate is merged into an order that already has
    one. Each merged order is told once: it leaves the merged state."""
    text = main.result_text()
    if not text:
        return []
    shared = []
    waiting = Order.objects.select_for_update().filter(merged_into=main, status=Status.MERGED)
    for merged in waiting.order_by("pk"):
        merged.status, merged.closed_at = Status.CALLBACK, None
        save(merged, ["status", "closed_at"])
        event = history.result_shared(merged, main=main, at=clock.now())
        callback_task_open(order=merged, at=event.at)
        messages.result_to_caller(merged, event, text)
        shared.append(merged)
    return shared


def held_by(order: Order) -> Unit:
    """The order's lead unit; only orders a unit holds reach the callers of this."""
    if order.lead_unit is None:
        raise WrongState(_("工单尚未派单。"))
    return order.lead_unit


def order_limit(order: Order) -> int:
    """The order's limit in working days: the category's own where a law sets one, else the
    request type's (Art. 14; Art. 14(2) 法律、法规对办理时限另有规定的,从其规定)."""
    if order.category is not None and order.category.limit_working_days is not None:
        return order.category.limit_working_days
    return order.request_type.limit_working_days


def _check_units(lead: Unit, assisting_units: Sequence[Unit]) -> list[Unit]:
    if not lead.is_active or not lead.is_member:
        raise InvalidInput(_("“%(unit)s”不是可承办工单的成员单位。") % {"unit": lead.name})
    assisting: list[Unit] = []
    for unit in assisting_units:
        if unit.pk == lead.pk or unit in assisting:
            continue
        if not unit.is_active or not unit.is_member:
            raise InvalidInput(_("“%(unit)s”不是可承办工单的成员单位。") % {"unit": unit.name})
        assisting.append(unit)
    return assisting


def start_clock(order: Order, *, now: datetime) -> None:
    """Start the unit's limit at `now`: working days (Art. 14), or for an emergency clock
    hours, since it is handled at once around the clock (Art. 13, 14(3);
    `HOTLINE_EMERGENCY_LIMIT_HOURS`). Sets `limit_working_days`, `limit_hours`, `due_at`."""
    if order.is_emergency:
        order.limit_working_days = 0
        order.limit_hours = settings.HOTLINE_EMERGENCY_LIMIT_HOURS
        order.due_at = now + timedelta(hours=order.limit_hours)
        return
    order.limit_working_days, order.limit_hours = order_limit(order), None
    order.due_at = deadline_compute(start=now, working_days=order.limit_working_days).due_at


CLOCK_FIELDS = ("limit_working_days", "limit_hours", "due_at")
ASSIGN_FIELDS = (
    "lead_unit",
    "handler",
    "dispatched_at",
    "signed_at",
    "limit_hours",
    "limit_working_days",
    "due_at",
    "extension_status",
    "extension_count",
    "status",
)


def _assign(
    order: Order, *, lead: Unit, assisting_units: Sequence[Unit], now: datetime
) -> list[Unit]:
    """Give the order to its lead and assisting units and start their clock (DESIGN §3: the
    clock starts at dispatch; a re-dispatch restarts it for the new unit)."""
    assisting = _check_units(lead, assisting_units)
    Assignment.objects.filter(order=order, is_active=True).update(is_active=False, ended_at=now)
    Assignment.objects.create(order=order, unit=lead, role=Assignment.Role.LEAD, assigned_at=now)
    for unit in assisting:
        Assignment.objects.create(
            order=order, unit=unit, role=Assignment.Role.ASSIST, assigned_at=now
        )
    order.lead_unit = lead
    order.handler = None
    order.dispatched_at = now
    order.signed_at = None
    start_clock(order, now=now)
    # A new unit may apply for its own one extension (Art. 14(2)); a pending one lapses.
    order.extension_status = ExtensionStatus.NONE
    order.extension_count = 0
    order.status = Status.DISPATCHED
    return assisting


def dispatch_to_units(
    order: Order,
    *,
    action: str,
    actor: User,
    lead: Unit,
    assisting_units: Sequence[Unit],
    reason: str,
    from_unit: Unit | None = None,
    category: Category | None = None,
    also_saved: Sequence[str] = (),
) -> Order:
    """Every way an order reaches its units — the host unit's review, a dispatch, an upheld
    return, a re-dispatch — does the same: assign the units and start their clock, save,
    write the history row and tell the lead and assisting units. `category` classifies an
    order that has none yet (a web request), before its limit is computed (Art. 14(2): a
    category's legal limit)."""
    from_status = order.status
    if category is not None:
        if order.category_id is not None and order.category_id != category.pk:
            raise InvalidInput(_("工单已有事项分类，如需修改请由主办单位更正。"))
        if not category.is_active:
            raise InvalidInput(_("该事项分类已停用。"))
        order.category = category
        also_saved = [*also_saved, "category"]
    assisting = _assign(order, lead=lead, assisting_units=assisting_units, now=clock.now())
    save(order, [*ASSIGN_FIELDS, *also_saved])
    event = history.assigned(
        order,
        action=action,
        actor=actor,
        from_status=from_status,
        reason=reason,
        assisting=assisting,
        from_unit=from_unit,
    )
    messages.dispatched(order, event, assisting)
    return order
