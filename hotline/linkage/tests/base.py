"""What the linkage tests share: signing a message as the 110 desk does, and posting it."""

import json
import time
import uuid
from typing import Any

from django.conf import settings
from django.test import Client

from hotline.linkage import protocol

URL = "/api/v1/linkage/110/messages"


def transfer(summary: str = "楼上漏水三天", **case: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ref": "110-20261202-0042",
        "received_at": "2026-12-02T09:12:40+08:00",
        "category": "non_police",
        "situation": None,
        "urgent": False,
        "summary": summary,
        "content": "水从天花板渗下来。",
        "address": "常乐路12号3单元",
        "place": "",
        "caller": {"name": "张某", "phone": "13800001111"},
        "rescue_lines": [],
    }
    body.update(case)
    return {
        "message_id": str(uuid.uuid4()),
        "kind": "transfer",
        "sent_at": "2026-12-02T09:15:00+08:00",
        "case": body,
    }


def status(ref: str, state: str = "police_dispatched", peer_ref: str = "") -> dict[str, Any]:
    return {
        "message_id": str(uuid.uuid4()),
        "kind": "status",
        "sent_at": "2026-12-02T09:30:00+08:00",
        "ref": ref,
        "peer_ref": peer_ref,
        "state": state,
        "note": "已指派民警",
        "at": "2026-12-02T09:29:00+08:00",
    }


def signed_headers(
    body: bytes,
    *,
    message_id: str,
    peer: str = "yl-110",
    secret: str | None = None,
    timestamp: float | None = None,
) -> dict[str, str]:
    return protocol.headers(
        peer=peer,
        secret=settings.HOTLINE_LINKAGE_110_SECRET if secret is None else secret,
        body=body,
        message_id=message_id,
        now=time.time() if timestamp is None else timestamp,
    )


def post(client: Client, message: dict[str, Any] | bytes, **options: Any):
    """POST as the 110 desk would; `message` may be raw bytes (then give message_id)."""
    if isinstance(message, bytes):
        body, message_id = message, options.pop("message_id", str(uuid.uuid4()))
    else:
        body, message_id = json.dumps(message, ensure_ascii=False).encode(), message["message_id"]
    headers = signed_headers(body, message_id=message_id, **options)
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )
