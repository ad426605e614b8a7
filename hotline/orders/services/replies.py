"""Replies: the lead unit's reply approved inside the unit, the assisting units' parts, a reply
given on paper, and the operating centre's check of the reply (Art. 10, 15, 16)."""

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.callbacks.queue import callback_task_open
from hotline.core.errors import InvalidInput, WrongState
from hotline.core.text import MAX_REASON, MAX_TEXT, clean_text
from hotline.orders import history, messages
from hotline.orders.attachments import check_uploads
from hotline.orders.models import Action, Attachment, Order, Reply, Status
from hotline.orders.personal_text import order_text
from hotline.orders.services.base import begin, held_by, merged_orders_share_result, save
from hotline.orders.services.handling import attachments_add


@transaction.atomic
def order_reply(
    *, order: Order, actor: User, text: str, expected_version: int | None = None
) -> Order:
    """The lead unit's handler drafts the reply; the unit's manager approves it before it
    leaves the unit (Art. 10: 办理、审核、答复). Personal numbers and the caller's name or phone
    in a reply are stored masked, the original sealed (`personal_text.order_text`), so the
    result message to the caller and every page show the mask."""
    order = begin(order, actor, Action.REPLY, expected_version)
    masked, sealed = order_text(order, clean_text(text, field=_("答复内容"), limit=MAX_TEXT))
    reply = Reply.objects.create(
        order=order, unit=held_by(order), author=actor, text=masked, text_sealed=sealed
    )
    from_status, order.status = order.status, Status.REPLY_APPROVAL
    save(order, ["status"])
    event = history.reply_handled(
        order, action=Action.REPLY, actor=actor, from_status=from_status, reply=reply
    )
    messages.reply_awaits_approval(order, event)
    return order


@transaction.atomic
def order_decide_reply(
    *,
    order: Order,
    actor: User,
    approve: bool,
    reason: str = "",
    expected_version: int | None = None,
) -> Order:
    """The unit's manager (or leader) approves the reply, which goes to the operating centre's
    check (Art. 15), or sends it back to the handler."""
    action = Action.REPLY_APPROVED if approve else Action.REPLY_REJECTED
    order = begin(order, actor, action, expected_version)
    reply = order.replies.filter(state=Reply.State.PENDING_APPROVAL).order_by("-created_at").first()
    if reply is None:
        raise WrongState(_("没有待审批的答复。"))
    reason = clean_text(reason, field=_("退回理由"), required=not approve, limit=MAX_REASON)
    reply.approved_by = actor
    reply.state = Reply.State.PENDING_CHECK if approve else Reply.State.REJECTED_BY_MANAGER
    reply.save(update_fields=["approved_by", "state"])
    from_status = order.status
    fields = ["status"]
    if approve:
        order.status, order.replied_at = Status.REPLY_CHECK, clock.now()
        fields.append("replied_at")
    else:
        order.status = Status.IN_PROGRESS
    save(order, fields)
    history.reply_handled(
        order, action=action, actor=actor, from_status=from_status, reply=reply, reason=reason
    )
    return order


@transaction.atomic
def order_submit_assist_reply(*, order: Order, actor: User, text: str) -> Reply:
    """An assisting unit gives its part to the lead unit, which gives the one reply."""
    order = begin(order, actor, Action.ASSIST_REPLY, None)
    unit = actor.unit
    assert unit is not None  # the rule found the unit's assisting assignment
    masked, sealed = order_text(order, clean_text(text, field=_("协办意见"), limit=MAX_TEXT))
    reply = Reply.objects.create(
        order=order,
        unit=unit,
        author=actor,
        text=masked,
        text_sealed=sealed,
        state=Reply.State.ASSIST,
        created_at=clock.now(),
    )
    event = history.reply_handled(
        order, action=Action.ASSIST_REPLY, actor=actor, from_status=order.status, reply=reply
    )
    messages.assist_reply_given(order, event, unit=unit)
    return reply


@transaction.atomic
def order_record_written_reply(
    *,
    order: Order,
    actor: User,
    text: str,
    scans: Sequence[UploadedFile],
    expected_version: int | None = None,
) -> Order:
    """The operating centre records, on a unit's behalf, a reply the unit gave on paper
    (Art. 15: 办理结果应通过书面形式或工单系统反馈), with the scanned document. The signed paper is
    the unit's approval, so the reply goes straight to the operating centre's check."""
    order = begin(order, actor, Action.WRITTEN_REPLY, expected_version)
    if not scans:
        raise InvalidInput(_("请上传书面答复的扫描件。"))
    check_uploads(scans)
    text, sealed = order_text(order, clean_text(text, field=_("答复内容"), limit=MAX_TEXT))
    now = clock.now()
    # A draft waiting in the unit is superseded by the paper reply.
    order.replies.filter(state=Reply.State.PENDING_APPROVAL).update(state=Reply.State.SUPERSEDED)
    reply = Reply.objects.create(
        order=order,
        unit=held_by(order),
        author=actor,
        text=text,
        text_sealed=sealed,
        state=Reply.State.PENDING_CHECK,
        created_at=now,
    )
    attachments_add(order=order, actor=actor, uploads=scans, kind=Attachment.Kind.WRITTEN_REPLY)
    from_status = order.status
    order.status, order.replied_at = Status.REPLY_CHECK, now
    save(order, ["status", "replied_at"])
    history.written_reply_recorded(order, actor=actor, from_status=from_status, reply=reply)
    return order


@transaction.atomic
def order_check_reply(
    *,
    order: Order,
    actor: User,
    accept: bool,
    reason: str = "",
    expected_version: int | None = None,
) -> Order:
    """An operator checks the unit's reply (Art. 16). Accepted: the caller is told the result
    and the order enters the callback queue. Not acceptable (e.g. a perfunctory reply): back
    to the unit to redo, with the original due date. The callers of the requests merged into
    it are told the result too (`merged_orders_share_result`)."""
    action = Action.REPLY_ACCEPTED if accept else Action.REPLY_SENT_BACK
    order = begin(order, actor, action, expected_version)
    reply = order.replies.filter(state=Reply.State.PENDING_CHECK).order_by("-created_at").first()
    if reply is None:
        raise WrongState(_("没有待审查的答复。"))
    reason = clean_text(reason, field=_("退回理由"), required=not accept, limit=MAX_REASON)
    reply.checked_by = actor
    reply.state = Reply.State.ACCEPTED if accept else Reply.State.SENT_BACK
    reply.save(update_fields=["checked_by", "state"])
    from_status = order.status
    order.status = Status.CALLBACK if accept else Status.IN_PROGRESS
    save(order, ["status"])
    event = history.reply_handled(
        order, action=action, actor=actor, from_status=from_status, reply=reply, reason=reason
    )
    if accept:
        callback_task_open(order=order, at=event.at)
        messages.result_to_caller(order, event, reply.text)
        merged_orders_share_result(order)
    else:
        messages.redo(order, event)
    return order
