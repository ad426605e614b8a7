"""Intake: recording a request and deciding what happens to it, in one step (Art. 12, 14).

On a live call the operator records the request and, in the same action, answers it from the
knowledge base, declines it with its Art. 12 reason, merges it into an earlier order,
dispatches it, or sends a complaint or report to the host unit's review. `order_intake` does
the recording and the decision in one transaction: either both happen or neither does.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import CENTRE_ROLES, Role
from hotline.catalogue.models import (
    Category,
    EmergencySituation,
    ExclusionReason,
    MajorIncidentKind,
    RequestType,
)
from hotline.orders import services
from hotline.orders.dispatching import dispatch_propose
from hotline.orders.errors import InvalidInput, NotAllowed
from hotline.orders.models import Action, Channel, Order, OrderEvent, SupervisionChannel
from hotline.orders.permissions import can_see
from hotline.units.models import Place, Unit

HOST_UNIT_CODE = "infocenter"


class Outcome(models.TextChoices):
    DISPATCH = "dispatch", gettext_lazy("派单")
    REVIEW = "review", gettext_lazy("提交审核")
    ANSWER = "answer", gettext_lazy("直接答复")
    NOT_ACCEPT = "not_accept", gettext_lazy("不予受理")
    MERGE = "merge", gettext_lazy("并单")
    REGISTER = "register", gettext_lazy("仅登记")


@dataclass
class Request:
    """What the caller asked, as the operator recorded it."""

    request_type: RequestType
    content: str
    caller_phone: str = ""
    caller_name: str = ""
    category: Category | None = None
    place: Place | None = None
    address: str = ""
    is_confidential: bool = False
    supervision_channel: str = ""
    emergency_situation: EmergencySituation | None = None
    rescue_lines: Sequence[str] = ()
    major_incident: MajorIncidentKind | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass
class Decision:
    """What the operator decided; only the fields of the chosen outcome are used."""

    outcome: str
    answer: str = ""
    knowledge_ref: str = ""
    exclusion: ExclusionReason | None = None
    exclusion_note: str = ""
    merge_into: Order | None = None
    lead_unit: Unit | None = None
    assisting_units: Sequence[Unit] = ()
    override_reason: str = ""
    opinion: str = ""
    related: Sequence[Order] = field(default_factory=list)


def proposal_for(request: Request):  # type: ignore[no-untyped-def]
    """The dispatch proposal; requests that supervise the hotline itself go to the host unit
    (Art. 18)."""
    if request.supervision_channel:
        from hotline.orders.dispatching import DispatchProposal

        host = Unit.objects.filter(code=HOST_UNIT_CODE).first()
        return DispatchProposal(host, _("监督渠道诉求(第十八条)由热线主办单位办理。"))
    return dispatch_propose(category=request.category, place=request.place)


@transaction.atomic
def order_intake(*, actor: User, request: Request, decision: Decision) -> Order:
    """Record a phone request and carry out the operator's decision, all or nothing.

    Dispatching to a unit other than the proposed one needs a reason, which is kept in the
    dispatch record (国办函〔2025〕66号: duties are not pushed down without a reason).
    """
    if decision.outcome not in Outcome.values:
        raise InvalidInput(_("请选择处理方式。"))
    if request.supervision_channel not in SupervisionChannel.values:
        raise InvalidInput(_("未知的监督渠道。"))
    order = services.order_create(
        actor=actor,
        channel=Channel.PHONE,
        request_type=request.request_type,
        content=request.content,
        caller_name=request.caller_name,
        caller_phone=request.caller_phone,
        category=request.category,
        place=request.place,
        address=request.address,
        is_confidential=request.is_confidential,
        emergency_situation=request.emergency_situation,
        rescue_lines=request.rescue_lines,
        major_incident=request.major_incident,
        latitude=request.latitude,
        longitude=request.longitude,
    )
    if request.supervision_channel:
        Order.objects.filter(pk=order.pk).update(supervision_channel=request.supervision_channel)
        order.supervision_channel = request.supervision_channel
    for other in decision.related:
        order_link_related(order=order, other=other, actor=actor)

    outcome = decision.outcome
    if outcome == Outcome.REGISTER:
        return order
    if outcome == Outcome.ANSWER:
        return services.order_answer(
            order=order, actor=actor, answer=decision.answer, knowledge_ref=decision.knowledge_ref
        )
    if outcome == Outcome.NOT_ACCEPT:
        if decision.exclusion is None:
            raise InvalidInput(_("请选择不予受理的情形。"))
        return services.order_not_accept(
            order=order, actor=actor, exclusion=decision.exclusion, note=decision.exclusion_note
        )
    if outcome == Outcome.MERGE:
        if decision.merge_into is None:
            raise InvalidInput(_("请选择要并入的工单。"))
        return services.order_merge(order=order, into=decision.merge_into, actor=actor)
    proposal = proposal_for(request)
    if outcome == Outcome.DISPATCH and request.request_type.needs_review:
        raise InvalidInput(_("投诉、举报须提交热线主办单位审核后派转(第十四条第二项)。"))
    if outcome == Outcome.REVIEW:
        return services.order_submit_for_review(
            order=order,
            actor=actor,
            opinion=decision.opinion,
            proposed_unit=decision.lead_unit or proposal.lead_unit,
        )
    # Dispatch.
    if decision.lead_unit is None:
        raise InvalidInput(_("请选择主办单位。"))
    reason = (decision.override_reason or "").strip()
    overriding = proposal.lead_unit is not None and decision.lead_unit.pk != proposal.lead_unit.pk
    if overriding and not reason:
        raise InvalidInput(
            _("所选主办单位与派单建议(%(unit)s)不同,请填写理由。")
            % {"unit": proposal.lead_unit.name}  # type: ignore[union-attr]
        )
    order = services.order_accept(order=order, actor=actor)
    return services.order_dispatch(
        order=order,
        actor=actor,
        lead_unit=decision.lead_unit,
        assisting_units=decision.assisting_units,
        reason=(_("改派理由:%(reason)s") % {"reason": reason}) if overriding else proposal.basis,
    )


@transaction.atomic
def order_link_related(*, order: Order, other: Order, actor: User) -> Order:
    """Link two orders about the same matter without merging them (关联工单)."""
    if other.pk == order.pk:
        raise InvalidInput(_("不能关联工单自身。"))
    if not can_see(actor, order) or not can_see(actor, other):
        raise InvalidInput(_("找不到要关联的工单。"))
    if not actor.has_role(*CENTRE_ROLES, Role.REVIEWER):
        raise NotAllowed(_("您无权关联工单。"))
    order.related_orders.add(other)
    OrderEvent.objects.create(
        order=order,
        at=clock.now(),
        action=Action.LINK,
        actor=actor,
        actor_unit=actor.unit,
        from_status=order.status,
        to_status=order.status,
        data={"related": other.number},
    )
    return order
