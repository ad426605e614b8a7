"""A 110 desk on loopback that speaks protocols/linkage-110.md, for the demo and the tests.

It verifies and acknowledges what 12345 sends — a transfer gets a case number
`110-YYYYMMDD-NNNN`, a status is accepted — answering a repeated message with its first answer,
and a few seconds after a transfer it reports `police_dispatched`, then `police_arrived`,
signed, to the 12345 endpoint. It keeps nothing on disk and no personal data in its log.
"""

import json
import logging
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

from hotline.linkage import protocol

logger = logging.getLogger("hotline.linkage.simulator")

ENDPOINT = "/api/v1/linkage/110/messages"
TZ = ZoneInfo("Asia/Shanghai")


def _now_iso() -> str:
    return datetime.now(TZ).isoformat(timespec="seconds")


class Desk110(ThreadingHTTPServer):
    """The simulated desk. `refuse_with` makes it answer every message with that status (a
    test's "the desk refuses" or "the desk is in trouble"); `follow_up` (seconds, or None) says
    whether and when it reports back on a transfer."""

    daemon_threads = True

    def __init__(
        self,
        addr: tuple[str, int],
        *,
        secret: str,
        peer_id: str = "yl-110",
        accept_peer: str = "yl-12345",
        target: str = "",
        follow_up: float | None = 3.0,
    ) -> None:
        super().__init__(addr, _Handler)
        self.secret, self.peer_id, self.accept_peer = secret, peer_id, accept_peer
        self.target, self.follow_up = target.rstrip("/"), follow_up
        self.refuse_with: int | None = None
        self.lock = threading.Lock()
        self.answers: dict[str, tuple[str, int, dict[str, Any]]] = {}
        self.received: list[dict[str, Any]] = []  # every new message, in order
        self.requests = 0  # every POST, repeats included
        self.sent: list[tuple[int, dict[str, Any]]] = []  # what it sent back and the answers
        self._cases = 0

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{ENDPOINT}"

    def next_case_number(self) -> str:
        self._cases += 1
        return f"110-{datetime.now(TZ):%Y%m%d}-{self._cases:04d}"

    def answer(self, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests += 1
            if self.refuse_with is not None:
                return self.refuse_with, {"code": "refused", "message": "模拟拒收"}
            try:
                protocol.verify(
                    secret=self.secret,
                    expected_peer=self.accept_peer,
                    peer=headers.get(protocol.HEADER_PEER, ""),
                    timestamp=headers.get(protocol.HEADER_TIMESTAMP, ""),
                    signature=headers.get(protocol.HEADER_SIGNATURE, ""),
                    body=body,
                    now=time.time(),
                )
                key = headers.get(protocol.HEADER_IDEMPOTENCY, "")
                digest = protocol.body_digest(body)
                if key in self.answers:
                    first_digest, status, first = self.answers[key]
                    if first_digest != digest:
                        return 409, {"code": "idempotency_conflict", "message": "消息内容不同"}
                    return status, first
                message = protocol.parse(body)
                if message.message_id != key:
                    raise protocol.ProtocolError(400, "invalid_input", "Idempotency-Key 不一致")
            except protocol.ProtocolError as exc:
                return exc.status, exc.answer()
            data = json.loads(body)
            if message.kind == "transfer":
                case_number = self.next_case_number()
                reply = protocol.accepted(message.message_id, case_number)
                if self.follow_up is not None and self.target:
                    self._report_later(data["case"]["ref"], case_number)
            else:
                reply = protocol.accepted(message.message_id, message.ref)
            self.answers[key] = (digest, 200, reply)
            self.received.append(data)
            logger.info("110 simulator accepted %s %s", message.kind, message.message_id)
            return 200, reply

    def _report_later(self, our_ref: str, case_number: str) -> None:
        def report() -> None:
            for step, state in enumerate(("police_dispatched", "police_arrived"), start=1):
                time.sleep(self.follow_up or 0)
                note = "已指派民警前往" if step == 1 else "民警已到达现场"
                self.send_status(ref=our_ref, peer_ref=case_number, state=state, note=note)

        threading.Thread(target=report, daemon=True).start()

    # --- what the desk sends -------------------------------------------------------------

    def post(self, message: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        body = protocol.encode(message)
        request = urllib.request.Request(  # noqa: S310 - the configured loopback target
            self.target + ENDPOINT,
            data=body,
            method="POST",
            headers=protocol.headers(
                peer=self.peer_id,
                secret=self.secret,
                body=body,
                message_id=message["message_id"],
                now=time.time(),
            ),
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except OSError as exc:
            status, raw = 0, json.dumps({"code": "unreachable", "message": str(exc)}).encode()
        answer = json.loads(raw or b"{}")
        with self.lock:
            self.sent.append((status, answer))
        logger.info("110 simulator sent %s %s: %s", message["kind"], message["message_id"], status)
        return status, answer

    def send_status(
        self, *, ref: str, peer_ref: str, state: str, note: str = ""
    ) -> tuple[int, dict[str, Any]]:
        return self.post(
            {
                "message_id": str(uuid.uuid4()),
                "kind": "status",
                "sent_at": _now_iso(),
                "ref": ref,
                "peer_ref": peer_ref,
                "state": state,
                "note": note,
                "at": _now_iso(),
            }
        )

    def send_transfer(self, summary: str, **case: Any) -> tuple[int, dict[str, Any]]:
        """Hand 12345 a non-police matter (国办发〔2022〕12号)."""
        return self.post(
            {
                "message_id": str(uuid.uuid4()),
                "kind": "transfer",
                "sent_at": _now_iso(),
                "case": {
                    "ref": self.next_case_number(),
                    "received_at": _now_iso(),
                    "category": "non_police",
                    "situation": None,
                    "urgent": False,
                    "summary": summary,
                    "content": case.get("content", ""),
                    "address": case.get("address", ""),
                    "place": case.get("place", ""),
                    "caller": case.get("caller", {"name": "", "phone": ""}),
                    "rescue_lines": [],
                },
            }
        )


class _Handler(BaseHTTPRequestHandler):
    server: Desk110

    def do_POST(self) -> None:  # noqa: N802 - the http.server interface
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        status, answer = self.server.answer(self.headers, body)
        raw = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        logger.debug("110 simulator: " + format, *args)
