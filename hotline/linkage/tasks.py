"""Delivering outbound messages to the 110 desk, again and again until it answers 2xx
(protocols/linkage-110.md: "sends it again, with backoff, until it gets a 2xx answer").

One attempt is claimed in a short transaction that also enqueues the next attempt, then the
message is POSTed outside any transaction (no row or database lock is held while the network
waits), then the answer is recorded. A worker that dies mid-attempt leaves the next attempt
queued, so nothing is lost; an attempt that arrives twice is answered by 110 with its first
answer, so nothing is doubled; a message already acknowledged or failed is left alone.
"""

import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from hotline.linkage import protocol
from hotline.linkage.config import peer_110
from hotline.linkage.models import Direction, Kind, LinkageMessage, State
from hotline.orders import history, messages
from hotline.orders.models import Order

logger = logging.getLogger("hotline.linkage")

TIMEOUT_SECONDS = 10
# Answers that say "try again later" although they are 4xx.
RETRIED_4XX = frozenset({408, 429})
# While an earlier message of the same order is not yet acknowledged (110 must know the case
# before it hears of its status), a later one waits this long and looks again.
WAIT_FOR_EARLIER = timedelta(seconds=30)
# Without HOTLINE_LINKAGE_110_URL (the demo) messages stay queued and are looked at this often.
WAIT_FOR_CONFIGURATION = timedelta(hours=1)
NOT_CONFIGURED = "未配置110接口地址（HOTLINE_LINKAGE_110_URL），消息保留待发送"
OPEN_STATES = (State.QUEUED, State.SENT)


def retry_delay(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s … at most 10 minutes between tries: an emergency does not wait long."""
    return timedelta(seconds=min(600, 10 * 2 ** max(0, attempts - 1)))


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST and return (status, answer body) for any HTTP answer; OSError when none came."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _answer(raw: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _claim(pk: int) -> tuple[LinkageMessage, str] | str:
    """Lock the message, count the attempt and queue the next one; or say why not now."""
    with transaction.atomic():
        msg = (
            LinkageMessage.objects.select_for_update(of=("self",))
            .filter(pk=pk, direction=Direction.OUT)
            .first()
        )
        if msg is None or msg.state not in OPEN_STATES:
            return "skipped"
        now = timezone.now()
        earlier = LinkageMessage.objects.filter(
            order=msg.order, direction=Direction.OUT, pk__lt=msg.pk, state__in=OPEN_STATES
        )
        url = peer_110().url
        if (msg.order_id is not None and earlier.exists()) or not url:
            msg.next_attempt_at = now + (WAIT_FOR_EARLIER if url else WAIT_FOR_CONFIGURATION)
            if not url:
                msg.last_error = NOT_CONFIGURED
            msg.save(update_fields=["next_attempt_at", "last_error"])
            deliver_linkage_message.using(run_after=msg.next_attempt_at).enqueue(msg.pk)
            return "waiting" if url else "not_configured"
        msg.attempts += 1
        msg.sent_at = now
        msg.next_attempt_at = now + retry_delay(msg.attempts)
        msg.save(update_fields=["attempts", "sent_at", "next_attempt_at"])
        # Queued before sending: if this worker dies, the next attempt still comes.
        deliver_linkage_message.using(run_after=msg.next_attempt_at).enqueue(msg.pk)
        return msg, url


def _record(pk: int, status: int | None, raw: bytes, error: str) -> str:
    with transaction.atomic():
        msg = LinkageMessage.objects.select_for_update(of=("self",)).get(pk=pk)
        if msg.state not in OPEN_STATES:
            return "skipped"
        order = Order.objects.get(pk=msg.order_id) if msg.order_id else None
        msg.answer_status = status
        msg.answer = raw[:2000].decode("utf-8", "replace")
        fields = ["answer_status", "answer", "state", "last_error"]
        if status is not None and 200 <= status < 300:
            peer_ref = str((_answer(raw) or {}).get("peer_ref") or "")[: protocol.MAX_REF]
            msg.state, msg.last_error, msg.peer_ref = State.ACKNOWLEDGED, "", peer_ref
            msg.acknowledged_at, msg.next_attempt_at = timezone.now(), None
            msg.save(update_fields=[*fields, "peer_ref", "acknowledged_at", "next_attempt_at"])
            if order is not None and msg.kind == Kind.TRANSFER:
                if peer_ref and not order.linkage_ref:
                    # The 110 case number is a reference, not a state: no version bump.
                    Order.objects.filter(pk=order.pk).update(linkage_ref=peer_ref)
                history.linkage_acknowledged(order, message_id=msg.message_id, peer_ref=peer_ref)
            logger.info("linkage message %s acknowledged (%s)", msg.message_id, status)
            return "acknowledged"
        if status is not None and 400 <= status < 500 and status not in RETRIED_4XX:
            msg.state, msg.next_attempt_at = State.FAILED, None
            msg.last_error = f"HTTP {status}: {error}"[:500]
            msg.save(update_fields=[*fields, "next_attempt_at"])
            if order is not None:
                event = history.linkage_failed(
                    order,
                    message_id=msg.message_id,
                    kind=msg.kind,
                    status=status,
                    error=msg.last_error,
                )
                messages.linkage_failed(order, event)
            logger.warning(
                "linkage message %s of order %s refused: HTTP %s",
                msg.message_id,
                order.number if order else "-",
                status,
            )
            return "failed"
        msg.state = State.SENT
        msg.last_error = (f"HTTP {status}: {error}" if status is not None else error)[:500]
        msg.save(update_fields=fields)
        logger.info(
            "linkage message %s not acknowledged (attempt %s), retried at %s",
            msg.message_id,
            msg.attempts,
            msg.next_attempt_at,
        )
        return "retry"


@task()
def deliver_linkage_message(message_pk: int) -> str:
    """One attempt to deliver an outbound message; see the module's docstring."""
    claimed = _claim(message_pk)
    if isinstance(claimed, str):
        return claimed
    msg, url = claimed
    peer = peer_110()
    body = msg.body.encode("utf-8")
    headers = protocol.headers(
        peer=peer.our_id, secret=peer.secret, body=body, message_id=msg.message_id, now=time.time()
    )
    status: int | None = None
    raw, error = b"", ""
    try:
        status, raw = post(url, body, headers)
        if not 200 <= status < 300:
            answer = _answer(raw) or {}
            error = str(answer.get("code") or raw[:200].decode("utf-8", "replace"))
    except (OSError, ValueError) as exc:  # no answer at all: tried again
        error = f"{type(exc).__name__}: {exc}"
    return _record(msg.pk, status, raw, error)
