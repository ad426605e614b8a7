"""The 110 linkage's changes (国办发〔2022〕12号; Art. 3, 8, 13; DESIGN §5): receiving a message
from the 110 desk. Handing a police matter to it is `orders.services.order_transfer_to_police`,
which the intake screen's one step also calls.

Outbound messages are written by `outbox` inside the change that causes them; their delivery
is `tasks.deliver_linkage_message`.
"""

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.core.errors import DomainError
from hotline.linkage import protocol
from hotline.linkage.config import peer_110
from hotline.linkage.models import Direction, Kind, LinkageMessage
from hotline.linkage.protocol import Message, ProtocolError
from hotline.orders import history
from hotline.orders.models import Channel, Order
from hotline.orders.services.intake import order_create
from hotline.units.models import Place

logger = logging.getLogger("hotline.linkage")

# What a matter 110 hands us becomes (Art. 14(4): 求助, two working days).
INBOUND_REQUEST_TYPE = "help"


@dataclass(frozen=True)
class Answer:
    status: int
    content: bytes  # the JSON body, as sent

    @classmethod
    def of(cls, status: int, body: dict[str, Any]) -> "Answer":
        return cls(status, json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def json(self) -> dict[str, Any]:
        return json.loads(self.content)


def _refused(exc: ProtocolError) -> Answer:
    return Answer.of(exc.status, exc.answer())


def _replay(first: LinkageMessage, digest: str) -> Answer:
    """The same message again: exactly the first answer; another body under its id: 409."""
    if first.body_digest != digest:
        return Answer.of(
            409,
            {"code": "idempotency_conflict", "message": "该 message_id 已用于内容不同的消息"},
        )
    assert first.answer_status is not None and first.answer
    return Answer(first.answer_status, first.answer.encode("utf-8"))


def desk_account() -> User | None:
    """The 110 desk's machine account (Role.LINKAGE), when the installation has one."""
    users = User.objects.filter(is_active=True).order_by("pk")
    return next((user for user in users if Role.LINKAGE in user.role_set), None)


def _place(text: str) -> Place | None:
    if not text:
        return None
    return Place.objects.filter(name=text).first()


def _transfer_receive(message: Message, row: LinkageMessage) -> dict[str, str]:
    """110 hands us a non-police matter: it becomes an order on the 110 channel, recording the
    110 case number (国办发〔2022〕12号: 110 transfers non-police matters to 12345)."""
    case = message.case
    assert case is not None
    if case.category != "non_police":
        raise ProtocolError(400, "invalid_input", "110 移交本平台的事项 category 应为 non_police")
    place = _place(case.place)
    address = (
        case.address if place is not None or not case.place else f"{case.place} {case.address}"
    )
    order = order_create(
        actor=desk_account(),
        channel=Channel.LINKAGE_110,
        request_type=INBOUND_REQUEST_TYPE,
        content="\n".join(part for part in (case.summary, case.content) if part),
        title=case.summary[:120],
        caller_name=case.caller.name,
        caller_phone=case.caller.phone,
        place=place,
        address=address.strip()[:200],
        rescue_lines=case.rescue_lines,
        linkage_ref=case.ref,
    )
    row.order = order
    return protocol.accepted(message.message_id, order.number)


def _case_of(message: Message) -> Order | None:
    """The order a status names: by our number (our transfer: `ref`) or by the 110 case
    number (`ref` of a case 110 sent, or `peer_ref`, 110's id, of one we sent)."""
    for ref, lookup in (
        (message.ref, "number"),
        (message.ref, "linkage_ref"),
        (message.peer_ref, "linkage_ref"),
    ):
        if ref:
            order = Order.objects.filter(**{lookup: ref}).first()
            if order is not None:
                return order
    return None


def _status_receive(message: Message, row: LinkageMessage) -> dict[str, str]:
    """What 110 reports of a case we share is written into the order's history."""
    order = _case_of(message)
    if order is None:
        raise ProtocolError(404, "not_found", "未找到该编号对应的工单")
    history.police_status(
        order,
        actor=desk_account(),
        state=message.state,
        label=protocol.STATE_LABELS[message.state],
        note=message.note,
        message_id=message.message_id,
        peer_ref=message.peer_ref,
        at=message.at,
    )
    row.order = order
    return protocol.accepted(message.message_id, order.number)


def linkage_receive(
    *,
    peer: str,
    timestamp: str,
    signature: str,
    idempotency_key: str,
    body: bytes,
    now: float | None = None,
) -> Answer:
    """Answer one message from the 110 desk as protocols/linkage-110.md says.

    The peer, the signature and the timestamp are checked before the body is read. A message
    id seen before gets exactly its first answer (same body) or 409 (another body), and nothing
    new is created; two copies arriving at the same moment are told apart by the unique
    constraint — the second waits for the first, then replays its answer. An accepted message
    and all it causes (the order, its history) are one transaction; a refused one leaves
    nothing behind.
    """
    config = peer_110()
    try:
        protocol.verify(
            secret=config.secret,
            expected_peer=config.their_id,
            peer=peer,
            timestamp=timestamp,
            signature=signature,
            body=body,
            now=time.time() if now is None else now,
        )
    except ProtocolError as exc:
        logger.warning("linkage message refused: %s", exc.code)
        return _refused(exc)
    key = idempotency_key.strip()
    if not key or len(key) > 64:
        return _refused(ProtocolError(400, "invalid_input", "缺少 Idempotency-Key"))
    digest = protocol.body_digest(body)
    seen = dict(direction=Direction.IN, peer=config.their_id, message_id=key)
    first = LinkageMessage.objects.filter(**seen).first()
    if first is not None:
        return _replay(first, digest)
    try:
        message = protocol.parse(body)
        if message.message_id != key:
            raise ProtocolError(400, "invalid_input", "Idempotency-Key 与 message_id 不一致")
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row = LinkageMessage.objects.create(
                        **seen,
                        kind=message.kind,
                        body=body.decode("utf-8"),
                        body_digest=digest,
                        created_at=clock.now(),
                    )
            except IntegrityError:
                # The same message id at the same moment: the first copy has committed.
                return _replay(LinkageMessage.objects.get(**seen), digest)
            receive = _transfer_receive if message.kind == Kind.TRANSFER else _status_receive
            answer = Answer.of(200, receive(message, row))
            row.answer_status, row.answer = answer.status, answer.content.decode("utf-8")
            row.save(update_fields=["order", "answer_status", "answer"])
    except ProtocolError as exc:
        logger.info("linkage message %s refused: %s", key, exc.code)
        return _refused(exc)
    except DomainError as exc:  # the order's own rules (e.g. a malformed phone number)
        logger.info("linkage message %s refused: %s", key, exc.code)
        return Answer.of(400, {"code": "invalid_input", "message": exc.message})
    logger.info("linkage message %s accepted for order %s", key, answer.json()["peer_ref"])
    return answer
