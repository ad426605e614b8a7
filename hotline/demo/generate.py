"""Demo data: four months of realistic history in every state, on the demo's accounts
(`accounts`).

Orders are made from the labelled example requests in `data/requests.jsonl` and driven
through the real service functions, each step at its own moment in the past (`clock.frozen_at`),
so the demo's history, deadlines and overdue flags are what the platform itself produced. The
calls behind them are reported through the call centre's entry point (`calls`), answered by
six operators on two shifts (`seats`); the callbacks, missed calls returned and a
commissioned survey in progress (`survey`) are recorded through their services as well.

Volume follows a hotline's rhythm: weekdays busier than weekends, peaks in the late morning
and afternoon, and two hotspots for the early warning — heating complaints since the heating
season began, rising in the last week, and a water outage in one community in the last two
days.
"""

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from hotline import clock
from hotline.accounts.models import User
from hotline.callbacks.models import CallbackTask
from hotline.callbacks.queue import callback_policy
from hotline.callbacks.services import callback_not_reached, callback_reached
from hotline.catalogue.models import (
    Category,
    EmergencySituation,
    ExclusionReason,
    MajorIncidentKind,
    RequestType,
)
from hotline.demo.accounts import demo_accounts
from hotline.demo.calls import DemoCalls
from hotline.demo.seats import Roster
from hotline.demo.survey import demo_survey
from hotline.incidents.models import DutyContact, Incident
from hotline.incidents.services import incident_acknowledge
from hotline.knowledge.demo import knowledge_searches_load_demo
from hotline.knowledge.search import knowledge_search
from hotline.knowledge.services import knowledge_load_demo
from hotline.orders import services
from hotline.orders.models import Channel, Order, Satisfaction, Status
from hotline.quality.demo import quality_load_demo
from hotline.stats.demo import stats_load_demo
from hotline.units.models import Place, Unit

DATA = Path(__file__).resolve().parent / "data" / "requests.jsonl"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅文斌晓东海燕玉兰志刚"


DEFAULT_ORDERS = 1000
DEFAULT_DAYS = 120
# Relative volume by local weekday (Monday first) and by local hour.
WEEKDAY_WEIGHTS = (1.15, 1.05, 1.0, 1.0, 0.95, 0.65, 0.6)
HOUR_WEIGHTS = (
    *(0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5),
    *(4, 7, 8, 7, 4, 4.5, 6.5, 7),
    *(6, 5, 3.5, 4, 4, 3, 1.8, 1),
)
HEATING_SHARE, OUTAGE_SHARE = 0.05, 0.02
OUTAGE_PLACE = "常乐社区"
# Orders still in the works at the moment of the demo, one story per state and started early
# enough for it to reach that state (days ago), whatever the order count.
IN_FLIGHT = [
    ("received", 0.0, 0.05),
    ("accepted", 0.0, 0.1),
    ("review", 0.1, 0.6),
    ("dispatched", 0.1, 0.4),
    ("return", 2, 3),
    ("in_progress", 1, 6),
    ("reply", 25, 40),
    ("check", 25, 40),
    ("callback", 25, 40),
    ("unsatisfied", 25, 40),
    ("merged", 0.1, 0.5),
]


@dataclass
class DemoSummary:
    accounts_created: int
    orders_created: int
    calls_created: int = 0


class _Story:
    """Drives one order through its life, one step at a time, never past the present."""

    def __init__(self, rng: random.Random, start: datetime, end: datetime) -> None:
        self.rng, self.at, self.end = rng, start, end

    def step(self, low_minutes: float, high_minutes: float) -> bool:
        """Advance the story's clock; False when the next step would lie in the future."""
        self.at += timedelta(minutes=self.rng.uniform(low_minutes, high_minutes))
        return self.at < self.end


class DemoOrders:
    def __init__(self, seed: int = 12345, days: int = DEFAULT_DAYS) -> None:
        self.rng = random.Random(seed)
        self.days = days
        self.records = [
            json.loads(line)
            for line in DATA.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        self.units = {unit.code: unit for unit in Unit.objects.all()}
        self.types = {rtype.code: rtype for rtype in RequestType.objects.all()}
        self.places = list(Place.objects.select_related("unit"))
        self.categories = list(
            Category.objects.filter(parent__isnull=False).select_related("parent", "lead_unit")
        )
        self.users = {user.username: user for user in User.objects.all()}
        self.phones = [
            f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}" for _ in range(900)
        ]
        self.now = clock.now()
        self.roster = Roster(self.rng)
        self.calls = DemoCalls(self.rng, self.roster, self.users["cti"], self.now)
        self.policy = callback_policy()

    # --- picking realistic details ---

    def _caller(self) -> tuple[str, str]:
        name = self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
        )
        return name, self.rng.choice(self.phones)

    def _place(self, text: str, unit: Unit | None) -> Place | None:
        for place in self.places:
            if place.name in text:
                return place
        if unit is not None and unit.kind == "territorial":
            own = [p for p in self.places if p.unit_id == unit.pk]
            return self.rng.choice(own) if own else None
        return self.rng.choice(self.places) if self.rng.random() < 0.6 else None

    def _category(self, text: str, unit: Unit | None) -> Category | None:
        if unit is None:
            return None
        if unit.kind == "territorial":
            pool = [c for c in self.categories if c.parent is not None and c.parent.code == "local"]
        else:
            pool = [
                c for c in self.categories if c.parent is not None and c.parent.code == unit.code
            ]
        if not pool:
            return None
        scored = sorted(pool, key=lambda c: -sum(ch in text for ch in c.name))
        return scored[0]

    def _user(self, unit: Unit, suffix: str) -> User:
        return self.users[f"{unit.code}.{suffix}"]

    def _on_duty(self, moment: datetime, order: Order | None = None) -> User:
        """The seat on duty; a confidential order stays with the operator who recorded it
        (Art. 23: only its recorder and tracker see it)."""
        if order is not None and order.is_confidential and order.created_by is not None:
            return order.created_by
        return self.roster.on_duty(moment)[1]

    def _start(self, max_days: float, min_days: float = 0.0) -> datetime:
        """A moment between `min_days` and `max_days` ago, weighted by weekday and hour."""
        while True:
            moment = self.now - timedelta(days=self.rng.uniform(min_days, max_days))
            local = timezone.localtime(moment)
            if self.rng.random() * max(WEEKDAY_WEIGHTS) > WEEKDAY_WEIGHTS[local.weekday()]:
                continue
            hour = self.rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            moment = local.replace(hour=hour, minute=self.rng.randrange(60))
            if max_days < 0.3:  # in the last hours: keep it there, whatever the hour
                return min(max(moment, self.now - timedelta(days=max_days)), self._latest())
            if moment <= self._latest():
                return moment

    def _latest(self) -> datetime:
        return self.now - timedelta(minutes=5)

    def _heating_season_start(self) -> datetime | None:
        """15 November of the current heating season (which ends 15 March), or None outside it."""
        local = timezone.localtime(self.now)
        year = local.year if local.month >= 11 else local.year - 1
        start = local.replace(year=year, month=11, day=15, hour=0, minute=0, second=0)
        season_end = start.replace(year=year + 1, month=3, day=15)
        return start if start <= local < season_end else None

    # --- planning: which request starts when ---

    def plan(self, count: int) -> list[tuple[dict, datetime, str | None]]:
        """(record, start, target) for `count` orders: the rest of the period first, then the
        hotspots, then the orders in flight (last, so that a merge finds its earlier order)."""
        flight = self._in_flight(count)[:count]
        hotspots = self._hotspots(count)[: count - len(flight)]
        season = self._heating_season_start()
        season_day = season.date() if season is not None else None
        rest: list[tuple[dict, datetime, str | None]] = []
        index = 0
        while len(rest) < count - len(flight) - len(hotspots):
            record = self.records[index % len(self.records)]
            index += 1
            start = self._start(self.days)
            if record["unit"] == "heating" and (
                season_day is None or timezone.localtime(start).date() < season_day
            ):
                continue  # no heating complaints before the heating season
            rest.append((record, start, None))
        return rest + hotspots + flight

    def _in_flight(self, count: int) -> list[tuple[dict, datetime, str | None]]:
        """One order per state still in the works (more for a larger demo), each from a
        request whose path leads there: reviewed types for the review, directly dispatched
        ones for the rest; a merge repeats the request in progress."""

        def plain(record: dict) -> bool:
            return bool(
                record["accept"]
                and record["unit"]
                and record["type"] != "consult"
                and not record.get("emergency")
                and not record.get("major_incident")
            )

        direct = [r for r in self.records if plain(r) and not self.types[r["type"]].needs_review]
        reviewed = [r for r in self.records if plain(r) and self.types[r["type"]].needs_review]
        plan: list[tuple[dict, datetime, str | None]] = []
        for repeat in range(max(1, count // 400)):
            in_progress = direct[(repeat * 13) % len(direct)]
            for number, (target, low, high) in enumerate(IN_FLIGHT):
                pool = reviewed if target == "review" else direct
                record = pool[(repeat * 31 + number * 7) % len(pool)]
                if target in ("in_progress", "merged"):
                    record = in_progress
                plan.append((record, self._start(high, min_days=low), target))
        return plan

    def _hotspots(self, count: int) -> list[tuple[dict, datetime, str | None]]:
        """Heating complaints since the heating season began, half of them in the last week (a
        cold wave), and a water outage in one community in the last two days."""
        heating = [r for r in self.records if r["unit"] == "heating" and not r.get("emergency")]
        outage = [r for r in self.records if "停水" in r["text"] and r["unit"] == "watersupply"]
        plan: list[tuple[dict, datetime, str | None]] = []
        season = self._heating_season_start()
        if season is not None and heating:
            since = max(0.5, (self.now - season).total_seconds() / 86400)
            for n in range(int(count * HEATING_SHARE)):
                span = min(since, 7) if n % 2 else since
                plan.append((heating[n % len(heating)], self._start(span), None))
        for n in range(int(count * OUTAGE_SHARE) if outage else 0):
            plan.append((outage[n % len(outage)], self._start(2), "outage"))
        return plan

    def make(self, count: int) -> int:
        made = 0
        for record, start, target in self.plan(count):
            with transaction.atomic():
                self._one(record, start, target)
            made += 1
        return made

    def abandoned_calls(self) -> int:
        """Calls that ended before an answer: about 4% of the incoming calls, at the hours
        calls come in; most returned by the seat on duty."""
        answered = self.calls.counts.inbound
        count = round(answered * 0.04 / 0.96)
        for _n in range(count):
            with transaction.atomic():
                self.calls.abandoned(phone=self.rng.choice(self.phones), at=self._start(self.days))
        return count

    # --- the stories ---

    def _target(self, start: datetime) -> str:
        """How far the story should go: anything for recent calls, closed for older ones."""
        age = (self.now - start).total_seconds() / 86400
        targets = [
            "received",
            "accepted",
            "review",
            "dispatched",
            "in_progress",
            "return",
            "reply",
            "check",
            "callback",
            "unsatisfied",
            "closed",
            "merged",
        ]
        if age > 20:  # long since done; a few stubborn ones still open
            weights = [0, 0, 0, 0, 1.5, 0, 0, 0, 0, 0.5, 92, 3]
        else:
            weights = [0, 0, 1, 2, 14, 2, 3, 3, 6, 2, 60, 3]
        return self.rng.choices(targets, weights=weights)[0]

    def _one(self, record: dict, start: datetime, planned: str | None) -> Order:
        rng, lead, reviewer = self.rng, self.users["lead"], self.users["reviewer"]
        unit = self.units.get(record["unit"]) if record["unit"] else None
        target = planned if planned not in (None, "outage") else self._target(start)
        story = _Story(rng, start, self.now)
        seat, op = self.roster.on_duty(story.at)
        name, phone = self._caller()
        text = record["text"]
        emergency = record.get("emergency") or None
        channel = (
            rng.choices([Channel.PHONE, Channel.WEB], weights=[85, 15])[0]
            if not emergency and planned != "outage"
            else Channel.PHONE
        )
        place = self._place(text, unit)
        if planned == "outage":
            place = next((p for p in self.places if p.name == OUTAGE_PLACE), place)
        open_call = None
        if channel == Channel.PHONE:
            open_call = self.calls.answered_in(seat=seat, agent=op, phone=phone, order_at=story.at)
        with clock.frozen_at(story.at):
            order = services.order_create(
                actor=op,
                channel=channel,
                request_type=self.types[record["type"]],
                content=text,
                caller_name=name if rng.random() < 0.85 else "",
                caller_phone=phone,
                category=self._category(text, unit),
                place=place,
                is_confidential=record["type"] == "report" and rng.random() < 0.5,
                emergency_situation=EmergencySituation.objects.filter(
                    pk=emergency["situation"]
                ).first()
                if emergency
                else None,
                rescue_lines=emergency["lines"] if emergency else (),
                major_incident=MajorIncidentKind.objects.filter(pk=record["major_incident"]).first()
                if record.get("major_incident")
                else None,
            )
        if open_call is not None:
            self.calls.order_taken(open_call=open_call, agent=op, order=order)

        def at(low: float, high: float) -> bool:
            return story.step(low, high)

        if target == "received" or not at(1, 4):
            return order
        with clock.frozen_at(story.at):
            if not record["accept"]:
                exclusion = ExclusionReason.objects.get(pk=record["exclusion"])
                if order.request_type.needs_review:
                    # A complaint or report is declined by the host unit's review (Art. 14(2)).
                    order = services.order_submit_for_review(
                        order=order,
                        actor=op,
                        opinion=f"建议不予受理：{exclusion.name}",
                        proposed_exclusion=exclusion,
                    )
                    return services.order_not_accept(
                        order=order, actor=reviewer, exclusion=exclusion
                    )
                return services.order_not_accept(order=order, actor=op, exclusion=exclusion)
            if target == "merged":
                earlier = (
                    # One the operator sees: never a confidential order of someone else (Art. 23).
                    Order.objects.filter(
                        status__in=[Status.IN_PROGRESS, Status.DISPATCHED],
                        lead_unit=unit,
                        is_confidential=False,
                    )
                    .exclude(pk=order.pk)
                    .first()
                )
                if earlier is not None and order.request_type.needs_review:
                    order = services.order_submit_for_review(
                        order=order,
                        actor=op,
                        opinion=f"建议并入工单 {earlier.number}",
                        proposed_merge_into=earlier,
                    )
                    return services.order_merge(
                        order=order, into=earlier, actor=reviewer, note="同一事项重复来电"
                    )
                if earlier is not None:
                    return services.order_merge(
                        order=order, into=earlier, actor=op, note="同一事项重复来电"
                    )
            # Some operators answer more consultations at once from the knowledge base.
            if unit is None or (
                record["type"] == "consult" and rng.random() < min(0.9, 0.5 * seat.at_once)
            ):
                # The entry the operator answered from, as the intake screen records it; a few
                # answers are given without one (the gaps of /knowledge/use/).
                found = knowledge_search(query=text, limit=1) if rng.random() < 0.85 else []
                return services.order_answer(
                    order=order,
                    actor=op,
                    answer=found[0].answer if found else "已向来电人解答，来电人表示清楚。",
                    knowledge_ref=found[0].ref if found else "",
                )
            if order.request_type.needs_review:
                order = services.order_submit_for_review(
                    order=order,
                    actor=op,
                    opinion=f"经初步核实，建议转{unit.name}办理。",
                    proposed_unit=unit,
                )
                if target == "review" or not at(20, 240):
                    return order
                with clock.frozen_at(story.at):
                    order = services.order_review_approve(
                        order=order, actor=reviewer, lead_unit=unit
                    )
            else:
                order = services.order_accept(order=order, actor=op)
                if target == "accepted" or not at(1, 10):
                    return order
                with clock.frozen_at(story.at):
                    order = services.order_dispatch(order=order, actor=op, lead_unit=unit)
        if target == "dispatched" or not at(20, 900):
            return order
        with clock.frozen_at(story.at):
            order = services.order_sign(
                order=order, actor=self._user(unit, "manager"), handler=self._user(unit, "handler")
            )
        if target == "return" or (rng.random() < 0.04 and record.get("alt_units")):
            if not at(30, 300):
                return order
            with clock.frozen_at(story.at):
                other = (
                    self.units.get((record.get("alt_units") or ["district"])[0])
                    or self.units["district"]
                )
                order = services.order_return(
                    order=order,
                    actor=self._user(unit, "handler"),
                    reason="该事项不属于本单位职责。",
                    suggested_unit=other,
                )
            if target == "return" or not at(30, 240):
                return order
            with clock.frozen_at(story.at):
                decider = reviewer if order.request_type.needs_review else lead
                order = services.order_decide_return(
                    order=order,
                    actor=decider,
                    uphold=True,
                    reason="经核实属实，改派。",
                    lead_unit=other,
                )
                unit = other
            if not at(30, 600):
                return order
            with clock.frozen_at(story.at):
                order = services.order_sign(
                    order=order,
                    actor=self._user(unit, "manager"),
                    handler=self._user(unit, "handler"),
                )
        limit = max(order.limit_working_days or 1, 1)
        if order.request_type.can_extend and rng.random() < 0.12 and at(60 * 24, 60 * 24 * 3):
            with clock.frozen_at(story.at):
                if order.due_at and story.at < order.due_at:
                    order = services.order_request_extension(
                        order=order,
                        actor=self._user(unit, "handler"),
                        reason="需现场多方核实，申请延期。",
                    )
                    if at(60, 600):
                        with clock.frozen_at(story.at):
                            order = services.order_decide_extension(
                                order=order,
                                actor=reviewer,
                                approve=rng.random() < 0.8,
                                reason="同意",
                            )
        if order.due_at and rng.random() < 0.15 and at(60 * 8, 60 * 24 * limit):
            # The caller phones again to ask after it; the seat on duty urges the unit.
            self.calls.answered_without_order(phone=phone, at=story.at)
            with clock.frozen_at(story.at):
                order = services.order_urge(
                    order=order,
                    actor=self._on_duty(story.at, order),
                    note="来电人再次来电催问办理进度。",
                )
        if target == "in_progress" or not at(60 * 4, 60 * 24 * limit * 1.3):
            return order
        handler = self._user(unit, "handler")
        with clock.frozen_at(story.at):
            order = services.order_reply(order=order, actor=handler, text=self._reply_text(record))
        if target == "reply" or not at(30, 300):
            return order
        with clock.frozen_at(story.at):
            order = services.order_decide_reply(
                order=order, actor=self._user(unit, "manager"), approve=True
            )
        if target == "check" or not at(30, 480):
            return order
        with clock.frozen_at(story.at):
            checker = self._on_duty(story.at, order)
            if rng.random() < 0.05:
                order = services.order_check_reply(
                    order=order,
                    actor=checker,
                    accept=False,
                    reason="答复仅引用政策条文，未说明实际处理情况，请重新办理。",
                )
                return order
            order = services.order_check_reply(order=order, actor=checker, accept=True)
        if target == "callback" or not at(60 * 2, 60 * 30):
            return order
        order = self._callback(order, story, phone, unsatisfied=target == "unsatisfied")
        if order.status == Status.UNSATISFIED and target != "unsatisfied" and at(60, 60 * 24):
            with clock.frozen_at(story.at):
                order = services.order_close(
                    order=order, actor=reviewer, reason="经核实，诉求超出政策规定，已向来电人解释。"
                )
        return order

    def _callback(self, order: Order, story: "_Story", phone: str, *, unsatisfied: bool) -> Order:
        """The satisfaction callback (Art. 16) as the queue asks for it: an order that must be
        called back is called by the seat on duty, again another day when nobody answers (and
        closed as unreachable after the policy's tries); the others are rated by the caller
        online or closed by rule once the policy's days have passed."""
        rng = self.rng
        task = CallbackTask.objects.get(order=order)
        if not task.required and not unsatisfied:
            if rng.random() < 0.3:
                with clock.frozen_at(story.at):
                    return services.order_rate_by_caller(
                        order=order, satisfaction=self._satisfaction(), channel="web"
                    )
            closing = task.opened_at + timedelta(
                days=self.policy.auto_close_days, minutes=rng.uniform(1, 300)
            )
            if closing >= self.now:
                return order
            story.at = closing
            with clock.frozen_at(closing):
                return services.order_close_by_rule(
                    order=order,
                    reason=f"市民未在 {self.policy.auto_close_days} 天内评价，按规则办结。",
                    outcome=CallbackTask.Outcome.AUTO_CLOSED,
                )
        while True:
            agent = self._on_duty(story.at, order)
            reached = unsatisfied or rng.random() < 0.8
            self.calls.outbound(agent=agent, phone=phone, at=story.at, reached=reached)
            with clock.frozen_at(story.at + timedelta(minutes=4)):
                if reached:
                    satisfaction = Satisfaction.UNSATISFIED if unsatisfied else self._satisfaction()
                    note = (
                        "来电人表示问题仍未解决。"
                        if satisfaction == Satisfaction.UNSATISFIED
                        else ""
                    )
                    return callback_reached(
                        order=order, actor=agent, satisfaction=satisfaction, note=note
                    )
                task = callback_not_reached(order=order, actor=agent, note="无人接听")
            order.refresh_from_db()
            if order.status != Status.CALLBACK or not story.step(60 * 20, 60 * 30):
                return order

    def _satisfaction(self) -> str:
        return self.rng.choices(
            [Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.UNSATISFIED],
            weights=[78, 15, 7],
        )[0]

    def _reply_text(self, record: dict) -> str:
        kind = record["type"]
        if kind == "praise":
            return "感谢市民的肯定，已将表扬转达相关工作人员，我们将继续做好服务。"
        if kind == "suggestion":
            return "感谢您的建议，我单位已认真研究，将结合实际纳入下一步工作计划统筹推进。"
        if kind == "consult":
            return "经核实，已电话联系来电人，就所询问政策和办理流程作了详细解答。"
        return "接件后我单位立即安排工作人员到现场核实处理，问题已整改完毕，并已电话告知来电人处理结果。"


def demo_load(*, orders: int = DEFAULT_ORDERS, days: int = DEFAULT_DAYS) -> DemoSummary:
    """Accounts, the knowledge base and `days` of history for the demo (`orders` orders with
    their calls and callbacks, abandoned calls and a running survey); running it again adds
    nothing."""
    accounts = demo_accounts()
    if not DutyContact.objects.exists():
        # The host unit's duty list for Art. 17 alerts: the reviewer, then the supervisor.
        for position, username in enumerate(("reviewer", "supervisor"), start=1):
            DutyContact.objects.create(position=position, user=User.objects.get(username=username))
    knowledge_load_demo()
    made = calls = 0
    if not Order.objects.exists():
        history = DemoOrders(days=days)
        made = history.make(orders)
        history.abandoned_calls()
        demo_survey(rng=history.rng, roster=history.roster, now=history.now, dialler=history.calls)
        calls = history.calls.counts.total
        knowledge_searches_load_demo()
        quality_load_demo(now=history.now)
        # The month's earlier major incidents were seen to at the time: only a fresh one
        # (the last day) waits for the host unit's acknowledgement on the demo's banner.
        reviewer = User.objects.get(username="reviewer")
        earlier = clock.now() - timedelta(days=1)
        for incident in Incident.objects.filter(
            opened_at__lt=earlier, alerts__acknowledged_at__isnull=True
        ).distinct():
            with clock.frozen_at(incident.opened_at + timedelta(minutes=4)):
                incident_acknowledge(incident=incident, actor=reviewer)
    # The statistics' daily counts and reports: two published months for /public/, a draft.
    stats_load_demo()
    return DemoSummary(accounts_created=accounts, orders_created=made, calls_created=calls)
