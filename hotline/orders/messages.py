"""What the platform tells people about an order, and whom: every message text and its
recipients in one place. Each function queues its messages through the outbox inside the
caller's transaction, keyed by the history event that caused them, so a retried or repeated
delivery never sends twice and a rolled-back change sends nothing."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from hotline.accounts.roles import Role
from hotline.notifications.services import notify_caller, notify_role, notify_unit, notify_user
from hotline.orders.models import Order, OrderEvent
from hotline.portal.links import portal_link
from hotline.units.models import HOST_UNIT_CODE, Unit

# How much of the reply an SMS to the caller carries; the link shows the whole of it.
SMS_REPLY_CHARS = 150


def _key(event: OrderEvent) -> str:
    return f"order-event-{event.pk}"


def _lead(order: Order) -> Unit:
    if order.lead_unit is None:
        raise ValueError(f"{order.number} has no lead unit")
    return order.lead_unit


def emergency(order: Order, event: OrderEvent) -> None:
    """Art. 13: the host unit's reviewers, in the app and by SMS, at once."""
    situation = order.emergency_situation
    notify_role(
        role=Role.REVIEWER,
        unit_code=HOST_UNIT_CODE,
        kind="emergency",
        event_key=_key(event),
        order=order,
        sms=True,
        body=_("紧急求助 %(number)s：%(situation)s，已引导拨打 %(lines)s，请关注联动处置。")
        % {
            "number": order.number,
            "situation": situation.name if situation is not None else order.request_type.name,
            "lines": "、".join(order.rescue_lines) or "-",
        },
    )


def major_incident(order: Order, event: OrderEvent) -> None:
    """Art. 17: reported to the host unit's reviewers at once, by SMS too."""
    kind = order.major_incident
    notify_role(
        role=Role.REVIEWER,
        unit_code=HOST_UNIT_CODE,
        kind="major_incident",
        event_key=_key(event),
        order=order,
        sms=True,
        body=_("重大突发事件报告（第十七条）：%(kind)s，工单 %(number)s，请立即研判。")
        % {"kind": kind.name if kind is not None else "-", "number": order.number},
    )


def tracker_wanted(order: Order, event: OrderEvent) -> None:
    """A confidential request arrived with no one to follow it (Art. 23): the host unit's
    reviewers and the operator leads are told, with the number only."""
    body = _("保密工单 %(number)s 尚无跟踪人，请指派专人跟踪。") % {"number": order.number}
    for role in (Role.REVIEWER, Role.OPERATOR_LEAD):
        notify_role(
            role=role,
            unit_code=None,
            kind="tracker_wanted",
            event_key=_key(event),
            order=order,
            body=body,
        )


def tracker_assigned(order: Order, event: OrderEvent) -> None:
    if order.tracker is None:
        return
    notify_user(
        user=order.tracker,
        kind="tracker_assigned",
        event_key=_key(event),
        order=order,
        body=_("您被指派跟踪保密工单 %(number)s。") % {"number": order.number},
    )


def review_requested(order: Order, event: OrderEvent) -> None:
    notify_role(
        role=Role.REVIEWER,
        unit_code=HOST_UNIT_CODE,
        kind="review",
        event_key=_key(event),
        order=order,
        body=_("工单 %(number)s 待审核。") % {"number": order.number},
    )


def dispatched(order: Order, event: OrderEvent, assisting: Sequence[Unit]) -> None:
    """The lead unit (its inbox, and its managers by SMS and mail) and each assisting unit."""
    lead = _lead(order)
    if order.is_emergency:
        # Art. 13: handled at once; every member of the unit's staff is told by SMS.
        notify_unit(
            unit=lead,
            kind="emergency_dispatched",
            event_key=_key(event),
            order=order,
            body=_(
                "【紧急】紧急求助工单 %(number)s 已派至贵单位，请立即联系诉求人并赶赴现场"
                "处置，于 %(due)s 前（%(limit)s）反馈处置情况。"
            )
            % {"number": order.number, "due": order.due_text, "limit": order.limit_text},
            sms_roles=(Role.HANDLER, Role.MANAGER, Role.LEADER),
        )
    else:
        notify_unit(
            unit=lead,
            kind="dispatched",
            event_key=_key(event),
            order=order,
            body=_("新工单 %(number)s 已派至贵单位主办，请及时签收，办理期限 %(due)s。")
            % {"number": order.number, "due": order.due_text},
        )
    for unit in assisting:
        notify_unit(
            unit=unit,
            kind="dispatched",
            event_key=_key(event),
            order=order,
            body=(
                _("【紧急】紧急求助工单 %(number)s 请贵单位立即协同处置，主办单位：%(lead)s。")
                if order.is_emergency
                else _("工单 %(number)s 请贵单位协办，主办单位：%(lead)s。")
            )
            % {"number": order.number, "lead": lead.name},
        )


def returned(order: Order, event: OrderEvent, *, by_host: bool) -> None:
    """Whoever decides the return: the host unit's reviewers or the operator leads."""
    notify_role(
        role=Role.REVIEWER if by_host else Role.OPERATOR_LEAD,
        unit_code=HOST_UNIT_CODE if by_host else None,
        kind="return",
        event_key=_key(event),
        order=order,
        body=_("工单 %(number)s 被 %(unit)s 退回，待审核。")
        % {"number": order.number, "unit": _lead(order).name},
    )


def return_refused(order: Order, event: OrderEvent) -> None:
    notify_unit(
        unit=_lead(order),
        kind="return_refused",
        event_key=_key(event),
        order=order,
        body=_("工单 %(number)s 的退单申请未获同意：%(reason)s。请继续办理，期限不变。")
        % {"number": order.number, "reason": event.reason},
    )


def extension_requested(order: Order, event: OrderEvent) -> None:
    notify_role(
        role=Role.REVIEWER,
        unit_code=HOST_UNIT_CODE,
        kind="extension",
        event_key=_key(event),
        order=order,
        body=_("工单 %(number)s 申请延期，待审批。") % {"number": order.number},
    )


def extension_decided(order: Order, event: OrderEvent, *, approved: bool) -> None:
    """The unit's inbox only: the decision changes no one's work today."""
    body = (
        _("工单 %(number)s 延期已批准，新期限 %(due)s。")
        if approved
        else _("工单 %(number)s 延期未获批准，期限不变。")
    )
    notify_unit(
        unit=_lead(order),
        kind="extension_decided",
        event_key=_key(event),
        order=order,
        sms_roles=(),
        body=body % {"number": order.number, "due": order.due_text},
    )


def reply_awaits_approval(order: Order, event: OrderEvent) -> None:
    for role in (Role.MANAGER, Role.LEADER):
        notify_role(
            role=role,
            unit_code=_lead(order).code,
            kind="reply_approval",
            event_key=_key(event),
            order=order,
            body=_("工单 %(number)s 的答复待您审批。") % {"number": order.number},
        )


def assist_reply_given(order: Order, event: OrderEvent, *, unit: Unit) -> None:
    notify_unit(
        unit=_lead(order),
        kind="assist_reply",
        event_key=_key(event),
        order=order,
        sms_roles=(),
        body=_("工单 %(number)s 收到协办单位 %(unit)s 的协办意见。")
        % {"number": order.number, "unit": unit.name},
    )


def result_to_caller(order: Order, event: OrderEvent, result: str) -> None:
    """The result and a signed link to read and rate it (Art. 16). A confidential order's SMS
    carries no content, only the link (Art. 23)."""
    body = (
        _("您反映的诉求（工单 %(number)s）已办理完毕，请点击链接查看结果并评价：%(link)s")
        if order.is_confidential
        else _("您反映的诉求（工单 %(number)s）已办理：%(text)s 查看详情并评价：%(link)s")
    ) % {
        "number": order.number,
        "text": result[:SMS_REPLY_CHARS],
        "link": portal_link(order),
    }
    notify_caller(order=order, kind="feedback", event_key=_key(event), body=body)


def redo(order: Order, event: OrderEvent) -> None:
    notify_unit(
        unit=_lead(order),
        kind="redo",
        event_key=_key(event),
        order=order,
        body=_("工单 %(number)s 的答复被退回重办：%(reason)s")
        % {"number": order.number, "reason": event.reason},
    )


def unsatisfied(order: Order, event: OrderEvent) -> None:
    notify_role(
        role=Role.REVIEWER,
        unit_code=HOST_UNIT_CODE,
        kind="unsatisfied",
        event_key=_key(event),
        order=order,
        body=_("工单 %(number)s 回访不满意，待审定重办或办结。") % {"number": order.number},
    )


def reopened(order: Order, event: OrderEvent) -> None:
    notify_unit(
        unit=_lead(order),
        kind="reopen",
        event_key=_key(event),
        order=order,
        body=_("工单 %(number)s 回访不满意，主办单位要求重办：%(reason)s")
        % {"number": order.number, "reason": event.reason},
    )


def urged(order: Order, event: OrderEvent) -> None:
    notify_unit(
        unit=_lead(order),
        kind="urge",
        event_key=_key(event),
        order=order,
        body=_("工单 %(number)s 催办（第 %(n)d 次）：%(note)s")
        % {"number": order.number, "n": order.urge_count, "note": event.reason},
    )


def supervised(order: Order, event: OrderEvent) -> None:
    """Supervision reaches the unit's managers and leaders (Art. 5, 6)."""
    notify_unit(
        unit=_lead(order),
        kind="supervise",
        event_key=_key(event),
        order=order,
        sms_roles=(Role.MANAGER, Role.LEADER),
        body=_("工单 %(number)s 已被督办：%(note)s")
        % {"number": order.number, "note": event.reason},
    )


def due_soon(order: Order) -> None:
    """One working day before the limit ends; once per due date (an extension moves it)."""
    due_key = order.due_at.isoformat() if order.due_at else ""
    notify_unit(
        unit=_lead(order),
        kind="due_soon",
        event_key=f"due-soon-{order.pk}-{due_key}",
        order=order,
        body=_("工单 %(number)s 将于 %(due)s 到期，请抓紧办理并按时答复。")
        % {"number": order.number, "due": order.due_text},
    )


def linkage_failed(order: Order, event: OrderEvent) -> None:
    """110 refused a linkage message for good: the operator leads, in the app and by SMS, so
    that someone calls the police desk (国办发〔2022〕12号)."""
    notify_role(
        role=Role.OPERATOR_LEAD,
        unit_code=None,
        kind="linkage_failed",
        event_key=_key(event),
        order=order,
        sms=True,
        body=_("【联动】工单 %(number)s 推送110失败（%(status)s），请立即电话联系110报警服务台。")
        % {"number": order.number, "status": event.data.get("status", "-")},
    )
