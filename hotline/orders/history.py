"""The order's history: the only module that writes `OrderEvent` rows (STYLE §3).

Each row says who did what, when, from which state to which, why, and the facts of that kind
of event (its `data`). It is the audit trail of the work order, the timeline on the order page
and the source of statistics, so every kind of event has one helper here that fixes its data:
a reader finds the same keys for the same kind, whoever wrote it. Services call these helpers
inside their transaction, after saving the order.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from hotline import clock
from hotline.accounts.models import User
from hotline.catalogue.models import EmergencySituation, ExclusionReason, MajorIncidentKind
from hotline.orders.models import Action, CallParty, Note, Order, OrderEvent, Reply, Status, Urge
from hotline.orders.personal_text import order_text
from hotline.units.models import Unit


def _write(
    order: Order,
    *,
    action: str,
    actor: User | None,
    from_status: str,
    reason: str = "",
    at: datetime | None = None,
    **data: Any,
) -> OrderEvent:
    event = OrderEvent.objects.create(
        order=order,
        at=at or clock.now(),
        action=action,
        actor=actor,
        actor_unit=getattr(actor, "unit", None),
        from_status=from_status,
        to_status=order.status,
        # Free text of staff (reasons, notes, opinions) may hold a number or the caller's
        # name: the history keeps the mask only (privacy/text.py; issue 13).
        reason=order_text(order, reason)[0] if reason else reason,
        data=data,
    )
    for listener in _listeners:
        listener(order, event)
    return event


# Capabilities that act on what happens to an order as it is written, in the same transaction:
# the 110 linkage tells 110 of a linked order's changes (`linkage.outbox.order_event_written`,
# registered in linkage/apps.py). Every change of an order passes through `_write`, so no
# service can change a linked order behind 110's back; the listeners register here so that the
# order's core does not depend on them.
EventListener = Callable[[Order, OrderEvent], None]
_listeners: list[EventListener] = []


def listen(listener: EventListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _code(unit: Unit | None) -> str | None:
    return unit.code if unit is not None else None


# --- intake -----------------------------------------------------------------------------------


def recorded(order: Order, *, actor: User | None, at: datetime) -> OrderEvent:
    data: dict[str, Any] = {"channel": order.channel, "type": order.request_type_id}
    if order.supervision_channel:
        data["supervision_channel"] = order.supervision_channel
    return _write(order, action=Action.CREATE, actor=actor, from_status="", at=at, **data)


def emergency_alerted(
    order: Order,
    *,
    actor: User | None,
    at: datetime,
    situation: EmergencySituation | None,
    lines: Sequence[str],
) -> OrderEvent:
    return _write(
        order,
        action=Action.EMERGENCY_ALERT,
        actor=actor,
        from_status=order.status,
        at=at,
        situation=situation.code if situation is not None else None,
        lines=list(lines),
    )


def major_incident_alerted(
    order: Order,
    *,
    actor: User | None,
    at: datetime,
    kind: MajorIncidentKind,
    incident: int | None = None,
) -> OrderEvent:
    # `incident`: the open incident the operator linked the call to (read by hotline.incidents).
    linked: dict[str, Any] = {"incident": incident} if incident else {}
    return _write(
        order,
        action=Action.MAJOR_INCIDENT_ALERT,
        actor=actor,
        from_status=order.status,
        at=at,
        kind=kind.code,
        **linked,
    )


def accepted(order: Order, *, actor: User, from_status: str) -> OrderEvent:
    return _write(order, action=Action.ACCEPT, actor=actor, from_status=from_status)


def not_accepted(
    order: Order, *, actor: User, from_status: str, exclusion: ExclusionReason, reason: str
) -> OrderEvent:
    return _write(
        order,
        action=Action.NOT_ACCEPT,
        actor=actor,
        from_status=from_status,
        reason=reason,
        exclusion=exclusion.code,
    )


def answered(order: Order, *, actor: User, from_status: str, knowledge_ref: str) -> OrderEvent:
    return _write(
        order,
        action=Action.ANSWER,
        actor=actor,
        from_status=from_status,
        knowledge=knowledge_ref,
    )


def merged(order: Order, *, actor: User, from_status: str, into: Order, reason: str) -> OrderEvent:
    return _write(
        order,
        action=Action.MERGE,
        actor=actor,
        from_status=from_status,
        reason=reason,
        into=into.number,
    )


def merged_in(order: Order, *, actor: User, merged: Order) -> OrderEvent:
    """On the order that received a duplicate: which one, so both histories name the other."""
    return _write(
        order, action=Action.MERGED_IN, actor=actor, from_status=order.status, merged=merged.number
    )


def result_shared(order: Order, *, main: Order, at: datetime) -> OrderEvent:
    """A merged order's caller is given the result of the order it was merged into."""
    return _write(
        order,
        action=Action.RESULT_SHARED,
        actor=None,
        from_status=Status.MERGED,
        at=at,
        main=main.number,
    )


def three_party_called(order: Order, *, actor: User, party: str, outcome: str) -> OrderEvent:
    """A three-party call the operator held about an unclear case: with whom, what came of it
    (Art. 13; 国办发〔2022〕12号: 三方通话)."""
    return _write(
        order,
        action=Action.THREE_PARTY_CALL,
        actor=actor,
        from_status=order.status,
        reason=f"{CallParty(party).label}：{outcome}",
        party=party,
    )


def tracker_assigned(order: Order, *, actor: User, before: User | None, reason: str) -> OrderEvent:
    """Who follows a confidential order, and who did before (Art. 23); the order's history is
    its audit trail."""
    return _write(
        order,
        action=Action.ASSIGN_TRACKER,
        actor=actor,
        from_status=order.status,
        reason=reason,
        tracker=order.tracker.username if order.tracker else None,
        previous=before.username if before else None,
    )


def linked(order: Order, *, actor: User, other: Order) -> OrderEvent:
    return _write(
        order, action=Action.LINK, actor=actor, from_status=order.status, related=other.number
    )


# --- review and dispatch -----------------------------------------------------------------------


def submitted_for_review(
    order: Order,
    *,
    actor: User,
    from_status: str,
    proposed_unit: Unit | None,
    proposal: dict[str, Any] | None = None,
) -> OrderEvent:
    """`proposal` is what the operator proposes instead of a dispatch (not accepting with an
    Art. 12 reason, or merging into an order), for the reviewer to decide."""
    return _write(
        order,
        action=Action.SUBMIT_REVIEW,
        actor=actor,
        from_status=from_status,
        proposed_unit=_code(proposed_unit),
        **(proposal or {}),
    )


def sent_back_from_review(
    order: Order, *, actor: User, from_status: str, reason: str
) -> OrderEvent:
    return _write(
        order, action=Action.REVIEW_SEND_BACK, actor=actor, from_status=from_status, reason=reason
    )


ASSIGNING_ACTIONS = frozenset(
    {Action.REVIEW_APPROVE, Action.DISPATCH, Action.REDISPATCH, Action.RETURN_UPHELD}
)


def assigned(
    order: Order,
    *,
    action: str,
    actor: User,
    from_status: str,
    reason: str,
    assisting: Sequence[Unit],
    from_unit: Unit | None = None,
) -> OrderEvent:
    """The order was given to its lead and assisting units and their clock started: by the
    host unit's review, a dispatch, a re-dispatch or an upheld return."""
    if action not in ASSIGNING_ACTIONS:
        raise ValueError(f"{action} does not assign units")
    data: dict[str, Any] = {
        "lead_unit": _code(order.lead_unit),
        "assisting_units": [unit.code for unit in assisting],
        "due_at": _iso(order.due_at),
        "category": order.category.code if order.category is not None else None,
    }
    if from_unit is not None:
        data["from_unit"] = from_unit.code
    return _write(order, action=action, actor=actor, from_status=from_status, reason=reason, **data)


def signed(order: Order, *, actor: User, from_status: str) -> OrderEvent:
    return _write(
        order,
        action=Action.SIGN,
        actor=actor,
        from_status=from_status,
        handler=order.handler.username if order.handler is not None else None,
    )


def returned(
    order: Order, *, actor: User, from_status: str, reason: str, suggested_unit: Unit | None
) -> OrderEvent:
    return _write(
        order,
        action=Action.RETURN,
        actor=actor,
        from_status=from_status,
        reason=reason,
        suggested_unit=_code(suggested_unit),
    )


def return_refused(order: Order, *, actor: User, from_status: str, reason: str) -> OrderEvent:
    return _write(
        order, action=Action.RETURN_REFUSED, actor=actor, from_status=from_status, reason=reason
    )


# --- extensions --------------------------------------------------------------------------------


def extension_requested(order: Order, *, actor: User, reason: str) -> OrderEvent:
    return _write(
        order,
        action=Action.EXTENSION_REQUEST,
        actor=actor,
        from_status=order.status,
        reason=reason,
    )


def extension_approved(
    order: Order, *, actor: User, reason: str, old_due_at: datetime | None
) -> OrderEvent:
    return _write(
        order,
        action=Action.EXTENSION_APPROVED,
        actor=actor,
        from_status=order.status,
        reason=reason,
        old_due_at=_iso(old_due_at),
        due_at=_iso(order.due_at),
    )


def extension_denied(order: Order, *, actor: User, reason: str) -> OrderEvent:
    return _write(
        order, action=Action.EXTENSION_DENIED, actor=actor, from_status=order.status, reason=reason
    )


# --- replies -----------------------------------------------------------------------------------


REPLY_ACTIONS = frozenset(
    {
        Action.REPLY,
        Action.REPLY_APPROVED,
        Action.REPLY_REJECTED,
        Action.REPLY_ACCEPTED,
        Action.REPLY_SENT_BACK,
        Action.ASSIST_REPLY,
    }
)


def reply_handled(
    order: Order, *, action: str, actor: User, from_status: str, reply: Reply, reason: str = ""
) -> OrderEvent:
    """A reply was drafted, approved or rejected in the unit, checked by the operating centre,
    or an assisting unit gave its part."""
    if action not in REPLY_ACTIONS:
        raise ValueError(f"{action} is not a reply event")
    return _write(
        order, action=action, actor=actor, from_status=from_status, reason=reason, reply=reply.pk
    )


def written_reply_recorded(
    order: Order, *, actor: User, from_status: str, reply: Reply
) -> OrderEvent:
    return _write(
        order,
        action=Action.WRITTEN_REPLY,
        actor=actor,
        from_status=from_status,
        reply=reply.pk,
        unit=reply.unit.code,
    )


# --- closing the loop --------------------------------------------------------------------------


def rated(
    order: Order,
    *,
    actor: User | None,
    from_status: str,
    satisfaction: str,
    note: str,
    channel: str = "",
) -> OrderEvent:
    """The caller's satisfaction: from the operator's callback (`actor`), or given by the caller
    on the web (`actor` None, `channel` says where)."""
    data: dict[str, Any] = {"satisfaction": satisfaction}
    if actor is None:
        data.update(by="caller", channel=channel)
    return _write(
        order, action=Action.CALLBACK, actor=actor, from_status=from_status, reason=note, **data
    )


def reopened(order: Order, *, actor: User, from_status: str, reason: str) -> OrderEvent:
    return _write(
        order,
        action=Action.REOPEN,
        actor=actor,
        from_status=from_status,
        reason=reason,
        due_at=_iso(order.due_at),
    )


def closed(order: Order, *, actor: User | None, from_status: str, reason: str) -> OrderEvent:
    return _write(
        order,
        action=Action.CLOSE,
        actor=actor,
        from_status=from_status,
        reason=reason,
        close_reason=order.close_reason,
    )


# --- handling ----------------------------------------------------------------------------------


def noted(order: Order, *, actor: User, note: Note) -> OrderEvent:
    return _write(
        order,
        action=Action.CONTACT if note.is_contact else Action.NOTE,
        actor=actor,
        from_status=order.status,
        reason=note.text,
        method=note.method,
        contacted_at=_iso(note.contacted_at),
    )


def urged(order: Order, *, action: str, actor: User, note: str) -> OrderEvent:
    """An urge (催办) or a supervision (督办)."""
    if action not in (Action.URGE, Action.SUPERVISE):
        raise ValueError(f"{action} is not an urge")
    return _write(order, action=action, actor=actor, from_status=order.status, reason=note)


def urge_acknowledged(order: Order, *, actor: User, urge: Urge) -> OrderEvent:
    return _write(
        order,
        action=Action.URGE_ACK,
        actor=actor,
        from_status=order.status,
        urge=urge.pk,
        kind=urge.kind,
    )


def corrected(
    order: Order, *, actor: User, reason: str, before: dict[str, Any], after: dict[str, Any]
) -> OrderEvent:
    return _write(
        order,
        action=Action.CORRECT,
        actor=actor,
        from_status=order.status,
        reason=reason,
        before=before,
        after=after,
    )


def attached(
    order: Order, *, actor: User | None, at: datetime, files: Sequence[str], kind: str
) -> OrderEvent:
    return _write(
        order,
        action=Action.ATTACH,
        actor=actor,
        from_status=order.status,
        at=at,
        files=list(files),
        kind=kind,
    )


# --- the 110 linkage (hotline/linkage) ---------------------------------------------------------


def transferred_to_police(order: Order, *, actor: User, reason: str, message_id: str) -> OrderEvent:
    """An operator handed a police matter to 110 (国办发〔2022〕12号)."""
    return _write(
        order,
        action=Action.TRANSFER_POLICE,
        actor=actor,
        from_status=order.status,
        reason=reason,
        message=message_id,
    )


def linkage_queued(
    order: Order, *, actor: User | None, category: str, message_id: str
) -> OrderEvent:
    """A transfer to 110 was stored and its delivery queued (Art. 13: at once)."""
    return _write(
        order,
        action=Action.LINKAGE_QUEUED,
        actor=actor,
        from_status=order.status,
        category=category,
        message=message_id,
    )


def linkage_acknowledged(order: Order, *, message_id: str, peer_ref: str) -> OrderEvent:
    """110 answered our transfer with its case number."""
    return _write(
        order,
        action=Action.LINKAGE_ACK,
        actor=None,
        from_status=order.status,
        reason=peer_ref,
        message=message_id,
        peer_ref=peer_ref,
    )


def linkage_failed(
    order: Order, *, message_id: str, kind: str, status: int, error: str
) -> OrderEvent:
    """110 refused a message for good (a 4xx other than 408/429): a person must act."""
    return _write(
        order,
        action=Action.LINKAGE_FAILED,
        actor=None,
        from_status=order.status,
        reason=error,
        message=message_id,
        kind=kind,
        status=status,
    )


def police_status(
    order: Order,
    *,
    actor: User | None,
    state: str,
    label: str,
    note: str,
    message_id: str,
    peer_ref: str,
    at: datetime | None,
) -> OrderEvent:
    """What 110 reports of a linked case (police dispatched, arrived, closed, ...)."""
    return _write(
        order,
        action=Action.LINKAGE_STATUS,
        actor=actor,
        from_status=order.status,
        reason=f"{label}：{note}" if note else label,
        state=state,
        message=message_id,
        peer_ref=peer_ref,
        reported_at=_iso(at),
    )
