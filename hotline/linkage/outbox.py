"""Outbound messages to the 110 desk, stored before they are sent (国办发〔2022〕12号,
DESIGN §5: the transactional outbox).

Each function writes the message row and enqueues its delivery inside the caller's
transaction: a change that rolls back sends nothing, and a crash after the commit loses
nothing. The body is fixed here, once: every retry sends the same bytes under the same
`message_id`, which is what lets the other side answer a repeat with its first answer.
"""

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from hotline import clock
from hotline.accounts.models import User
from hotline.linkage import protocol
from hotline.linkage.config import peer_110
from hotline.linkage.models import Direction, Kind, LinkageMessage, State
from hotline.linkage.tasks import deliver_linkage_message
from hotline.orders import history
from hotline.orders.models import Action, Channel, Order, OrderEvent

# The changes of a linked order that 110 is told of, and the state each is told as
# (国办发〔2022〕12号: status flows back both ways).
STATUS_STATES: dict[str, str] = {
    Action.NOT_ACCEPT: "rejected",
    Action.DISPATCH: "dispatched",
    Action.REVIEW_APPROVE: "dispatched",
    Action.REDISPATCH: "dispatched",
    Action.RETURN_UPHELD: "dispatched",
    Action.REPLY_ACCEPTED: "replied",
    Action.ANSWER: "closed",
    Action.CLOSE: "closed",
}


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _store(*, order: Order, kind: str, message: dict[str, Any], now: datetime) -> LinkageMessage:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("linkage messages are queued inside the change that causes them")
    body = protocol.encode(message)
    row = LinkageMessage.objects.create(
        direction=Direction.OUT,
        peer=peer_110().their_id,
        message_id=message["message_id"],
        kind=kind,
        order=order,
        body=body.decode("utf-8"),
        body_digest=protocol.body_digest(body),
        state=State.QUEUED,
        next_attempt_at=now,
        created_at=now,
    )
    deliver_linkage_message.enqueue(row.pk)
    return row


def transfer_queue(
    *, order: Order, actor: User | None, category: str, now: datetime | None = None
) -> LinkageMessage:
    """Hand `order` to 110: an Art. 13 emergency (`emergency`, urgent, with its situation and
    the rescue lines the caller was guided to) or a police matter (`police`). Written to the
    order's history; the caller's name and phone, and the content and address as the caller
    wrote them (not the masks of `privacy/text.py`), travel only inside the sealed body."""
    now = now or clock.now()
    # 110 needs the matter itself; the body is sealed, and the transfer is in the history.
    order.reveal_confidential()
    situation = order.emergency_situation
    message_id = str(uuid.uuid4())
    message = {
        "message_id": message_id,
        "kind": Kind.TRANSFER,
        "sent_at": _iso(now),
        "case": {
            "ref": order.number,
            "received_at": _iso(order.created_at),
            "category": category,
            "situation": situation.code if situation is not None else None,
            "urgent": category == "emergency",
            "summary": order.title or order.content[:30],
            "content": order.content_sealed or order.content,
            "address": order.address_sealed or order.address,
            "place": order.place.name if order.place is not None else "",
            "caller": {"name": order.caller_name, "phone": order.caller_phone},
            "rescue_lines": list(order.rescue_lines),
        },
    }
    row = _store(order=order, kind=Kind.TRANSFER, message=message, now=now)
    history.linkage_queued(order, actor=actor, category=category, message_id=message_id)
    return row


def _refs(order: Order) -> tuple[str, str] | None:
    """(ref, peer_ref) of a status about `order` as the page defines them — `ref` the case's
    id on the side that first sent it, `peer_ref` ours, the side sending the status — or None
    when the order is not linked to 110."""
    if order.channel == Channel.LINKAGE_110:
        return (order.linkage_ref, order.number) if order.linkage_ref else None
    if LinkageMessage.objects.transfers_of(order).exists():
        return order.number, order.number
    return None


def order_event_written(order: Order, event: OrderEvent) -> None:
    """The hook: `orders.history` calls it for every event it writes, inside the change's
    transaction (registered in linkage/apps.py). The one place where a change of an order
    becomes a status message, whichever service made it."""
    state = STATUS_STATES.get(event.action)
    if state is not None:
        status_queue(order=order, event=event, state=state)


def status_queue(*, order: Order, event: OrderEvent, state: str) -> LinkageMessage | None:
    """Tell 110 what became of a linked order; nothing for an order 110 has no part in."""
    refs = _refs(order)
    if refs is None:
        return None
    ref, peer_ref = refs
    message = {
        "message_id": str(uuid.uuid4()),
        "kind": Kind.STATUS,
        "sent_at": _iso(event.at),
        "ref": ref,
        "peer_ref": peer_ref,
        "state": state,
        "note": "",
        "at": _iso(event.at),
    }
    if state == "dispatched" and order.lead_unit is not None:
        message["note"] = f"已派至{order.lead_unit.name}"
    return _store(order=order, kind=Kind.STATUS, message=message, now=event.at)
