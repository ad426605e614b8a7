"""The demo's call history, reported through the call centre's own entry point.

Every call is played as the call centre would report it: `newCall`, `answer` and `hangup`
events recorded by `cti_event_record` (as the CTI account), each dated at its moment. So the
waiting and talk times, the missed-call list and the link between a call and its order are
what the platform itself derives; nothing here writes a call row directly. An inbound call
that ends unanswered becomes a missed call on the call-back list, as it would live.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline import clock
from hotline.accounts.models import User
from hotline.callbacks.models import MissedCall
from hotline.callbacks.services import missed_call_returned
from hotline.cti.models import Call
from hotline.cti.protocol import CtiEventIn
from hotline.cti.services import call_link_order, cti_event_record
from hotline.demo.seats import Roster, Seat
from hotline.orders.models import Order

LINE = "12345"
MISSED_CAUSES = ("cancel", "cancel", "cancel", "noAnswer", "busy")
RETURN_RESULTS = (
    "已回拨，来电人诉求已登记",
    "已回拨，来电人咨询的问题已当场解答",
    "已回拨，来电人表示已另行来电反映",
    "已回拨，无人接听，已发送短信告知",
)


@dataclass
class OpenCall:
    """A call being talked on, and when it will be hung up."""

    call: Call
    hangup_at: datetime


@dataclass
class CallCounts:
    inbound: int = 0
    abandoned: int = 0
    outbound: int = 0
    returned: int = 0

    @property
    def total(self) -> int:
        return self.inbound + self.abandoned + self.outbound


class DemoCalls:
    """Plays the calls of the demo's history into the platform (see the module docstring)."""

    def __init__(self, rng: random.Random, roster: Roster, cti: User, now: datetime) -> None:
        self.rng, self.roster, self.cti, self.now = rng, roster, cti, now
        self.counts = CallCounts()
        self._serial = 0

    def _call_id(self) -> str:
        self._serial += 1
        return f"demo-{self._serial:06d}"

    def _event(
        self, call_id: str, kind: str, direction: str, phone: str, at: datetime, **extra: str
    ) -> Call:
        citizen, line = ("from", "to") if direction == "in" else ("to", "from")
        payload = {
            "event": kind,
            "call_id": call_id,
            "direction": direction,
            citizen: phone,
            line: LINE,
            "at": at,
            **extra,
        }
        return cti_event_record(actor=self.cti, event=CtiEventIn.model_validate(payload)).call

    def wait_seconds(self, seat: Seat) -> int:
        """Waiting before an answer: mostly a few seconds, a tail past 15 s, never past 40."""
        base = 3 + self.rng.expovariate(1 / 6) * seat.pickup
        return int(min(40, max(2, base)))

    def talk_seconds(self, seat: Seat, low: int = 60, high: int = 600) -> int:
        talk = self.rng.lognormvariate(5.3, 0.45) * seat.talk  # median about 200 s
        return int(min(high, max(low, talk)))

    def answered_in(self, *, seat: Seat, agent: User, phone: str, order_at: datetime) -> OpenCall:
        """An inbound call answered by `agent`, during which the order is recorded at
        `order_at`: rang and answered before it, ended after it (never after now). Returns the
        call still open; `order_taken` links it and hangs it up."""
        wait, talk = self.wait_seconds(seat), self.talk_seconds(seat)
        before = int(talk * self.rng.uniform(0.5, 0.8))
        answered_at = order_at - timedelta(seconds=before)
        rang_at = answered_at - timedelta(seconds=wait)
        call_id = self._call_id()
        with clock.frozen_at(rang_at):
            self._event(call_id, "newCall", "in", phone, rang_at)
        with clock.frozen_at(answered_at):
            call = self._event(call_id, "answer", "in", phone, answered_at, agent=agent.username)
        self.counts.inbound += 1
        hangup_at = min(answered_at + timedelta(seconds=talk), self.now - timedelta(seconds=30))
        return OpenCall(call=call, hangup_at=max(hangup_at, order_at))

    def order_taken(self, *, open_call: OpenCall, agent: User, order: Order) -> None:
        """The agent recorded `order` during the call (as the intake screen does: the order is
        linked to the call it came from), then hangs up."""
        with clock.frozen_at(order.created_at):
            call_link_order(actor=agent, order=order)
        self.hang_up(open_call, agent=agent)

    def hang_up(self, open_call: OpenCall, *, agent: User) -> None:
        call, at = open_call.call, open_call.hangup_at
        with clock.frozen_at(at):
            self._event(
                call.call_id,
                "hangup",
                call.direction,
                call.phone,
                at,
                agent=agent.username,
                cause="normalClearing",
                recording=f"{call.started_at:%Y/%m/%d}/{call.call_id}.wav",
            )

    def answered_without_order(self, *, phone: str, at: datetime) -> None:
        """An inbound call about an order already open (the caller asks after it): answered,
        no new order."""
        seat, agent = self.roster.on_duty(at)
        open_call = self.answered_in(seat=seat, agent=agent, phone=phone, order_at=at)
        self.hang_up(open_call, agent=agent)

    def abandoned(self, *, phone: str, at: datetime) -> MissedCall | None:
        """An inbound call that ended before anyone answered: the platform puts it on the
        call-back list. Most are returned by the seat on duty within two hours."""
        wait = self.rng.randint(8, 90)
        call_id = self._call_id()
        with clock.frozen_at(at):
            self._event(call_id, "newCall", "in", phone, at)
        ended = at + timedelta(seconds=wait)
        with clock.frozen_at(ended):
            call = self._event(
                call_id, "hangup", "in", phone, ended, cause=self.rng.choice(MISSED_CAUSES)
            )
        self.counts.abandoned += 1
        missed = call.missed_call
        returned_at = ended + timedelta(minutes=self.rng.uniform(5, 150))
        if missed is None or returned_at >= self.now or self.rng.random() < 0.12:
            return missed
        _seat, agent = self.roster.on_duty(returned_at)
        reached = self.outbound(
            agent=agent, phone=phone, at=returned_at, reached=self.rng.random() < 0.85
        )
        result = self.rng.choice(RETURN_RESULTS[:3] if reached else RETURN_RESULTS[3:])
        with clock.frozen_at(returned_at + timedelta(minutes=3)):
            missed_call_returned(call=missed, actor=agent, result=result)
        self.counts.returned += 1
        return missed

    def outbound(self, *, agent: User, phone: str, at: datetime, reached: bool) -> bool:
        """A call the agent makes (a callback, a missed call returned); not reached, it rings
        out without an answer. Returns `reached`."""
        call_id = self._call_id()
        with clock.frozen_at(at):
            self._event(call_id, "newCall", "out", phone, at, agent=agent.username)
        self.counts.outbound += 1
        ring = timedelta(seconds=self.rng.randint(5, 25))
        if not reached:
            with clock.frozen_at(at + ring + timedelta(seconds=20)):
                self._event(
                    call_id,
                    "hangup",
                    "out",
                    phone,
                    at + ring + timedelta(seconds=20),
                    agent=agent.username,
                    cause="noAnswer",
                )
            return reached
        answered_at = at + ring
        ended = min(
            answered_at + timedelta(seconds=self.rng.randint(45, 240)),
            max(answered_at, self.now - timedelta(seconds=30)),
        )
        with clock.frozen_at(answered_at):
            self._event(call_id, "answer", "out", phone, answered_at, agent=agent.username)
        with clock.frozen_at(ended):
            self._event(
                call_id,
                "hangup",
                "out",
                phone,
                ended,
                agent=agent.username,
                cause="normalClearing",
                recording=f"{at:%Y/%m/%d}/{call_id}.wav",
            )
        return reached
