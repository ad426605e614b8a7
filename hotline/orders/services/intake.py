"""Intake: recording a request as an order and what happens to it first (Art. 12, 13, 14, 17).

On a live call the operator records the request and, in the same action, answers it from the
knowledge base, declines it with its Art. 12 reason, merges it into an earlier order,
dispatches it, or sends a complaint or report to the host unit's review. `order_intake` does
the recording and the decision in one transaction: either both happen or neither does.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline import clock
from hotline.accounts.models import User
from hotline.catalogue.models import (
    Category,
    EmergencySituation,
    ExclusionReason,
    MajorIncidentKind,
    RequestType,
    RescueLine,
)
from hotline.core.errors import InvalidInput, NotAllowed
from hotline.core.text import MAX_ADDRESS, MAX_NAME, MAX_REASON, MAX_TEXT, MAX_TITLE, clean_text
from hotline.knowledge.models import SearchOutcome
from hotline.knowledge.searchlog import SearchRecord, knowledge_searches_record
from hotline.linkage import outbox as linkage
from hotline.orders import history, messages
from hotline.orders.models import Action, Channel, CloseReason, Order, Status, SupervisionChannel
from hotline.orders.numbering import order_number_next
from hotline.orders.personal_text import order_numbers_keep, order_text
from hotline.orders.proposal import dispatch_propose
from hotline.orders.rules import can_see, may_record
from hotline.orders.services.base import begin, merged_orders_share_result, save
from hotline.orders.services.dispatch import order_dispatch
from hotline.orders.services.review import order_submit_for_review
from hotline.privacy.personal import (
    name_mask,
    phone_digest,
    phone_is_valid,
    phone_mask,
    phone_normalize,
)
from hotline.privacy.text import text_protect
from hotline.units.models import Place, Unit


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
    supervision_channel: str = "",
    emergency_situation: EmergencySituation | None = None,
    rescue_lines: Sequence[str] = (),
    major_incident: MajorIncidentKind | None = None,
    incident: int | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    linkage_ref: str = "",
    now: datetime | None = None,
) -> Order:
    """Record a request as a new order in state `received` (Art. 14).

    Operators record phone calls; the portal, Open311 and the 110 desk record their own
    channels. An emergency (Art. 13) alerts the host unit at once; a major incident (Art. 17)
    is reported to the host unit's reviewers at once, joining the open `incident` (its key)
    when the operator linked the call to one. A confidential order (Art. 23) is
    tracked by the operator who recorded it; one that arrives otherwise (portal, Open311, a
    machine account) waits for the host unit or an operator lead to name its tracker, and
    they are told at once. A request that supervises the hotline itself is
    marked with its channel (Art. 18). An emergency that did not come from 110 is also
    transferred to the 110 desk in the same transaction (Art. 13, 14(3); 国办发〔2022〕12号);
    `linkage_ref` is the 110 case number of a matter 110 transferred to us.
    """
    now = now or clock.now()
    if channel not in Channel.values:
        raise InvalidInput(_("未知的来源渠道。"))
    if actor is not None:
        if not may_record(actor):
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
    if supervision_channel not in SupervisionChannel.values:
        raise InvalidInput(_("未知的监督渠道。"))
    content = clean_text(content, field=_("诉求内容"), limit=MAX_TEXT)
    caller_name = clean_text(caller_name, field=_("姓名"), required=False, limit=MAX_NAME)
    if caller_phone and not phone_is_valid(caller_phone):
        raise InvalidInput(_("联系电话格式不正确。"))
    if channel == Channel.WEB and not caller_phone:
        raise InvalidInput(_("请填写联系电话，以便查询办理结果。"))
    if category is not None and not category.is_active:
        raise InvalidInput(_("该事项分类已停用。"))
    lines = sorted(set(rescue_lines))
    unknown = set(lines) - set(
        RescueLine.objects.filter(code__in=lines).values_list("code", flat=True)
    )
    if unknown:
        raise InvalidInput(_("未知的救援热线：%(lines)s") % {"lines": ", ".join(sorted(unknown))})
    phone = phone_normalize(caller_phone)
    # Numbers and the caller's own name or phone written in the texts: masked in the clear
    # columns, the originals sealed beside them (privacy/text.py; issue 13).
    address = clean_text(address, field=_("地址"), required=False, limit=MAX_ADDRESS)
    title = clean_text(title, field=_("标题"), required=False, limit=MAX_TITLE)
    content, content_sealed = text_protect(content, caller_name=caller_name, caller_phone=phone)
    address, address_sealed = text_protect(address, caller_name=caller_name, caller_phone=phone)
    title, title_sealed = text_protect(title, caller_name=caller_name, caller_phone=phone)

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
        address=address,
        address_sealed=address_sealed,
        title=title or content[:30],
        title_sealed=title_sealed,
        content=content,
        content_sealed=content_sealed,
        is_confidential=is_confidential,
        supervision_channel=supervision_channel,
        emergency_situation=emergency_situation,
        rescue_lines=lines,
        major_incident=major_incident,
        latitude=latitude,
        longitude=longitude,
        linkage_ref=linkage_ref,
        tracker=actor if actor is not None and actor.is_centre_staff else None,
        created_by=actor,
        created_at=now,
    )
    order_numbers_keep(order, content_sealed, address_sealed, title_sealed)
    created = history.recorded(order, actor=actor, at=now)
    if order.is_confidential and order.tracker is None:
        messages.tracker_wanted(order, created)
    if order.is_emergency:
        event = history.emergency_alerted(
            order, actor=actor, at=now, situation=emergency_situation, lines=lines
        )
        messages.emergency(order, event)
        if channel != Channel.LINKAGE_110:
            linkage.transfer_queue(order=order, actor=actor, category="emergency", now=now)
    if major_incident is not None:
        event = history.major_incident_alerted(
            order, actor=actor, at=now, kind=major_incident, incident=incident
        )
        messages.major_incident(order, event)
    return order


@transaction.atomic
def order_accept(*, order: Order, actor: User, expected_version: int | None = None) -> Order:
    """Accept a request that needs no host review: it waits for dispatch (Art. 14(1), (4))."""
    order = begin(order, actor, Action.ACCEPT, expected_version)
    from_status, order.status = order.status, Status.PENDING_DISPATCH
    save(order, ["status"])
    history.accepted(order, actor=actor, from_status=from_status)
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
    order = begin(order, actor, Action.NOT_ACCEPT, expected_version)
    note = clean_text(note, field=_("说明"), required=False, limit=MAX_REASON)
    from_status = order.status
    order.status, order.exclusion = Status.CLOSED, exclusion
    order.close_reason, order.closed_at = CloseReason.NOT_ACCEPTED, clock.now()
    save(order, ["status", "exclusion", "close_reason", "closed_at"])
    history.not_accepted(
        order, actor=actor, from_status=from_status, exclusion=exclusion, reason=note
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
    order = begin(order, actor, Action.ANSWER, expected_version)
    from_status = order.status
    order.answer, order.answer_sealed = order_text(
        order, clean_text(answer, field=_("答复内容"), limit=MAX_TEXT)
    )
    order.status, order.close_reason, order.closed_at = (
        Status.CLOSED,
        CloseReason.ANSWERED,
        clock.now(),
    )
    save(order, ["answer", "answer_sealed", "status", "close_reason", "closed_at"])
    history.answered(order, actor=actor, from_status=from_status, knowledge_ref=knowledge_ref)
    return order


@transaction.atomic
def order_merge(
    *, order: Order, into: Order, actor: User, note: str = "", expected_version: int | None = None
) -> Order:
    """Merge a duplicate request into an earlier order (并单, Art. 12(6)). Its caller then
    shares that order's result: told it, called back or asked to rate, as the first caller
    is (`merged_orders_share_result`) — at once when the earlier order already has one.
    Requests merged into this one move with it, so each names the order that is handled."""
    order = begin(order, actor, Action.MERGE, expected_version)
    target = Order.objects.select_for_update(of=("self",)).get(pk=into.pk)
    if not can_see(actor, target):
        raise InvalidInput(_("找不到要并入的工单。"))
    if target.pk == order.pk:
        raise InvalidInput(_("不能并入工单自身。"))
    if target.status == Status.MERGED:
        raise InvalidInput(
            _("工单 %(number)s 已并入其他工单，请并入主工单。") % {"number": target.number}
        )
    note = clean_text(note, field=_("说明"), required=False, limit=MAX_REASON)
    from_status = order.status
    order.status, order.merged_into, order.closed_at = Status.MERGED, target, clock.now()
    save(order, ["status", "merged_into", "closed_at"])
    history.merged(order, actor=actor, from_status=from_status, into=target, reason=note)
    history.merged_in(target, actor=actor, merged=order)
    moving = Order.objects.select_for_update().filter(merged_into=order, status=Status.MERGED)
    for earlier in moving.order_by("pk"):
        earlier.merged_into = target
        save(earlier, ["merged_into"])
        history.merged(earlier, actor=actor, from_status=Status.MERGED, into=target, reason=note)
        history.merged_in(target, actor=actor, merged=earlier)
    merged_orders_share_result(target)
    return order


@transaction.atomic
def order_link_related(*, order: Order, other: Order, actor: User) -> Order:
    """Link two orders about the same matter without merging them (关联工单); both
    histories name the other."""
    if other.pk == order.pk:
        raise InvalidInput(_("不能关联工单自身。"))
    if not can_see(actor, order) or not can_see(actor, other):
        raise InvalidInput(_("找不到要关联的工单。"))
    order = begin(order, actor, Action.LINK, None)
    if order.related_orders.filter(pk=other.pk).exists():
        return order
    order.related_orders.add(other)
    history.linked(order, actor=actor, other=other)
    history.linked(other, actor=actor, other=order)
    return order


@transaction.atomic
def order_transfer_to_police(
    *, order: Order, actor: User, reason: str, expected_version: int | None = None
) -> Order:
    """Hand a police matter to the 110 desk (国办发〔2022〕12号: one-key transfer; Art. 13), from
    the intake screen or the order page.

    The operating centre decides (`rules.RULES[TRANSFER_POLICE]`), once per order. In one
    transaction: the order is locked and its version bumped, the transfer is written to its
    history, and the `police` transfer is stored and its delivery queued (`linkage.outbox`).
    The order itself follows its normal path for the hotline's own part.
    """
    order = begin(order, actor, Action.TRANSFER_POLICE, expected_version)
    reason = clean_text(reason, field=_("移交理由"), limit=MAX_REASON)
    save(order, [])
    message = linkage.transfer_queue(order=order, actor=actor, category="police")
    history.transferred_to_police(order, actor=actor, reason=reason, message_id=message.message_id)
    return order


# --- the intake screen's one step ------------------------------------------------------------


class Outcome(models.TextChoices):
    DISPATCH = "dispatch", gettext_lazy("派单")
    REVIEW = "review", gettext_lazy("提交审核")
    ANSWER = "answer", gettext_lazy("直接答复")
    NOT_ACCEPT = "not_accept", gettext_lazy("不予受理")
    MERGE = "merge", gettext_lazy("并单")
    POLICE = "police", gettext_lazy("移交110")
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
    incident: int | None = None  # an open incident to link the call to (Art. 17)
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
    police_reason: str = ""
    related: Sequence[Order] = field(default_factory=list)


def _propose_to_review(*, order: Order, actor: User, decision: Decision) -> Order:
    """A complaint or report is declined or merged only by the host unit (Art. 14(2)): the
    operator's choice goes to review as a proposal, with the reason or the order to merge
    into, as a dispatch proposal does."""
    if decision.outcome == Outcome.NOT_ACCEPT:
        if decision.exclusion is None:
            raise InvalidInput(_("请选择不予受理的情形。"))
        opinion = _("建议不予受理：%(reason)s。%(note)s") % {
            "reason": decision.exclusion.name,
            "note": decision.exclusion_note,
        }
        return order_submit_for_review(
            order=order,
            actor=actor,
            opinion=decision.opinion or opinion,
            proposed_exclusion=decision.exclusion,
        )
    if decision.merge_into is None:
        raise InvalidInput(_("请选择要并入的工单。"))
    return order_submit_for_review(
        order=order,
        actor=actor,
        opinion=decision.opinion
        or _("建议并入工单 %(number)s（重复诉求）。") % {"number": decision.merge_into.number},
        proposed_merge_into=decision.merge_into,
    )


# What the knowledge searches of a call led to (Art. 14(1)), by the operator's decision.
SEARCH_OUTCOMES = {
    Outcome.DISPATCH: SearchOutcome.DISPATCHED,
    Outcome.REVIEW: SearchOutcome.DISPATCHED,
    Outcome.ANSWER: SearchOutcome.ANSWERED_FREE,  # from an entry when it names one
    Outcome.NOT_ACCEPT: SearchOutcome.OTHER,
    Outcome.MERGE: SearchOutcome.OTHER,
    Outcome.POLICE: SearchOutcome.OTHER,
    Outcome.REGISTER: SearchOutcome.OTHER,
}


@transaction.atomic
def order_intake(
    *, actor: User, request: Request, decision: Decision, searches: Sequence[SearchRecord] = ()
) -> Order:
    """Record a phone request and carry out the operator's decision, all or nothing.

    Dispatching to a unit other than the proposed one needs a reason, which is kept in the
    dispatch record (国办函〔2025〕66号: duties are not pushed down without a reason).

    The knowledge `searches` the operator made during the call are recorded in the same
    transaction, linked to the order and to what followed (Art. 10, 14(1): the host unit
    sees what the knowledge base answered and what it lacked). Not those of a confidential
    order: they tell its matter to everyone who reads the search log (Art. 23).
    """
    if decision.outcome not in Outcome.values:
        raise InvalidInput(_("请选择处理方式。"))
    order = _intake_decide(actor=actor, request=request, decision=decision)
    if searches and not order.is_confidential:
        outcome = SEARCH_OUTCOMES[Outcome(decision.outcome)]
        if outcome == SearchOutcome.ANSWERED_FREE and decision.knowledge_ref:
            outcome = SearchOutcome.ANSWERED_FROM_ENTRY
        knowledge_searches_record(
            actor=actor,
            searches=searches,
            order=order,
            outcome=outcome,
            entry_ref=decision.knowledge_ref,
        )
    return order


def _intake_decide(*, actor: User, request: Request, decision: Decision) -> Order:
    order = order_create(
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
        supervision_channel=request.supervision_channel,
        emergency_situation=request.emergency_situation,
        rescue_lines=request.rescue_lines,
        major_incident=request.major_incident,
        incident=request.incident,
        latitude=request.latitude,
        longitude=request.longitude,
    )
    for other in decision.related:
        order_link_related(order=order, other=other, actor=actor)

    outcome = decision.outcome
    if outcome == Outcome.REGISTER:
        return order
    if outcome == Outcome.POLICE:
        # A police matter: recorded, and handed to 110 in the same transaction (one key).
        return order_transfer_to_police(order=order, actor=actor, reason=decision.police_reason)
    if request.request_type.needs_review and outcome in (Outcome.NOT_ACCEPT, Outcome.MERGE):
        return _propose_to_review(order=order, actor=actor, decision=decision)
    if outcome == Outcome.ANSWER:
        return order_answer(
            order=order, actor=actor, answer=decision.answer, knowledge_ref=decision.knowledge_ref
        )
    if outcome == Outcome.NOT_ACCEPT:
        if decision.exclusion is None:
            raise InvalidInput(_("请选择不予受理的情形。"))
        return order_not_accept(
            order=order, actor=actor, exclusion=decision.exclusion, note=decision.exclusion_note
        )
    if outcome == Outcome.MERGE:
        if decision.merge_into is None:
            raise InvalidInput(_("请选择要并入的工单。"))
        return order_merge(order=order, into=decision.merge_into, actor=actor)
    proposal = dispatch_propose(
        category=request.category,
        place=request.place,
        supervision_channel=request.supervision_channel,
    )
    if outcome == Outcome.DISPATCH and request.request_type.needs_review:
        raise InvalidInput(_("投诉、举报须提交热线主办单位审核后派转(第十四条第二项)。"))
    if outcome == Outcome.REVIEW:
        return order_submit_for_review(
            order=order,
            actor=actor,
            opinion=decision.opinion,
            proposed_unit=decision.lead_unit or proposal.lead_unit,
        )
    if decision.lead_unit is None:
        raise InvalidInput(_("请选择主办单位。"))
    reason = (decision.override_reason or "").strip()
    proposed = proposal.lead_unit
    overriding = proposed is not None and decision.lead_unit.pk != proposed.pk
    if proposed is not None and overriding and not reason:
        raise InvalidInput(
            _("所选主办单位与派单建议(%(unit)s)不同,请填写理由。") % {"unit": proposed.name}
        )
    order = order_accept(order=order, actor=actor)
    return order_dispatch(
        order=order,
        actor=actor,
        lead_unit=decision.lead_unit,
        assisting_units=decision.assisting_units,
        reason=(_("改派理由:%(reason)s") % {"reason": reason}) if overriding else proposal.basis,
    )
