"""The wire format agreed with the police desk (docs/linkage.md, protocols/linkage-110.md).

Pure functions, no database: signing and verifying a message, checking its timestamp and
reading and validating its body. Both our endpoint, our delivery task and the simulator of the
110 desk use them, so the two sides cannot drift apart.
"""

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The receiver refuses a message whose timestamp is further than this from its own clock.
WINDOW_SECONDS = 300

HEADER_PEER = "X-Linkage-Peer"
HEADER_TIMESTAMP = "X-Linkage-Timestamp"
HEADER_SIGNATURE = "X-Linkage-Signature"
HEADER_IDEMPOTENCY = "Idempotency-Key"
SIGNATURE_PREFIX = "sha256="

KINDS = ("transfer", "status")
CATEGORIES = ("non_police", "emergency", "police")
# Art. 13 (1)-(5).
SITUATIONS = ("public_facility", "natural_disaster", "life_danger", "missing_person", "distress")
RESCUE_LINES = ("110", "119", "120", "122")
STATES = (
    "received",
    "accepted",
    "rejected",
    "dispatched",
    "in_progress",
    "replied",
    "closed",
    "police_dispatched",
    "police_arrived",
    "police_closed",
)
# How the order page names a state the other side reports.
STATE_LABELS = {
    "received": "已接收",
    "accepted": "已受理",
    "rejected": "不予受理",
    "dispatched": "已派单",
    "in_progress": "办理中",
    "replied": "已答复",
    "closed": "已办结",
    "police_dispatched": "已派警",
    "police_arrived": "民警已到场",
    "police_closed": "警情已处置完毕",
}

MAX_REF = 40
MAX_SUMMARY = 200
MAX_TEXT = 4000
MAX_FIELD = 200


class ProtocolError(Exception):
    """A message refused by the rules of the page: `code` and `status` are its answer."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def answer(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def _invalid(message: str) -> ProtocolError:
    return ProtocolError(400, "invalid_input", message)


# --- signing ----------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` + hex HMAC-SHA256(secret, timestamp + "." + raw body)."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def signature_valid(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    if not secret or not signature.startswith(SIGNATURE_PREFIX):
        return False
    try:
        timestamp.encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature.strip())


def timestamp_fresh(timestamp: str, *, now: float) -> bool:
    """Unix seconds as text, within WINDOW_SECONDS of `now` either way."""
    text = timestamp.strip()
    if not text.isascii() or not text.lstrip("-").isdigit():
        return False
    return abs(int(text) - now) <= WINDOW_SECONDS


def verify(
    *,
    secret: str,
    expected_peer: str,
    peer: str,
    timestamp: str,
    signature: str,
    body: bytes,
    now: float,
) -> None:
    """Refuse a message from another peer, with a wrong signature or an old or future
    timestamp, without looking at the body. Raises ProtocolError (401)."""
    if not expected_peer or not hmac.compare_digest(peer.encode(), expected_peer.encode()):
        raise ProtocolError(401, "bad_signature", "未知的对端")
    if not signature_valid(secret, timestamp, body, signature):
        raise ProtocolError(401, "bad_signature", "签名缺失或不正确")
    if not timestamp_fresh(timestamp, now=now):
        raise ProtocolError(401, "stale_timestamp", "时间戳与本方时钟相差超过300秒")


def headers(*, peer: str, secret: str, body: bytes, message_id: str, now: float) -> dict[str, str]:
    """The headers of one sending of a message (a new timestamp and signature each time)."""
    timestamp = str(int(now))
    return {
        "Content-Type": "application/json",
        HEADER_PEER: peer,
        HEADER_TIMESTAMP: timestamp,
        HEADER_SIGNATURE: sign(secret, timestamp, body),
        HEADER_IDEMPOTENCY: message_id,
    }


def body_digest(body: bytes) -> str:
    """What "the same body" means for idempotency: the same raw bytes."""
    return hashlib.sha256(body).hexdigest()


def encode(message: dict[str, Any]) -> bytes:
    """One fixed encoding, so a message sent again is byte for byte the first one."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- reading a body -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    name: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Case:
    ref: str
    category: str
    summary: str
    received_at: datetime | None = None
    situation: str | None = None
    urgent: bool = False
    content: str = ""
    address: str = ""
    place: str = ""
    caller: Caller = field(default_factory=Caller)
    rescue_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Message:
    message_id: str
    kind: str
    sent_at: datetime
    case: Case | None = None  # transfer
    ref: str = ""  # status
    peer_ref: str = ""
    state: str = ""
    note: str = ""
    at: datetime | None = None


def _text(data: dict[str, Any], key: str, *, limit: int, required: bool = False) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _invalid(f"{key} 应为字符串")
    value = value.strip()
    if required and not value:
        raise _invalid(f"缺少 {key}")
    if len(value) > limit:
        raise _invalid(f"{key} 过长（最多 {limit} 字）")
    return value


def _moment(data: dict[str, Any], key: str, *, required: bool) -> datetime | None:
    value = data.get(key)
    if value in (None, "") and not required:
        return None
    if not isinstance(value, str):
        raise _invalid(f"{key} 应为带时区的 ISO 8601 时间")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _invalid(f"{key} 应为带时区的 ISO 8601 时间") from exc
    if moment.tzinfo is None:
        raise _invalid(f"{key} 须带时区")
    return moment


def _message_id(value: Any) -> str:
    if not isinstance(value, str):
        raise _invalid("message_id 应为 UUID")
    try:
        uuid.UUID(value)
    except ValueError as exc:
        raise _invalid("message_id 应为 UUID") from exc
    return value


def _case(data: Any) -> Case:
    if not isinstance(data, dict):
        raise _invalid("case 应为对象")
    category = data.get("category")
    if category not in CATEGORIES:
        raise _invalid("category 不正确")
    situation = data.get("situation")
    if situation is not None and situation not in SITUATIONS:
        raise _invalid("situation 不正确")
    urgent = data.get("urgent", False)
    if not isinstance(urgent, bool):
        raise _invalid("urgent 应为 true 或 false")
    lines = data.get("rescue_lines", [])
    if not isinstance(lines, list) or any(line not in RESCUE_LINES for line in lines):
        raise _invalid("rescue_lines 不正确")
    caller = data.get("caller") or {}
    if not isinstance(caller, dict):
        raise _invalid("caller 应为对象")
    return Case(
        ref=_text(data, "ref", limit=MAX_REF, required=True),
        category=category,
        summary=_text(data, "summary", limit=MAX_SUMMARY, required=True),
        received_at=_moment(data, "received_at", required=False),
        situation=situation,
        urgent=urgent,
        content=_text(data, "content", limit=MAX_TEXT),
        address=_text(data, "address", limit=MAX_FIELD),
        place=_text(data, "place", limit=MAX_FIELD),
        caller=Caller(
            name=_text(caller, "name", limit=MAX_FIELD), phone=_text(caller, "phone", limit=40)
        ),
        rescue_lines=tuple(sorted(set(lines))),
    )


def parse(body: bytes) -> Message:
    """Read and validate a body; ProtocolError (400 invalid_input) when it is not a message
    of the page."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _invalid("请求体不是有效的 JSON") from exc
    if not isinstance(data, dict):
        raise _invalid("请求体应为 JSON 对象")
    message_id = _message_id(data.get("message_id"))
    kind = data.get("kind")
    if kind not in KINDS:
        raise _invalid("kind 应为 transfer 或 status")
    sent_at = _moment(data, "sent_at", required=True)
    assert sent_at is not None
    if kind == "transfer":
        return Message(
            message_id=message_id, kind=kind, sent_at=sent_at, case=_case(data.get("case"))
        )
    state = data.get("state")
    if state not in STATES:
        raise _invalid("state 不正确")
    return Message(
        message_id=message_id,
        kind=kind,
        sent_at=sent_at,
        ref=_text(data, "ref", limit=MAX_REF, required=True),
        peer_ref=_text(data, "peer_ref", limit=MAX_REF),
        state=state,
        note=_text(data, "note", limit=MAX_TEXT),
        at=_moment(data, "at", required=False),
    )


def accepted(message_id: str, peer_ref: str) -> dict[str, str]:
    return {"message_id": message_id, "result": "accepted", "peer_ref": peer_ref}
