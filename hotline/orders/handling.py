"""The unit's work on an order between signing and replying (Art. 10, 15): handling notes
and contact records, the assisting units' parts, written replies recorded by the operating
centre, acknowledging urges and supervision, and the reminder one working day before the due
date. Each function is one transaction that writes its history row and its notifications."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import CENTRE_ROLES, Role
from hotline.calendar.services import working_days_between
from hotline.notifications.services import notify_unit
from hotline.orders.attachments import attachments_add, check_uploads
from hotline.orders.errors import InvalidInput, NotAllowed, OrderChanged, OrderNotFound, WrongState
from hotline.orders.models import (
    UNIT_STATES,
    Action,
    Assignment,
    Attachment,
    Note,
    Order,
    OrderEvent,
    Reply,
    Status,
    Urge,
)
from hotline.orders.permissions import can_see
from hotline.orders.services import MAX_CONTENT, _clean_text, _event_key, _lead, _lock

NOTE_STATES = frozenset({*UNIT_STATES, Status.REPLY_CHECK})


def _active_role(user: User, order: Order) -> str | None:
    """'lead' or 'assist' when the user's unit currently holds the order, else None."""
    if not user.is_unit_staff or user.unit_id is None:
        return None
    assignment = Assignment.objects.filter(
        order=order, unit_id=user.unit_id, is_active=True
    ).first()
    return assignment.role if assignment else None


def _event(
    order: Order, *, actor: User, action: str, reason: str = "", **data: object
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        at=clock.now(),
        action=action,
        actor=actor,
        actor_unit=actor.unit,
        from_status=order.status,
        to_status=order.status,
        reason=reason,
        data=data,
    )


def _lock_visible(order: Order, actor: User) -> Order:
    locked = _lock(order, None)
    if not can_see(actor, locked):
        raise OrderNotFound(_("工单不存在或无权查看。"))
    return locked


@transaction.atomic
def order_add_note(
    *,
    order: Order,
    actor: User,
    text: str,
    kind: str = Note.Kind.NOTE,
    method: str = "",
    contacted_at: datetime | None = None,
) -> Note:
    """Record a handling note, or that the caller was contacted (when and how), on an order
    the actor's unit holds (lead or assisting) or that the operating centre follows."""
    order = _lock_visible(order, actor)
    if not (_active_role(actor, order) or actor.has_role(*CENTRE_ROLES, Role.REVIEWER)):
        raise NotAllowed(_("您无权为该工单添加办理记录。"))
    if order.status not in NOTE_STATES:
        raise WrongState(
            _("工单当前状态为“%(status)s”，不能添加办理记录。")
            % {"status": order.get_status_display()}
        )
    if kind not in Note.Kind.values:
        raise InvalidInput(_("未知的记录类别。"))
    text = _clean_text(text, field=_("记录内容"), limit=MAX_CONTENT)
    now = clock.now()
    if kind == Note.Kind.CONTACT:
        if method not in Note.Method.values:
            raise InvalidInput(_("请选择联系方式。"))
        contacted_at = contacted_at or now
        if contacted_at > now + timedelta(minutes=5):
            raise InvalidInput(_("联系时间不能晚于现在。"))
    else:
        method, contacted_at = "", None
    note = Note.objects.create(
        order=order,
        unit=actor.unit,
        author=actor,
        kind=kind,
        method=method,
        contacted_at=contacted_at,
        text=text,
        created_at=now,
    )
    _event(
        order,
        actor=actor,
        action=Action.CONTACT if kind == Note.Kind.CONTACT else Action.NOTE,
        reason=text,
        method=method,
        contacted_at=contacted_at.isoformat() if contacted_at else None,
    )
    return note


@transaction.atomic
def order_submit_assist_reply(*, order: Order, actor: User, text: str) -> Reply:
    """An assisting unit gives its part to the lead unit, which gives the one reply."""
    order = _lock_visible(order, actor)
    if _active_role(actor, order) != Assignment.Role.ASSIST or not actor.has_role(
        Role.HANDLER, Role.MANAGER, Role.LEADER
    ):
        raise NotAllowed(_("只有协办单位可以提交协办意见。"))
    if order.status not in UNIT_STATES:
        raise WrongState(_("工单已不在办理阶段，不能提交协办意见。"))
    assert actor.unit is not None  # _active_role found the unit's assignment
    reply = Reply.objects.create(
        order=order,
        unit=actor.unit,
        author=actor,
        text=_clean_text(text, field=_("协办意见"), limit=MAX_CONTENT),
        state=Reply.State.ASSIST,
        created_at=clock.now(),
    )
    event = _event(order, actor=actor, action=Action.ASSIST_REPLY, reply=reply.pk)
    notify_unit(
        unit=_lead(order),
        kind="assist_reply",
        event_key=_event_key(event),
        order=order,
        sms_roles=(),
        body=_("工单 %(number)s 收到协办单位 %(unit)s 的协办意见。")
        % {"number": order.number, "unit": actor.unit},
    )
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
    order = _lock(order, None)
    if not can_see(actor, order):
        raise OrderNotFound(_("工单不存在或无权查看。"))
    if not actor.has_role(*CENTRE_ROLES):
        raise NotAllowed(_("只有热线运营中心可以代录书面答复。"))
    if expected_version is not None and order.version != expected_version:
        raise OrderChanged()
    if order.status not in (Status.DISPATCHED, Status.IN_PROGRESS, Status.REPLY_APPROVAL):
        raise WrongState(
            _("工单当前状态为“%(status)s”，不能代录答复。") % {"status": order.get_status_display()}
        )
    if not scans:
        raise InvalidInput(_("请上传书面答复的扫描件。"))
    check_uploads(scans)
    text = _clean_text(text, field=_("答复内容"), limit=MAX_CONTENT)
    now = clock.now()
    # A draft waiting in the unit is superseded by the paper reply.
    order.replies.filter(state=Reply.State.PENDING_APPROVAL).update(state=Reply.State.SUPERSEDED)
    reply = Reply.objects.create(
        order=order,
        unit=_lead(order),
        author=actor,
        text=text,
        state=Reply.State.PENDING_CHECK,
        created_at=now,
    )
    attachments_add(order=order, actor=actor, uploads=scans, kind=Attachment.Kind.WRITTEN_REPLY)
    from_status = order.status
    order.status, order.replied_at = Status.REPLY_CHECK, now
    order.version += 1
    order.save(update_fields=["status", "replied_at", "version", "updated_at"])
    OrderEvent.objects.create(
        order=order,
        at=now,
        action=Action.WRITTEN_REPLY,
        actor=actor,
        actor_unit=actor.unit,
        from_status=from_status,
        to_status=order.status,
        data={"reply": reply.pk, "unit": _lead(order).code},
    )
    return order


@transaction.atomic
def urge_acknowledge(*, urge: Urge, actor: User) -> Urge:
    """The unit confirms it has seen an urge or a supervision (催办/督办须确认)."""
    locked = Urge.objects.select_for_update().select_related("order").get(pk=urge.pk)
    if (
        not actor.is_unit_staff
        or actor.unit_id != locked.unit_id
        or not can_see(actor, locked.order)
    ):
        raise NotAllowed(_("只有被催办的单位可以确认。"))
    if locked.acknowledged_at is not None:
        raise OrderChanged(_("该催办已由 %(who)s 确认。") % {"who": locked.acknowledged_by})
    locked.acknowledged_by, locked.acknowledged_at = actor, clock.now()
    locked.save(update_fields=["acknowledged_by", "acknowledged_at"])
    _event(locked.order, actor=actor, action=Action.URGE_ACK, urge=locked.pk, kind=locked.kind)
    return locked


def orders_due_tomorrow(*, now: datetime | None = None) -> list[Order]:
    """Orders held by a unit whose limit ends today or on the next working day."""
    now = now or clock.now()
    today = timezone.localtime(now).date()
    # The next working day is at most a long holiday away; look a fortnight ahead at most.
    candidates = Order.objects.filter(
        status__in=UNIT_STATES, due_at__gt=now, due_at__lte=now + timedelta(days=14)
    ).select_related("lead_unit")
    return [
        order
        for order in candidates
        if order.due_date is not None
        and order.lead_unit is not None
        and working_days_between(after=today, through=order.due_date) <= 1
    ]


@transaction.atomic
def notify_due_soon(*, now: datetime | None = None) -> int:
    """Remind each unit one working day before an order's limit ends, once per due date
    (an extension moves the due date and earns a new reminder). Safe to run often."""
    sent = 0
    for order in orders_due_tomorrow(now=now):
        due = order.due_text
        key = f"due-soon-{order.pk}-{order.due_at.isoformat() if order.due_at else ''}"
        notify_unit(
            unit=_lead(order),
            kind="due_soon",
            event_key=key,
            order=order,
            body=_("工单 %(number)s 将于 %(due)s 到期，请抓紧办理并按时答复。")
            % {"number": order.number, "due": due},
        )
        sent += 1
    return sent
