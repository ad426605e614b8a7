"""The one extension of a complaint's or report's limit (Art. 14(2): 经责任单位申请、热线主办单位
批准可延期一次)."""

from django.db import transaction
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.calendar.services import due_at_for, working_day_after
from hotline.core.errors import WrongState
from hotline.core.text import MAX_REASON, clean_text
from hotline.orders import history, messages
from hotline.orders.models import Action, ExtensionStatus, Order
from hotline.orders.services.base import begin, save


@transaction.atomic
def order_request_extension(
    *, order: Order, actor: User, reason: str, expected_version: int | None = None
) -> Order:
    """The lead unit applies for the one extension (complaints and reports, once, before the
    due date: `rules.RULES`)."""
    order = begin(order, actor, Action.EXTENSION_REQUEST, expected_version)
    reason = clean_text(reason, field=_("延期理由"), limit=MAX_REASON)
    order.extension_status = ExtensionStatus.REQUESTED
    save(order, ["extension_status"])
    event = history.extension_requested(order, actor=actor, reason=reason)
    messages.extension_requested(order, event)
    return order


@transaction.atomic
def order_decide_extension(
    *,
    order: Order,
    actor: User,
    approve: bool,
    reason: str = "",
    expected_version: int | None = None,
) -> Order:
    """The host unit approves (adding the extension's working days to the current due date)
    or refuses the extension; a refused one cannot be asked again."""
    action = Action.EXTENSION_APPROVED if approve else Action.EXTENSION_DENIED
    order = begin(order, actor, action, expected_version)
    reason = clean_text(reason, field=_("审批意见"), required=not approve, limit=MAX_REASON)
    if approve:
        if order.due_date is None:
            raise WrongState(_("工单没有办理期限，不能延期。"))
        new_due_date, _covered = working_day_after(
            day=order.due_date, working_days=order.request_type.extension_working_days
        )
        old_due_at = order.due_at
        order.due_at = due_at_for(due_date=new_due_date)
        order.extension_status = ExtensionStatus.APPROVED
        order.extension_count += 1
        save(order, ["due_at", "extension_status", "extension_count"])
        event = history.extension_approved(order, actor=actor, reason=reason, old_due_at=old_due_at)
    else:
        order.extension_status = ExtensionStatus.DENIED
        save(order, ["extension_status"])
        event = history.extension_denied(order, actor=actor, reason=reason)
    messages.extension_decided(order, event, approved=approve)
    return order
