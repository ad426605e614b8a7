"""The state changes of a major incident (Art. 17), each one transaction that writes its
timeline row.

第十七条: urgent information on 重大灾情、疫情、环境污染、食品安全、特种设备安全、群体事件 is
reported to the host unit at once (`incident_report`, run as the call is recorded, and the
duty list's alert with its escalation, `incidents_escalate`); the host unit acknowledges it
(`incident_acknowledge`), takes measures and may start the special emergency response with
the responsible units (`incident_respond`), and closes it with a summary (`incident_close`).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.core.text import MAX_NUMBER, MAX_TEXT, clean_text
from hotline.incidents import messages, rules
from hotline.incidents.models import (
    DutyContact,
    EventKind,
    Incident,
    IncidentAlert,
    IncidentEvent,
    IncidentOrder,
    State,
)
from hotline.orders.models import Action, Order, OrderEvent
from hotline.orders.rules import orders_visible_to
from hotline.units.models import Unit


def _event(
    incident: Incident,
    *,
    kind: str,
    actor: User | None,
    at: datetime,
    text: str = "",
    **data: Any,
) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident, kind=kind, actor=actor, at=at, text=text, data=data
    )


def _lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().select_related("kind").get(pk=incident.pk)


def _alert(
    incident: Incident, *, level: int, after: DutyContact | None, at: datetime
) -> IncidentAlert:
    """Alert the next active contact of the duty list after `after` (the first when None)."""
    contacts = DutyContact.objects.filter(is_active=True, user__is_active=True)
    if after is not None:
        contacts = contacts.filter(position__gt=after.position)
    contact = contacts.select_related("user").order_by("position").first()
    alert = IncidentAlert.objects.create(
        incident=incident,
        contact=contact,
        recipient=contact.user if contact is not None else None,
        level=level,
        alerted_at=at,
    )
    if contact is None:
        text = _("值班名单中已无可提醒的人员，请热线主办单位审核员处理。")
    else:
        text = _("已短信提醒值班人员 %(user)s。") % {"user": contact.user}
    _event(incident, kind=EventKind.ALERTED, actor=None, at=at, text=text, level=level)
    messages.duty_alerted(alert)
    return alert


def _link(incident: Incident, *, order: Order, actor: User | None, at: datetime) -> IncidentOrder:
    if IncidentOrder.objects.filter(order=order).exists():
        raise InvalidInput(_("工单 %(number)s 已关联到事件。") % {"number": order.number})
    link = IncidentOrder.objects.create(
        incident=incident, order=order, linked_at=at, linked_by=actor
    )
    _event(
        incident,
        kind=EventKind.ORDER_LINKED,
        actor=actor,
        at=at,
        text=_("关联来电工单 %(number)s。") % {"number": order.number},
        order=order.number,
    )
    return link


@transaction.atomic
def incident_report(
    *,
    order: Order,
    actor: User | None,
    incident: Incident | None = None,
    now: datetime | None = None,
) -> Incident:
    """Report a call marked as a major incident to the host unit at once (Art. 17): it joins
    the open `incident` the operator chose, or opens a new incident whose alert goes to the
    first active contact of the duty list (SMS and in the app). Runs in the transaction that
    records the order; the host reviewers are told by the order's own alert
    (`orders.messages.major_incident`)."""
    now = now or clock.now()
    if order.major_incident_id is None:
        raise InvalidInput(_("该工单未标记为重大突发事件。"))
    if incident is not None:
        incident = _lock(incident)
        if incident.state == State.CLOSED:
            raise WrongState(_("所选事件已结束，不能再关联来电。"))
        if incident.kind_id != order.major_incident_id:
            raise InvalidInput(_("所选事件的类别与来电不一致。"))
        _link(incident, order=order, actor=actor, at=now)
        return incident
    incident = Incident.objects.create(
        kind_id=order.major_incident_id,
        title=order.title,
        place=order.place,
        address=order.address,
        opened_at=now,
        opened_by=actor,
        first_order=order,
    )
    _event(
        incident,
        kind=EventKind.OPENED,
        actor=actor,
        at=now,
        text=_("来电工单 %(number)s 报告重大突发事件（第十七条），已上报热线主办单位。")
        % {"number": order.number},
        order=order.number,
    )
    IncidentOrder.objects.create(incident=incident, order=order, linked_at=now, linked_by=actor)
    _alert(incident, level=0, after=None, at=now)
    return incident


def order_event_written(order: Order, event: OrderEvent) -> None:
    """The orders history listener: a major-incident alert on an order reports it, into the
    incident the operator chose when the event names one."""
    if event.action != Action.MAJOR_INCIDENT_ALERT:
        return
    chosen = event.data.get("incident")
    incident = Incident.objects.filter(pk=chosen).first() if chosen else None
    if chosen and incident is None:
        raise InvalidInput(_("所选事件不存在。"))
    incident_report(order=order, actor=event.actor, incident=incident, now=event.at)


@transaction.atomic
def incident_acknowledge(
    *, incident: Incident, actor: User, now: datetime | None = None
) -> Incident:
    """Acknowledge the incident's outstanding alerts (Art. 17: the host unit has the report),
    which stops their escalation. Written to the timeline with who and when; refused when
    someone acknowledged first."""
    now = now or clock.now()
    if not rules.may_acknowledge(actor):
        raise NotAllowed(_("只有热线主办单位的审核员和主管可以确认。"))
    incident = _lock(incident)
    count = IncidentAlert.objects.filter(incident=incident, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=actor
    )
    if count == 0:
        raise WrongState(_("该事件的提醒已有人确认。"))
    _event(
        incident,
        kind=EventKind.ACKNOWLEDGED,
        actor=actor,
        at=now,
        text=_("%(user)s 确认收到事件报告。") % {"user": actor},
    )
    return incident


def escalate_after() -> timedelta:
    return timedelta(minutes=settings.HOTLINE_INCIDENT_ESCALATE_MINUTES)


def incidents_escalate(*, now: datetime | None = None) -> int:
    """Escalate every alert not acknowledged within HOTLINE_INCIDENT_ESCALATE_MINUTES to the
    next contact of the duty list (Art. 17: the report must reach someone at once). Each alert
    escalates once: the compare-and-swap on `escalated_at` lets a repeated or concurrent tick
    do nothing. Returns the number of alerts escalated."""
    now = now or clock.now()
    # An alert that found no one left on the list has nowhere to go (the banner stays).
    due = IncidentAlert.objects.filter(
        contact__isnull=False,
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
        alerted_at__lte=now - escalate_after(),
    ).exclude(incident__state=State.CLOSED)
    escalated = 0
    for alert_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            won = IncidentAlert.objects.filter(
                pk=alert_id, escalated_at__isnull=True, acknowledged_at__isnull=True
            ).update(escalated_at=now)
            if not won:
                continue
            alert = IncidentAlert.objects.select_related("incident", "contact").get(pk=alert_id)
            incident = _lock(alert.incident)
            _event(
                incident,
                kind=EventKind.ESCALATED,
                actor=None,
                at=now,
                text=_("提醒 %(minutes)s 分钟内未确认，升级提醒值班名单中的下一位。")
                % {"minutes": settings.HOTLINE_INCIDENT_ESCALATE_MINUTES},
                level=alert.level + 1,
            )
            _alert(incident, level=alert.level + 1, after=alert.contact, at=now)
            escalated += 1
    return escalated


def _require_manager(actor: User) -> None:
    if not rules.may_manage(actor):
        raise NotAllowed(_("只有热线主办单位的审核员可以处置重大突发事件。"))


@transaction.atomic
def incident_link_order(
    *, incident: Incident, number: str, actor: User, now: datetime | None = None
) -> Incident:
    """Link a later call to the incident by its order number (Art. 17: the host unit follows
    every call about the event in one place). Refused for an unknown number, an order the
    actor may not see, one already linked, or a closed incident."""
    now = now or clock.now()
    _require_manager(actor)
    number = clean_text(number, field=_("工单编号"), limit=MAX_NUMBER)
    incident = _lock(incident)
    if incident.state == State.CLOSED:
        raise WrongState(_("事件已结束，不能再关联来电。"))
    order = orders_visible_to(actor).filter(number=number).first()
    if order is None:
        raise InvalidInput(_("找不到工单 %(number)s。") % {"number": number})
    _link(incident, order=order, actor=actor, at=now)
    return incident


@transaction.atomic
def incident_respond(
    *, incident: Incident, actor: User, units: Sequence[Unit], now: datetime | None = None
) -> Incident:
    """Start the special emergency response with the responsible member units (Art. 17:
    必要时联系有关责任部门启动专项工作应急响应机制): who, when and which units are kept."""
    now = now or clock.now()
    _require_manager(actor)
    incident = _lock(incident)
    if incident.state != State.OPEN:
        raise WrongState(_("只有已上报的事件可以启动应急响应。"))
    units = [unit for unit in units if unit.is_active and unit.is_member]
    if not units:
        raise InvalidInput(_("请选择参与处置的责任单位。"))
    incident.state = State.RESPONDING
    incident.response_started_at, incident.response_started_by = now, actor
    incident.save(update_fields=["state", "response_started_at", "response_started_by"])
    incident.units_engaged.set(units)
    names = "、".join(unit.name for unit in units)
    _event(
        incident,
        kind=EventKind.RESPONSE_STARTED,
        actor=actor,
        at=now,
        text=_("启动专项应急响应，参与单位：%(units)s。") % {"units": names},
        units=[unit.code for unit in units],
    )
    return incident


@transaction.atomic
def incident_close(
    *, incident: Incident, actor: User, summary: str, now: datetime | None = None
) -> Incident:
    """Close the incident with a summary of what was done (required; Art. 17)."""
    now = now or clock.now()
    _require_manager(actor)
    summary = clean_text(summary, field=_("处置总结"), limit=MAX_TEXT)
    incident = _lock(incident)
    if incident.state == State.CLOSED:
        raise WrongState(_("事件已结束。"))
    incident.state, incident.summary = State.CLOSED, summary
    incident.closed_at, incident.closed_by = now, actor
    incident.save(update_fields=["state", "summary", "closed_at", "closed_by"])
    _event(incident, kind=EventKind.CLOSED, actor=actor, at=now, text=summary)
    return incident
