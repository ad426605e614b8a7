"""A small call generator for the demo and the tests: it plays the call centre and posts
newCall / answer / hangup events (protocols/cti-events.md) to the platform, with waiting and
talk times as a hotline sees them. Its output names calls by id only, never by number."""

import json
import random
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

ENDPOINT = "/api/v1/cti/events"
TZ = ZoneInfo("Asia/Shanghai")
MISSED_CAUSES = ("cancel", "cancel", "noAnswer", "busy")


@dataclass
class GeneratorResult:
    calls: int = 0
    answered: int = 0
    missed: int = 0
    failed: int = 0  # events the platform did not answer 200


def _post(target: str, token: str, payload: dict[str, Any]) -> int:
    if not target.startswith(("http://", "https://")):
        raise ValueError("the target is an http(s) address")
    request = urllib.request.Request(  # noqa: S310 - an http(s) target, checked above
        target.rstrip("/") + ENDPOINT,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@dataclass
class _Player:
    target: str
    token: str
    agent: str
    realtime: bool
    speed: float
    say: Callable[[str], None]
    result: GeneratorResult

    def send(self, base: dict[str, str], event: str, at: datetime, **extra: str) -> None:
        payload = {**base, "event": event, "at": at.isoformat(timespec="seconds"), **extra}
        status = _post(self.target, self.token, payload)
        if status != 200:
            self.result.failed += 1
            self.say(f"{base['call_id']} {event}: HTTP {status}")

    def pause(self, seconds: int) -> None:
        if self.realtime:
            time.sleep(seconds / self.speed)

    def play(self, rng: random.Random, missed_share: float) -> None:
        call_id = f"gen-{uuid.uuid4().hex[:16]}"
        phone = "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))
        missed = rng.random() < missed_share
        wait = rng.randint(10, 90) if missed else rng.randint(3, 40)
        talk = 0 if missed else rng.randint(60, 420)
        now = datetime.now(TZ)
        start = now if self.realtime else now - timedelta(seconds=wait + talk + rng.randint(0, 600))
        base = {"call_id": call_id, "direction": "in", "from": phone, "to": "12345"}
        self.send(base, "newCall", start)
        self.pause(wait)
        if missed:
            cause = rng.choice(MISSED_CAUSES)
            self.send(base, "hangup", start + timedelta(seconds=wait), cause=cause)
            self.result.missed += 1
            self.say(f"{call_id} 未接（{cause}，等待 {wait} 秒）")
        else:
            answered_at = start + timedelta(seconds=wait)
            self.send(base, "answer", answered_at, agent=self.agent)
            self.pause(talk)
            self.send(
                base,
                "hangup",
                answered_at + timedelta(seconds=talk),
                agent=self.agent,
                cause="normalClearing",
                recording=f"{start:%Y/%m/%d}/{call_id}.wav",
            )
            self.result.answered += 1
            self.say(f"{call_id} 接听（等待 {wait} 秒，通话 {talk} 秒，{self.agent}）")
        self.result.calls += 1


def calls_generate(
    *,
    target: str,
    token: str,
    count: int,
    agent: str,
    missed_share: float = 0.2,
    realtime: bool = False,
    speed: float = 1.0,
    rng: random.Random | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> GeneratorResult:
    """Post `count` incoming calls. A share `missed_share` of them ends before an answer
    (the caller gives up, nobody answers, all lines busy); the others are answered by `agent`
    after 3–40 s and last 1–7 minutes. With `realtime` the events are sent as the call goes
    (durations divided by `speed`); otherwise each call is sent at once, dated in the past."""
    player = _Player(target, token, agent, realtime, speed, say, GeneratorResult())
    rng = rng or random.Random()
    for _n in range(count):
        player.play(rng, missed_share)
    return player.result
