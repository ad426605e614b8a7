"""Closing the loop (Art. 16): the caller's satisfaction, however it is given; reopening an
unsatisfied order; closing by the operator lead, by the host unit's decision, or by the
callback rules. Every transition out of the callback state closes the order's callback task
(`callbacks.queue`) in the same transaction."""

from django.db import transaction
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.callbacks.models import CallbackTask
from hotline.callbacks.queue import callback_task_close
from hotline.core.errors import InvalidInput, WrongState
from hotline.core.text import MAX_NOTE, MAX_REASON, clean_text
from hotline.orders import history, messages
from hotline.orders.models import Action, CloseReason, ExtensionStatus, Order, Satisfaction, Status
from hotline.orders.services.base import CLOCK_FIELDS, begin, lock, save, start_clock


def _rate(
    order: Order, *, actor: User | None, satisfaction: str, note: str, channel: str = ""
) -> Order:
    """The caller's satisfaction, however it was given: satisfied or basically satisfied
    closes the order; unsatisfied waits for the host unit's decision. Either way the order
    leaves the callback queue as rated."""
    from_status, order.satisfaction = order.status, satisfaction
    fields = ["status", "satisfaction"]
    if satisfaction == Satisfaction.UNSATISFIED:
        order.status = Status.UNSATISFIED
    else:
        order.status, order.close_reason, order.closed_at = (
            Status.CLOSED,
            CloseReason.CALLBACK,
            clock.now(),
        )
        fields += ["close_reason", "closed_at"]
    save(order, fields)
    event = history.rated(
        order,
        actor=actor,
        from_status=from_status,
        satisfaction=satisfaction,
        note=note,
        channel=channel,
    )
    callback_task_close(order=order, outcome=CallbackTask.Outcome.RATED, at=event.at)
    if satisfaction == Satisfaction.UNSATISFIED:
        messages.unsatisfied(order, event)
    return order


@transaction.atomic
def order_record_callback(
    *,
    order: Order,
    actor: User,
    satisfaction: str,
    note: str = "",
    expected_version: int | None = None,
) -> Order:
    """Record the caller's satisfaction from the operator's callback. Unsatisfied needs the
    caller's words."""
    order = begin(order, actor, Action.CALLBACK, expected_version)
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("请选择满意度。"))
    note = clean_text(
        note,
        field=_("回访记录"),
        required=satisfaction == Satisfaction.UNSATISFIED,
        limit=MAX_REASON,
    )
    return _rate(order, actor=actor, satisfaction=satisfaction, note=note)


@transaction.atomic
def order_rate_by_caller(
    *, order: Order, satisfaction: str, comment: str = "", channel: str = "web"
) -> Order:
    """The caller rates the reply themselves (on the portal link or by SMS). It counts the same
    as the operator's satisfaction callback. The caller is proven by the order number and
    phone, or by the signed link; the portal checks that before calling this."""
    order = lock(order)
    if order.status != Status.CALLBACK:
        raise WrongState(_("该工单当前不能评价。"))
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("请选择满意度。"))
    comment = clean_text(comment, field=_("评价意见"), required=False, limit=MAX_NOTE)
    return _rate(order, actor=None, satisfaction=satisfaction, note=comment, channel=channel)


@transaction.atomic
def order_reopen(
    *, order: Order, actor: User, reason: str, expected_version: int | None = None
) -> Order:
    """The host unit reopens an unsatisfied order (重办): back to the same unit with a new
    limit, counted as a reopen; at most twice (`rules.MAX_REOPENS`)."""
    order = begin(order, actor, Action.REOPEN, expected_version)
    reason = clean_text(reason, field=_("重办理由"), limit=MAX_REASON)
    from_status = order.status
    order.status = Status.IN_PROGRESS
    order.reopen_count += 1
    order.satisfaction = ""
    start_clock(order, now=clock.now())
    # The reopened work runs on a new limit, which the unit may extend once like the first.
    order.extension_status, order.extension_count = ExtensionStatus.NONE, 0
    save(
        order,
        [
            "status",
            "reopen_count",
            "satisfaction",
            *CLOCK_FIELDS,
            "extension_status",
            "extension_count",
        ],
    )
    event = history.reopened(order, actor=actor, from_status=from_status, reason=reason)
    messages.reopened(order, event)
    return order


def _close(
    order: Order, *, actor: User | None, close_reason: str, reason: str, outcome: str
) -> Order:
    from_status = order.status
    order.status, order.close_reason, order.closed_at = Status.CLOSED, close_reason, clock.now()
    save(order, ["status", "close_reason", "closed_at"])
    event = history.closed(order, actor=actor, from_status=from_status, reason=reason)
    callback_task_close(order=order, outcome=outcome, at=event.at)
    return order


@transaction.atomic
def order_close(
    *, order: Order, actor: User, reason: str, expected_version: int | None = None
) -> Order:
    """Close an order without a satisfied callback: from the callback queue by the operator
    lead (e.g. the caller cannot be reached), or an unsatisfied order by the host unit's
    decision (e.g. the demand is beyond policy)."""
    order = begin(order, actor, Action.CLOSE, expected_version)
    reason = clean_text(reason, field=_("办结说明"), limit=MAX_REASON)
    close_reason = (
        CloseReason.HOST_DECISION if order.status == Status.UNSATISFIED else CloseReason.BY_RULE
    )
    return _close(
        order,
        actor=actor,
        close_reason=close_reason,
        reason=reason,
        outcome=CallbackTask.Outcome.CLOSED,
    )


CLOSE_BY_RULE_OUTCOMES = frozenset(
    {CallbackTask.Outcome.UNREACHABLE, CallbackTask.Outcome.AUTO_CLOSED}
)


@transaction.atomic
def order_close_by_rule(
    *, order: Order, reason: str, outcome: str, actor: User | None = None
) -> Order:
    """Close an order waiting for its callback under the callback policy: the caller could
    not be reached after the allowed tries (`outcome` UNREACHABLE, `actor` the operator whose
    last try ended it), or no callback was required and the caller did not rate the reply in
    time (AUTO_CLOSED, by the periodic job)."""
    if outcome not in CLOSE_BY_RULE_OUTCOMES:
        raise ValueError(f"{outcome!r} is not a rule's outcome")
    order = lock(order)
    if order.status != Status.CALLBACK:
        raise WrongState(_("工单不在待回访状态。"))
    reason = clean_text(reason, field=_("办结说明"), limit=MAX_REASON)
    return _close(
        order, actor=actor, close_reason=CloseReason.BY_RULE, reason=reason, outcome=outcome
    )
