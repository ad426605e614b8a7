"""Every change of a work order's state (DESIGN §3).

Each public function here is one transition. It runs in one transaction, locks the order row,
checks the actor's permission and the current state (`permissions.authorize`), changes the
order, writes one `OrderEvent` (who, when, from, to, why) and queues its notifications in the
same transaction. A forbidden transition raises a `DomainError` and changes nothing. Pass
`expected_version` (the version the actor saw) to be told when someone else changed the
order in between, instead of silently overwriting their change.
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import CENTRE_ROLES, Role
from hotline.calendar.services import deadline_compute, due_at_for, working_day_after
from hotline.catalogue.models import (
    Category,
    EmergencySituation,
    ExclusionReason,
    MajorIncidentKind,
    RequestType,
    RescueLine,
)
from hotline.notifications.services import notify_caller, notify_role, notify_unit
from hotline.orders.errors import InvalidInput, NotAllowed, OrderChanged, WrongState
from hotline.orders.models import (
    Action,
    Assignment,
    Channel,
    CloseReason,
    ExtensionStatus,
    Order,
    OrderEvent,
    OrderNumberSequence,
    Reply,
    Satisfaction,
    Status,
    Urge,
)
from hotline.orders.permissions import authorize, can_see
from hotline.privacy.personal import (
    name_mask,
    phone_digest,
    phone_is_valid,
    phone_mask,
    phone_normalize,
)
from hotline.units.models import Place, Unit

MAX_CONTENT = 4000
MAX_REASON = 2000
HOST_UNIT_CODE = "infocenter"


# --- helpers --------------------------------------------------------------------------------


def _lock(order: Order, expected_version: int | None) -> Order:
    locked = (
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins
        # (category, lead_unit); only the order row needs the lock.
        Order.objects.select_for_update(of=("self",))
        .select_related("request_type", "category", "lead_unit")
        .get(pk=order.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise OrderChanged()
    return locked


def _begin(order: Order, actor: User, action: str, expected_version: int | None) -> Order:
    locked = _lock(order, expected_version)
    authorize(actor, locked, action)
    return locked


def _finish(
    order: Order,
    *,
    actor: User | None,
    action: str,
    from_status: str,
    fields: Sequence[str],
    reason: str = "",
    **data: Any,
) -> OrderEvent:
    """Save the changed fields with a new version and write the history row."""
    order.version += 1
    order.save(update_fields=[*fields, "version", "updated_at"])
    return OrderEvent.objects.create(
        order=order,
        at=clock.now(),
        action=action,
        actor=actor,
        actor_unit=getattr(actor, "unit", None),
        from_status=from_status,
        to_status=order.status,
        reason=reason,
        data=data,
    )


def _lead(order: Order) -> Unit:
    """The order's lead unit; only orders a unit holds reach the callers of this."""
    if order.lead_unit is None:
        raise WrongState(_("工单尚未派单。"))
    return order.lead_unit


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _clean_text(value: str, *, field: str, required: bool = True, limit: int = MAX_REASON) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_("请填写%(field)s。") % {"field": field})
    if len(text) > limit:
        raise InvalidInput(_("%(field)s不能超过 %(n)d 个字。") % {"field": field, "n": limit})
    return text


def _event_key(event: OrderEvent) -> str:
    return f"order-event-{event.pk}"


def _unit_label(unit: Unit) -> str:
    return f"{unit.name}({unit.code})"


def _check_units(lead_unit: Unit, assisting_units: Sequence[Unit]) -> list[Unit]:
    if not lead_unit.is_active or not lead_unit.is_member:
        raise InvalidInput(_("“%(unit)s”不是可承办工单的成员单位。") % {"unit": lead_unit.name})
    assisting = []
    for unit in assisting_units:
        if unit.pk == lead_unit.pk or unit in assisting:
            continue
        if not unit.is_active or not unit.is_member:
            raise InvalidInput(_("“%(unit)s”不是可承办工单的成员单位。") % {"unit": unit.name})
        assisting.append(unit)
    return assisting


def order_limit(order: Order) -> int:
    """The order's limit in working days: the category's own where a law sets one, else the
    request type's (Art. 14; Art. 14(2) 法律、法规对办理时限另有规定的,从其规定)."""
    if order.category is not None and order.category.limit_working_days is not None:
        return order.category.limit_working_days
    return order.request_type.limit_working_days


def _assign(
    order: Order, *, lead_unit: Unit, assisting_units: Sequence[Unit], now: datetime
) -> list[Unit]:
    """Give the order to its lead and assisting units and start their clock (DESIGN §3: the
    clock starts at dispatch; a re-dispatch restarts it for the new unit)."""
    assisting = _check_units(lead_unit, assisting_units)
    Assignment.objects.filter(order=order, is_active=True).update(is_active=False, ended_at=now)
    Assignment.objects.create(
        order=order, unit=lead_unit, role=Assignment.Role.LEAD, assigned_at=now
    )
    for unit in assisting:
        Assignment.objects.create(
            order=order, unit=unit, role=Assignment.Role.ASSIST, assigned_at=now
        )
    limit = order_limit(order)
    deadline = deadline_compute(start=now, working_days=limit)
    order.lead_unit = lead_unit
    order.handler = None
    order.dispatched_at = now
    order.signed_at = None
    order.limit_working_days = limit
    order.due_at = deadline.due_at
    # A new unit may apply for its own one extension (Art. 14(2)); a pending one lapses.
    order.extension_status = ExtensionStatus.NONE
    order.extension_count = 0
    order.status = Status.DISPATCHED
    return assisting


ASSIGN_FIELDS = (
    "lead_unit",
    "handler",
    "dispatched_at",
    "signed_at",
    "limit_working_days",
    "due_at",
    "extension_status",
    "extension_count",
    "status",
)


def _notify_dispatch(
    order: Order, event: OrderEvent, assisting: Sequence[Unit], kind: str = "dispatched"
) -> None:
    key = _event_key(event)
    due = order.due_text
    notify_unit(
        unit=_lead(order),
        kind=kind,
        event_key=key,
        order=order,
        body=_("新工单 %(number)s 已派至贵单位主办，请及时签收，办理期限 %(due)s。")
        % {"number": order.number, "due": due},
    )
    for unit in assisting:
        notify_unit(
            unit=unit,
            kind=kind,
            event_key=key,
            order=order,
            body=_("工单 %(number)s 请贵单位协办，主办单位：%(lead)s。")
            % {"number": order.number, "lead": _lead(order).name},
        )


# --- numbering ------------------------------------------------------------------------------


def order_number_next(*, now: datetime | None = None) -> str:
    """The next order number, e.g. YL2025100100037: prefix, local date, a daily sequence.

    Unique under concurrent creation: the day's counter row is incremented with an UPDATE that
    takes its lock. Gaps are tolerated (a rolled-back order's number may be reused or skipped).
    """
    local = timezone.localtime(now or clock.now())
    key = f"{settings.HOTLINE_ORDER_PREFIX}{local:%Y%m%d}"
    for _attempt in range(5):
        if OrderNumberSequence.objects.filter(day_key=key).update(last=F("last") + 1):
            last = OrderNumberSequence.objects.values_list("last", flat=True).get(day_key=key)
            return f"{key}{last:05d}"
        try:
            with transaction.atomic():
                OrderNumberSequence.objects.create(day_key=key, last=1)
            return f"{key}{1:05d}"
        except IntegrityError:
            continue  # another transaction created the day's row first; increment it
    raise RuntimeError("could not allocate an order number")


# --- intake ---------------------------------------------------------------------------------


@transaction.atomic
def order_create(
    *,
    actor: User | None,
    channel: str,
    request_type: RequestType | str,
    content: str,
    caller_name: str = "",
    caller_phone: str = "",
    category: Category | None = None,
    place: Place | None = None,
    address: str = "",
    title: str = "",
    is_confidential: bool = False,
    emergency_situation: EmergencySituation | None = None,
    rescue_lines: Sequence[str] = (),
    major_incident: MajorIncidentKind | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    now: datetime | None = None,
) -> Order:
    """Record a request as a new order in state `received` (Art. 14).

    Operators record phone calls; the portal, Open311 and the 110 desk record their own
    channels. An emergency (Art. 13) alerts the host unit at once; a major incident (Art. 17)
    is reported to the host unit's reviewers at once. A confidential order (Art. 23) is
    tracked by the person who recorded it.
    """
    now = now or clock.now()
    if channel not in Channel.values:
        raise InvalidInput(_("未知的来源渠道。"))
    if actor is not None:
        if not actor.has_role(*CENTRE_ROLES, Role.LINKAGE, Role.REVIEWER):
            raise NotAllowed(_("您无权登记工单。"))
    elif channel == Channel.PHONE:
        raise NotAllowed(_("电话诉求须由话务员登记。"))
    rtype = (
        RequestType.objects.filter(code=request_type).first()
        if isinstance(request_type, str)
        else request_type
    )
    if rtype is None:
        raise InvalidInput(_("未知的诉求类型。"))
    content = _clean_text(content, field=_("诉求内容"), limit=MAX_CONTENT)
    caller_name = _clean_text(caller_name, field=_("姓名"), required=False, limit=40)
    if caller_phone and not phone_is_valid(caller_phone):
        raise InvalidInput(_("联系电话格式不正确。"))
    if channel == Channel.WEB and not caller_phone:
        raise InvalidInput(_("请填写联系电话，以便查询办理结果。"))
    if category is not None and not category.is_active:
        raise InvalidInput(_("该事项分类已停用。"))
    lines = sorted(set(rescue_lines))
    known_lines = set(RescueLine.objects.filter(code__in=lines).values_list("code", flat=True))
    if set(lines) - known_lines:
        raise InvalidInput(
            _("未知的救援热线：%(lines)s") % {"lines": ", ".join(sorted(set(lines) - known_lines))}
        )
    phone = phone_normalize(caller_phone)

    order = Order.objects.create(
        number=order_number_next(now=now),
        channel=channel,
        request_type=rtype,
        category=category,
        caller_name=caller_name,
        caller_phone=phone,
        caller_name_mask=name_mask(caller_name),
        caller_phone_mask=phone_mask(phone),
        caller_phone_digest=phone_digest(phone),
        place=place,
        address=_clean_text(address, field=_("地址"), required=False, limit=200),
        title=_clean_text(title, field=_("标题"), required=False, limit=120) or content[:30],
        content=content,
        is_confidential=is_confidential,
        emergency_situation=emergency_situation,
        rescue_lines=lines,
        major_incident=major_incident,
        latitude=latitude,
        longitude=longitude,
        tracker=actor if actor is not None and actor.is_centre_staff else None,
        created_by=actor,
        created_at=now,
    )
    OrderEvent.objects.create(
        order=order,
        action=Action.CREATE,
        actor=actor,
        actor_unit=getattr(actor, "unit", None),
        to_status=order.status,
        at=now,
        data={"channel": channel, "type": rtype.code},
    )
    if emergency_situation is not None or rtype.is_emergency:
        event = OrderEvent.objects.create(
            order=order,
            action=Action.EMERGENCY_ALERT,
            actor=actor,
            to_status=order.status,
            at=now,
            data={"situation": getattr(emergency_situation, "code", None), "lines": lines},
        )
        notify_role(
            role=Role.REVIEWER,
            unit_code=HOST_UNIT_CODE,
            kind="emergency",
            event_key=_event_key(event),
            order=order,
            sms=True,
            body=_("紧急求助 %(number)s：%(situation)s，已引导拨打 %(lines)s，请关注联动处置。")
            % {
                "number": order.number,
                "situation": getattr(emergency_situation, "name", rtype.name),
                "lines": "、".join(lines) or "-",
            },
        )
    if major_incident is not None:
        event = OrderEvent.objects.create(
            order=order,
            action=Action.MAJOR_INCIDENT_ALERT,
            actor=actor,
            to_status=order.status,
            at=now,
            data={"kind": major_incident.code},
        )
        notify_role(
            role=Role.REVIEWER,
            unit_code=HOST_UNIT_CODE,
            kind="major_incident",
            event_key=_event_key(event),
            order=order,
            sms=True,
            body=_("重大突发事件报告（第十七条）：%(kind)s，工单 %(number)s，请立即研判。")
            % {"kind": major_incident.name, "number": order.number},
        )
    return order


@transaction.atomic
def order_accept(*, order: Order, actor: User, expected_version: int | None = None) -> Order:
    """Accept a request that needs no host review: it waits for dispatch (Art. 14(1), (4))."""
    order = _begin(order, actor, Action.ACCEPT, expected_version)
    from_status, order.status = order.status, Status.PENDING_DISPATCH
    _finish(order, actor=actor, action=Action.ACCEPT, from_status=from_status, fields=["status"])
    return order


@transaction.atomic
def order_not_accept(
    *,
    order: Order,
    actor: User,
    exclusion: ExclusionReason,
    note: str = "",
    expected_version: int | None = None,
) -> Order:
    """Close a request that the hotline does not take, with its Art. 12 reason."""
    order = _begin(order, actor, Action.NOT_ACCEPT, expected_version)
    from_status = order.status
    order.status, order.exclusion = Status.CLOSED, exclusion
    order.close_reason, order.closed_at = CloseReason.NOT_ACCEPTED, clock.now()
    _finish(
        order,
        actor=actor,
        action=Action.NOT_ACCEPT,
        from_status=from_status,
        fields=["status", "exclusion", "close_reason", "closed_at"],
        reason=_clean_text(note, field=_("说明"), required=False),
        exclusion=exclusion.code,
    )
    return order


@transaction.atomic
def order_answer(
    *,
    order: Order,
    actor: User,
    answer: str,
    knowledge_ref: str = "",
    expected_version: int | None = None,
) -> Order:
    """Answer at once from the knowledge base and close (直接答复, Art. 14(1))."""
    order = _begin(order, actor, Action.ANSWER, expected_version)
    from_status = order.status
    order.answer = _clean_text(answer, field=_("答复内容"), limit=MAX_CONTENT)
    order.status, order.close_reason, order.closed_at = (
        Status.CLOSED,
        CloseReason.ANSWERED,
        clock.now(),
    )
    _finish(
        order,
        actor=actor,
        action=Action.ANSWER,
        from_status=from_status,
        fields=["answer", "status", "close_reason", "closed_at"],
        knowledge=knowledge_ref,
    )
    return order


@transaction.atomic
def order_merge(
    *, order: Order, into: Order, actor: User, note: str = "", expected_version: int | None = None
) -> Order:
    """Merge a duplicate request into an earlier order (并单, Art. 12(6)); the caller then
    receives that order's result."""
    order = _begin(order, actor, Action.MERGE, expected_version)
    target = Order.objects.select_for_update(of=("self",)).get(pk=into.pk)
    if not can_see(actor, target):
        raise InvalidInput(_("找不到要并入的工单。"))
    if target.pk == order.pk:
        raise InvalidInput(_("不能并入工单自身。"))
    if target.status == Status.MERGED:
        raise InvalidInput(
            _("工单 %(number)s 已并入其他工单，请并入主工单。") % {"number": target.number}
        )
    from_status = order.status
    order.status, order.merged_into, order.closed_at = Status.MERGED, target, clock.now()
    _finish(
        order,
        actor=actor,
        action=Action.MERGE,
        from_status=from_status,
        fields=["status", "merged_into", "closed_at"],
        reason=_clean_text(note, field=_("说明"), required=False),
        into=target.number,
    )
    return order


@transaction.atomic
def order_submit_for_review(
    *,
    order: Order,
    actor: User,
    opinion: str,
    proposed_unit: Unit | None = None,
    expected_version: int | None = None,
) -> Order:
    """Send a complaint or report to the host unit's review with the operator's preliminary
    opinion (Art. 14(2): 热线工作人员提出初步意见提交热线主办单位审核)."""
    order = _begin(order, actor, Action.SUBMIT_REVIEW, expected_version)
    from_status = order.status
    order.preliminary_opinion = _clean_text(opinion, field=_("初步意见"))
    order.status = Status.PENDING_REVIEW
    event = _finish(
        order,
        actor=actor,
        action=Action.SUBMIT_REVIEW,
        from_status=from_status,
        fields=["preliminary_opinion", "status"],
        proposed_unit=getattr(proposed_unit, "code", None),
    )
    notify_role(
        role=Role.REVIEWER,
        unit_code=HOST_UNIT_CODE,
        kind="review",
        event_key=_event_key(event),
        order=order,
        body=_("工单 %(number)s 待审核。") % {"number": order.number},
    )
    return order


@transaction.atomic
def order_review_approve(
    *,
    order: Order,
    actor: User,
    lead_unit: Unit,
    assisting_units: Sequence[Unit] = (),
    note: str = "",
    expected_version: int | None = None,
) -> Order:
    """The host unit approves a complaint or report and dispatches it (Art. 14(2):
    谁主管谁负责 and 属地管理优先)."""
    order = _begin(order, actor, Action.REVIEW_APPROVE, expected_version)
    from_status, now = order.status, clock.now()
    assisting = _assign(order, lead_unit=lead_unit, assisting_units=assisting_units, now=now)
    event = _finish(
        order,
        actor=actor,
        action=Action.REVIEW_APPROVE,
        from_status=from_status,
        fields=ASSIGN_FIELDS,
        reason=_clean_text(note, field=_("审核意见"), required=False),
        lead_unit=lead_unit.code,
        assisting_units=[u.code for u in assisting],
        due_at=_iso(order.due_at),
    )
    _notify_dispatch(order, event, assisting)
    return order


@transaction.atomic
def order_review_send_back(
    *, order: Order, actor: User, note: str, expected_version: int | None = None
) -> Order:
    """The host unit sends a proposal back to the operating centre with a note."""
    order = _begin(order, actor, Action.REVIEW_SEND_BACK, expected_version)
    from_status, order.status = order.status, Status.RECEIVED
    _finish(
        order,
        actor=actor,
        action=Action.REVIEW_SEND_BACK,
        from_status=from_status,
        fields=["status"],
        reason=_clean_text(note, field=_("退回意见")),
    )
    return order


# --- dispatch and the unit's side -------------------------------------------------------------


@transaction.atomic
def order_dispatch(
    *,
    order: Order,
    actor: User,
    lead_unit: Unit,
    assisting_units: Sequence[Unit] = (),
    reason: str = "",
    expected_version: int | None = None,
) -> Order:
    """Dispatch to the lead unit and any assisting units; the working-day clock starts now."""
    order = _begin(order, actor, Action.DISPATCH, expected_version)
    from_status = order.status
    assisting = _assign(
        order, lead_unit=lead_unit, assisting_units=assisting_units, now=clock.now()
    )
    event = _finish(
        order,
        actor=actor,
        action=Action.DISPATCH,
        from_status=from_status,
        fields=ASSIGN_FIELDS,
        reason=_clean_text(reason, field=_("派单说明"), required=False),
        lead_unit=lead_unit.code,
        assisting_units=[u.code for u in assisting],
        due_at=_iso(order.due_at),
    )
    _notify_dispatch(order, event, assisting)
    return order


@transaction.atomic
def order_sign(
    *, order: Order, actor: User, handler: User | None = None, expected_version: int | None = None
) -> Order:
    """The lead unit signs for the order (签收) and names its handler; the time is kept for
    the timely-signing rate."""
    order = _begin(order, actor, Action.SIGN, expected_version)
    handler = handler or (actor if actor.has_role(Role.HANDLER) else None)
    if handler is not None and (
        handler.unit_id != order.lead_unit_id or not handler.has_role(Role.HANDLER)
    ):
        raise InvalidInput(_("承办人须是本单位的承办人员。"))
    from_status = order.status
    order.status, order.signed_at, order.handler = Status.IN_PROGRESS, clock.now(), handler
    _finish(
        order,
        actor=actor,
        action=Action.SIGN,
        from_status=from_status,
        fields=["status", "signed_at", "handler"],
        handler=getattr(handler, "username", None),
    )
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
    it belongs to. The clock keeps running until the return is decided."""
    order = _begin(order, actor, Action.RETURN, expected_version)
    from_status = order.status
    order.status_before_return, order.status = from_status, Status.RETURN_REVIEW
    order.return_count += 1
    event = _finish(
        order,
        actor=actor,
        action=Action.RETURN,
        from_status=from_status,
        fields=["status", "status_before_return", "return_count"],
        reason=_clean_text(reason, field=_("退单理由")),
        suggested_unit=getattr(suggested_unit, "code", None),
    )
    decider_role = (
        Role.REVIEWER
        if order.request_type.needs_review or order.return_count >= 2
        else Role.OPERATOR_LEAD
    )
    decider_unit = HOST_UNIT_CODE if decider_role == Role.REVIEWER else None
    notify_role(
        role=decider_role,
        unit_code=decider_unit,
        kind="return",
        event_key=_event_key(event),
        order=order,
        body=_("工单 %(number)s 被 %(unit)s 退回，待审核。")
        % {"number": order.number, "unit": _lead(order).name},
    )
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
    order = _begin(order, actor, action, expected_version)
    reason = _clean_text(reason, field=_("审核意见"))
    from_status = order.status
    if uphold:
        if lead_unit is None:
            raise InvalidInput(_("同意退单时须指定新的主办单位。"))
        if lead_unit.pk == order.lead_unit_id:
            raise InvalidInput(_("新的主办单位不能是退单单位。"))
        previous = _lead(order).code
        assisting = _assign(
            order, lead_unit=lead_unit, assisting_units=assisting_units, now=clock.now()
        )
        order.status_before_return = ""
        event = _finish(
            order,
            actor=actor,
            action=action,
            from_status=from_status,
            fields=[*ASSIGN_FIELDS, "status_before_return"],
            reason=reason,
            from_unit=previous,
            lead_unit=lead_unit.code,
            assisting_units=[u.code for u in assisting],
            due_at=_iso(order.due_at),
        )
        _notify_dispatch(order, event, assisting)
    else:
        order.status, order.status_before_return = (
            order.status_before_return or Status.DISPATCHED,
            "",
        )
        event = _finish(
            order,
            actor=actor,
            action=action,
            from_status=from_status,
            fields=["status", "status_before_return"],
            reason=reason,
        )
        notify_unit(
            unit=_lead(order),
            kind="return_refused",
            event_key=_event_key(event),
            order=order,
            body=_("工单 %(number)s 的退单申请未获同意：%(reason)s。请继续办理，期限不变。")
            % {"number": order.number, "reason": reason},
        )
    return order


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
    order = _begin(order, actor, Action.REDISPATCH, expected_version)
    if lead_unit.pk == order.lead_unit_id:
        raise InvalidInput(_("新的主办单位与当前主办单位相同。"))
    from_status, previous = order.status, _lead(order).code
    assisting = _assign(
        order, lead_unit=lead_unit, assisting_units=assisting_units, now=clock.now()
    )
    event = _finish(
        order,
        actor=actor,
        action=Action.REDISPATCH,
        from_status=from_status,
        fields=ASSIGN_FIELDS,
        reason=_clean_text(reason, field=_("改派理由")),
        from_unit=previous,
        lead_unit=lead_unit.code,
        assisting_units=[u.code for u in assisting],
        due_at=_iso(order.due_at),
    )
    _notify_dispatch(order, event, assisting)
    return order


@transaction.atomic
def order_request_extension(
    *, order: Order, actor: User, reason: str, expected_version: int | None = None
) -> Order:
    """The lead unit applies for the one extension (Art. 14(2): complaints and reports, once,
    before the due date)."""
    order = _begin(order, actor, Action.EXTENSION_REQUEST, expected_version)
    order.extension_status = ExtensionStatus.REQUESTED
    event = _finish(
        order,
        actor=actor,
        action=Action.EXTENSION_REQUEST,
        from_status=order.status,
        fields=["extension_status"],
        reason=_clean_text(reason, field=_("延期理由")),
    )
    notify_role(
        role=Role.REVIEWER,
        unit_code=HOST_UNIT_CODE,
        kind="extension",
        event_key=_event_key(event),
        order=order,
        body=_("工单 %(number)s 申请延期，待审批。") % {"number": order.number},
    )
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
    or refuses the extension (Art. 14(2): 经责任单位申请、热线主办单位批准可延期一次)."""
    action = Action.EXTENSION_APPROVED if approve else Action.EXTENSION_DENIED
    order = _begin(order, actor, action, expected_version)
    data: dict[str, Any] = {}
    if approve:
        if order.due_date is None:
            raise WrongState(_("工单没有办理期限，不能延期。"))
        new_due_date, _covered = working_day_after(
            day=order.due_date, working_days=order.request_type.extension_working_days
        )
        data = {
            "old_due_at": _iso(order.due_at),
            "due_at": due_at_for(due_date=new_due_date).isoformat(),
        }
        order.due_at = due_at_for(due_date=new_due_date)
        order.extension_status, order.extension_count = (
            ExtensionStatus.APPROVED,
            order.extension_count + 1,
        )
    else:
        order.extension_status = ExtensionStatus.DENIED
    event = _finish(
        order,
        actor=actor,
        action=action,
        from_status=order.status,
        fields=["due_at", "extension_status", "extension_count"],
        reason=_clean_text(reason, field=_("审批意见"), required=not approve),
        **data,
    )
    notify_unit(
        unit=_lead(order),
        kind="extension_decided",
        event_key=_event_key(event),
        order=order,
        sms_roles=(),
        body=(
            _("工单 %(number)s 延期已批准，新期限 %(due)s。")
            if approve
            else _("工单 %(number)s 延期未获批准，期限不变。")
        )
        % {
            "number": order.number,
            "due": order.due_text,
        },
    )
    return order


@transaction.atomic
def order_reply(
    *, order: Order, actor: User, text: str, expected_version: int | None = None
) -> Order:
    """The lead unit's handler drafts the reply; the unit's manager approves it before it
    leaves the unit (Art. 10: 办理、审核、答复)."""
    order = _begin(order, actor, Action.REPLY, expected_version)
    reply = Reply.objects.create(
        order=order,
        unit=_lead(order),
        author=actor,
        text=_clean_text(text, field=_("答复内容"), limit=MAX_CONTENT),
    )
    from_status, order.status = order.status, Status.REPLY_APPROVAL
    event = _finish(
        order,
        actor=actor,
        action=Action.REPLY,
        from_status=from_status,
        fields=["status"],
        reply=reply.pk,
    )
    for role in (Role.MANAGER, Role.LEADER):
        notify_role(
            role=role,
            unit_code=_lead(order).code,
            kind="reply_approval",
            event_key=_event_key(event),
            order=order,
            body=_("工单 %(number)s 的答复待您审批。") % {"number": order.number},
        )
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
    order = _begin(order, actor, action, expected_version)
    reply = order.replies.filter(state=Reply.State.PENDING_APPROVAL).order_by("-created_at").first()
    if reply is None:
        raise WrongState(_("没有待审批的答复。"))
    reason = _clean_text(reason, field=_("退回理由"), required=not approve)
    reply.approved_by = actor
    reply.state = Reply.State.PENDING_CHECK if approve else Reply.State.REJECTED_BY_MANAGER
    reply.save(update_fields=["approved_by", "state"])
    from_status = order.status
    order.status = Status.REPLY_CHECK if approve else Status.IN_PROGRESS
    fields = ["status"]
    if approve:
        order.replied_at = clock.now()
        fields.append("replied_at")
    _finish(
        order,
        actor=actor,
        action=action,
        from_status=from_status,
        fields=fields,
        reason=reason,
        reply=reply.pk,
    )
    return order


# --- closing the loop ---------------------------------------------------------------------------


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
    and the order waits for the satisfaction callback. Not acceptable (e.g. a perfunctory
    reply): back to the unit to redo, with the original due date."""
    action = Action.REPLY_ACCEPTED if accept else Action.REPLY_SENT_BACK
    order = _begin(order, actor, action, expected_version)
    reply = order.replies.filter(state=Reply.State.PENDING_CHECK).order_by("-created_at").first()
    if reply is None:
        raise WrongState(_("没有待审查的答复。"))
    reason = _clean_text(reason, field=_("退回理由"), required=not accept)
    reply.checked_by, reply.state = (
        actor,
        (Reply.State.ACCEPTED if accept else Reply.State.SENT_BACK),
    )
    reply.save(update_fields=["checked_by", "state"])
    from_status = order.status
    order.status = Status.CALLBACK if accept else Status.IN_PROGRESS
    event = _finish(
        order,
        actor=actor,
        action=action,
        from_status=from_status,
        fields=["status"],
        reason=reason,
        reply=reply.pk,
    )
    if accept:
        from hotline.callbacks.services import callback_open
        from hotline.portal.links import portal_link

        callback_open(order=order)
        link = portal_link(order)
        # Confidential orders send no content by SMS (Art. 23).
        body = (
            _("您反映的诉求（工单 %(number)s）已办理完毕，请点击链接查看结果并评价：%(link)s")
            if order.is_confidential
            else _("您反映的诉求（工单 %(number)s）已办理：%(text)s 查看详情并评价：%(link)s")
        ) % {"number": order.number, "text": reply.text[:150], "link": link}
        notify_caller(order=order, kind="feedback", event_key=_event_key(event), body=body)
    else:
        notify_unit(
            unit=_lead(order),
            kind="redo",
            event_key=_event_key(event),
            order=order,
            body=_("工单 %(number)s 的答复被退回重办：%(reason)s")
            % {"number": order.number, "reason": reason},
        )
    return order


def _apply_rating(
    order: Order, *, actor: User | None, satisfaction: str, note: str, **data: Any
) -> Order:
    """The caller's satisfaction, however it was given (Art. 16): satisfied or basically
    satisfied closes the order; unsatisfied waits for the host unit's decision."""
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
    event = _finish(
        order,
        actor=actor,
        action=Action.CALLBACK,
        from_status=from_status,
        fields=fields,
        reason=note,
        satisfaction=satisfaction,
        **data,
    )
    if satisfaction == Satisfaction.UNSATISFIED:
        notify_role(
            role=Role.REVIEWER,
            unit_code=HOST_UNIT_CODE,
            kind="unsatisfied",
            event_key=_event_key(event),
            order=order,
            body=_("工单 %(number)s 回访不满意，待审定重办或办结。") % {"number": order.number},
        )
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
    """Record the caller's satisfaction from the operator's callback (Art. 16). Satisfied or
    basically satisfied closes the order; unsatisfied needs the caller's words and waits for
    the host unit's decision to reopen or close."""
    order = _begin(order, actor, Action.CALLBACK, expected_version)
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("请选择满意度。"))
    note = _clean_text(note, field=_("回访记录"), required=satisfaction == Satisfaction.UNSATISFIED)
    return _apply_rating(order, actor=actor, satisfaction=satisfaction, note=note)


@transaction.atomic
def order_reopen(
    *, order: Order, actor: User, reason: str, expected_version: int | None = None
) -> Order:
    """The host unit reopens an unsatisfied order (重办): back to the same unit with a new
    limit, counted as a reopen; at most twice."""
    order = _begin(order, actor, Action.REOPEN, expected_version)
    reason = _clean_text(reason, field=_("重办理由"))
    from_status, now = order.status, clock.now()
    limit = order_limit(order)
    order.status, order.reopen_count, order.satisfaction = (
        Status.IN_PROGRESS,
        order.reopen_count + 1,
        "",
    )
    order.limit_working_days, order.due_at = (
        limit,
        deadline_compute(start=now, working_days=limit).due_at,
    )
    # The reopened work runs on a new limit, which the unit may extend once like the first.
    order.extension_status, order.extension_count = ExtensionStatus.NONE, 0
    event = _finish(
        order,
        actor=actor,
        action=Action.REOPEN,
        from_status=from_status,
        fields=[
            "status",
            "reopen_count",
            "satisfaction",
            "limit_working_days",
            "due_at",
            "extension_status",
            "extension_count",
        ],
        reason=reason,
        due_at=_iso(order.due_at),
    )
    notify_unit(
        unit=_lead(order),
        kind="reopen",
        event_key=_event_key(event),
        order=order,
        body=_("工单 %(number)s 回访不满意，主办单位要求重办：%(reason)s")
        % {"number": order.number, "reason": reason},
    )
    return order


@transaction.atomic
def order_close(
    *, order: Order, actor: User, reason: str, expected_version: int | None = None
) -> Order:
    """Close an order without a satisfied callback: by rule from the callback queue (operator
    lead, e.g. the caller could not be reached), or by the host unit's decision on an
    unsatisfied order (e.g. the demand is beyond policy)."""
    order = _begin(order, actor, Action.CLOSE, expected_version)
    from_status = order.status
    close_reason = (
        CloseReason.HOST_DECISION if from_status == Status.UNSATISFIED else CloseReason.BY_RULE
    )
    order.status, order.close_reason, order.closed_at = Status.CLOSED, close_reason, clock.now()
    _finish(
        order,
        actor=actor,
        action=Action.CLOSE,
        from_status=from_status,
        fields=["status", "close_reason", "closed_at"],
        reason=_clean_text(reason, field=_("办结说明")),
        close_reason=close_reason,
    )
    return order


# --- flags ------------------------------------------------------------------------------------


@transaction.atomic
def order_urge(
    *, order: Order, actor: User, note: str, expected_version: int | None = None
) -> Order:
    """An operator urges the unit (催办, Art. 16: 跟踪落实); the unit is notified."""
    order = _begin(order, actor, Action.URGE, expected_version)
    order.urge_count += 1
    note = _clean_text(note, field=_("催办内容"))
    event = _finish(
        order,
        actor=actor,
        action=Action.URGE,
        from_status=order.status,
        fields=["urge_count"],
        reason=note,
    )
    Urge.objects.create(
        order=order, unit=_lead(order), kind=Urge.Kind.URGE, note=note, by=actor, at=event.at
    )
    notify_unit(
        unit=_lead(order),
        kind="urge",
        event_key=_event_key(event),
        order=order,
        body=_("工单 %(number)s 催办（第 %(n)d 次）：%(note)s")
        % {"number": order.number, "n": order.urge_count, "note": note},
    )
    return order


@transaction.atomic
def order_supervise(
    *, order: Order, actor: User, note: str, expected_version: int | None = None
) -> Order:
    """The host or supervising unit puts the order under supervision (督办, Art. 5, 6); the
    unit's manager and leader are notified."""
    order = _begin(order, actor, Action.SUPERVISE, expected_version)
    order.is_supervised = True
    note = _clean_text(note, field=_("督办意见"))
    event = _finish(
        order,
        actor=actor,
        action=Action.SUPERVISE,
        from_status=order.status,
        fields=["is_supervised"],
        reason=note,
    )
    Urge.objects.create(
        order=order, unit=_lead(order), kind=Urge.Kind.SUPERVISE, note=note, by=actor, at=event.at
    )
    notify_unit(
        unit=_lead(order),
        kind="supervise",
        event_key=_event_key(event),
        order=order,
        sms_roles=(Role.MANAGER, Role.LEADER),
        body=_("工单 %(number)s 已被督办：%(note)s") % {"number": order.number, "note": note},
    )
    return order


# --- personal data ------------------------------------------------------------------------------


@transaction.atomic
def order_reveal_caller(*, order: Order, actor: User, reason: str) -> tuple[str, str]:
    """Show the caller's name and phone in clear to someone who must contact them; every
    reveal is written to the audit trail (Art. 22: 不得泄露市民个人信息)."""
    from hotline.audit.models import AuditEntry
    from hotline.audit.services import audit_record

    if not can_see(actor, order):
        raise NotAllowed(_("工单不存在或无权查看。"))
    if not (
        actor.has_role(*CENTRE_ROLES, Role.REVIEWER)
        or (actor.is_unit_staff and actor.has_role(Role.HANDLER, Role.MANAGER))
    ):
        raise NotAllowed(_("您无权查看诉求人的联系方式。"))
    reason = _clean_text(reason, field=_("查看事由"), limit=200)
    fresh = Order.objects.get(pk=order.pk)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.REVEAL_PERSONAL_DATA,
        target=fresh.number,
        reason=reason,
    )
    return fresh.caller_name, fresh.caller_phone


@transaction.atomic
def order_rate_by_caller(
    *, order: Order, satisfaction: str, comment: str = "", channel: str = "web"
) -> Order:
    """The caller rates the reply themselves (on the portal link or by SMS). It counts the same
    as the operator's satisfaction callback and takes the order out of the callback queue
    (Art. 16). The caller is proven by the order number and phone, or by the signed link;
    the portal checks that before calling this."""
    order = _lock(order, None)
    if order.status != Status.CALLBACK:
        raise WrongState(_("该工单当前不能评价。"))
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("请选择满意度。"))
    comment = _clean_text(comment, field=_("评价意见"), required=False, limit=500)
    return _apply_rating(
        order, actor=None, satisfaction=satisfaction, note=comment, by="caller", channel=channel
    )


@transaction.atomic
def order_close_by_rule(*, order: Order, reason: str, actor: User | None = None) -> Order:
    """Close an order waiting for its callback under the callback policy: the caller could
    not be reached after the allowed tries, or no callback was required and the caller did
    not rate the reply in time. `actor` is the operator whose last try ended it, or None
    when the periodic job does."""
    order = _lock(order, None)
    if order.status != Status.CALLBACK:
        raise WrongState(_("工单不在待回访状态。"))
    from_status = order.status
    order.status, order.close_reason, order.closed_at = (
        Status.CLOSED,
        CloseReason.BY_RULE,
        clock.now(),
    )
    _finish(
        order,
        actor=actor,
        action=Action.CLOSE,
        from_status=from_status,
        fields=["status", "close_reason", "closed_at"],
        reason=_clean_text(reason, field=_("办结说明")),
        close_reason=CloseReason.BY_RULE,
    )
    return order


CORRECTABLE_FIELDS = (
    "request_type",
    "category",
    "place",
    "address",
    "title",
    "supervision_channel",
)


@transaction.atomic
def order_correct(*, order: Order, actor: User, reason: str, **changes: Any) -> Order:
    """The host unit corrects an order's classification or place (更正), the only change an
    archived order admits. Each correction keeps the old and new values in the history, so
    statistics can be traced (Art. 19, 21: 弄虚作假 is accountable)."""
    order = _lock(order, None)
    if not actor.has_role(Role.REVIEWER) or not can_see(actor, order):
        raise NotAllowed(_("只有热线主办单位可以更正工单。"))
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("不能更正这些字段：%(fields)s") % {"fields": "、".join(sorted(unknown))}
        )
    reason = _clean_text(reason, field=_("更正理由"))
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in changes.items():
        old = getattr(order, name)
        if old == value:
            continue
        before[name] = getattr(old, "pk", old)
        after[name] = getattr(value, "pk", value)
        setattr(order, name, value)
    if not after:
        raise InvalidInput(_("没有需要更正的内容。"))
    _finish(
        order,
        actor=actor,
        action=Action.CORRECT,
        from_status=order.status,
        fields=list(after),
        reason=reason,
        before=before,
        after=after,
    )
    return order
