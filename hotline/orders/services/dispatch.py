"""Dispatch and the unit's first steps: dispatching to the lead and assisting units, signing,
returning a wrong dispatch and deciding the return, and re-dispatching (Art. 10, 14;
国办函〔2025〕66号: lead and assisting units, dispute review of wrong dispatches)."""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.catalogue.models import Category
from hotline.core.errors import InvalidInput
from hotline.core.text import MAX_REASON, clean_text
from hotline.orders import history, messages
from hotline.orders.models import Action, Order, Status
from hotline.orders.rules import return_decided_by_host
from hotline.orders.services.base import begin, dispatch_to_units, held_by, save
from hotline.units.models import Unit


@transaction.atomic
def order_dispatch(
    *,
    order: Order,
    actor: User,
    lead_unit: Unit,
    assisting_units: Sequence[Unit] = (),
    reason: str = "",
    category: Category | None = None,
    expected_version: int | None = None,
) -> Order:
    """Dispatch to the lead unit and any assisting units; the working-day clock starts now.
    An order without a category (e.g. from the web) gets the one the dispatcher chooses."""
    order = begin(order, actor, Action.DISPATCH, expected_version)
    reason = clean_text(reason, field=_("派单说明"), required=False, limit=MAX_REASON)
    return dispatch_to_units(
        order,
        action=Action.DISPATCH,
        actor=actor,
        lead=lead_unit,
        assisting_units=assisting_units,
        reason=reason,
        category=category,
    )


@transaction.atomic
def order_sign(
    *, order: Order, actor: User, handler: User | None = None, expected_version: int | None = None
) -> Order:
    """The lead unit signs for the order (签收) and names its handler; the time is kept for
    the timely-signing rate."""
    order = begin(order, actor, Action.SIGN, expected_version)
    handler = handler or (actor if actor.has_role(Role.HANDLER) else None)
    if handler is not None and (
        handler.unit_id != order.lead_unit_id or not handler.has_role(Role.HANDLER)
    ):
        raise InvalidInput(_("承办人须是本单位的承办人员。"))
    from_status = order.status
    order.status, order.signed_at, order.handler = Status.IN_PROGRESS, clock.now(), handler
    save(order, ["status", "signed_at", "handler"])
    history.signed(order, actor=actor, from_status=from_status)
    return order


@transaction.atomic
def order_return(
    *,
    order: Order,
    actor: User,
    reason: str,
    suggested_unit: Unit | None = None,
    expected_version: int | None = None,
) -> Order:
    """The lead unit returns a wrong dispatch (退单) with a reason and, where known, the unit
    it belongs to. The clock keeps running until the return is decided, by the operator lead
    or, for complaints, reports and repeated returns, by the host unit."""
    order = begin(order, actor, Action.RETURN, expected_version)
    reason = clean_text(reason, field=_("退单理由"), limit=MAX_REASON)
    from_status = order.status
    order.status_before_return, order.status = from_status, Status.RETURN_REVIEW
    order.return_count += 1
    save(order, ["status", "status_before_return", "return_count"])
    event = history.returned(
        order, actor=actor, from_status=from_status, reason=reason, suggested_unit=suggested_unit
    )
    messages.returned(order, event, by_host=return_decided_by_host(order))
    return order


@transaction.atomic
def order_decide_return(
    *,
    order: Order,
    actor: User,
    uphold: bool,
    reason: str,
    lead_unit: Unit | None = None,
    assisting_units: Sequence[Unit] = (),
    expected_version: int | None = None,
) -> Order:
    """Decide a return. Upheld: the order is re-dispatched and the clock restarts for the new
    unit. Refused: it goes back to the unit with the original deadline still running."""
    action = Action.RETURN_UPHELD if uphold else Action.RETURN_REFUSED
    order = begin(order, actor, action, expected_version)
    reason = clean_text(reason, field=_("审核意见"), limit=MAX_REASON)
    from_status = order.status
    if not uphold:
        order.status = order.status_before_return or Status.DISPATCHED
        order.status_before_return = ""
        save(order, ["status", "status_before_return"])
        event = history.return_refused(order, actor=actor, from_status=from_status, reason=reason)
        messages.return_refused(order, event)
        return order
    if lead_unit is None:
        raise InvalidInput(_("同意退单时须指定新的主办单位。"))
    if lead_unit.pk == order.lead_unit_id:
        raise InvalidInput(_("新的主办单位不能是退单单位。"))
    order.status_before_return = ""
    return dispatch_to_units(
        order,
        action=action,
        actor=actor,
        lead=lead_unit,
        assisting_units=assisting_units,
        reason=reason,
        from_unit=held_by(order),
        also_saved=["status_before_return"],
    )


@transaction.atomic
def order_redispatch(
    *,
    order: Order,
    actor: User,
    lead_unit: Unit,
    assisting_units: Sequence[Unit] = (),
    reason: str,
    expected_version: int | None = None,
) -> Order:
    """Move an order to another unit without a return (改派); the clock restarts."""
    order = begin(order, actor, Action.REDISPATCH, expected_version)
    if lead_unit.pk == order.lead_unit_id:
        raise InvalidInput(_("新的主办单位与当前主办单位相同。"))
    reason = clean_text(reason, field=_("改派理由"), limit=MAX_REASON)
    return dispatch_to_units(
        order,
        action=Action.REDISPATCH,
        actor=actor,
        lead=lead_unit,
        assisting_units=assisting_units,
        reason=reason,
        from_unit=held_by(order),
    )
