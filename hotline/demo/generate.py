"""Demo data: accounts for every role and a month of realistic orders in every state.

Orders are made from the labelled example requests in `data/requests.jsonl` and driven
through the real service functions, each step at its own moment in the past (`clock.frozen_at`),
so the demo's history, deadlines and overdue flags are what the platform itself produced.
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
from hotline.accounts.roles import MACHINE_ROLES, Role
from hotline.accounts.services import account_create
from hotline.catalogue.models import (
    Category,
    EmergencySituation,
    ExclusionReason,
    MajorIncidentKind,
    RequestType,
)
from hotline.incidents.models import DutyContact, Incident
from hotline.incidents.services import incident_acknowledge
from hotline.knowledge.services import knowledge_load_demo
from hotline.orders import services
from hotline.orders.models import Channel, Order, Satisfaction, Status
from hotline.units.models import MEMBER_KINDS, Place, Unit

DATA = Path(__file__).resolve().parent / "data" / "requests.jsonl"
DEMO_PASSWORD = "demo12345"

CENTRE_ACCOUNTS = [
    ("operator", [Role.OPERATOR], "callcenter", "话务员 王敏"),
    ("lead", [Role.OPERATOR_LEAD], "callcenter", "班长 李娜"),
    ("reviewer", [Role.REVIEWER], "infocenter", "审核员 赵强"),
    ("supervisor", [Role.SUPERVISOR], "office", "主管 陈静"),
    ("auditor", [Role.AUDITOR], "office", "审计 刘洋"),
    ("sysadmin", [Role.SYSADMIN], "infocenter", "系统管理员"),
    ("secadmin", [Role.SECADMIN], "infocenter", "安全管理员"),
    ("desk110", [Role.LINKAGE], "police", "110报警服务台接口"),
    ("cti", [Role.CTI], "callcenter", "呼叫中心接口（话务事件，hotline cti_calls 演示）"),
]
UNIT_ACCOUNTS = [
    ("handler", Role.HANDLER, "承办人"),
    ("manager", Role.MANAGER, "负责人"),
    ("leader", Role.LEADER, "分管领导"),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅文斌晓东海燕玉兰志刚"


@dataclass
class DemoSummary:
    accounts_created: int
    orders_created: int


def demo_accounts() -> int:
    """Create the demo accounts that do not exist yet (password `demo12345`)."""
    units = {unit.code: unit for unit in Unit.objects.all()}
    existing = set(User.objects.values_list("username", flat=True))
    created = 0
    for username, roles, unit_code, name in CENTRE_ACCOUNTS:
        if username not in existing:
            phone = "13900000001" if username == "reviewer" else ""
            machine = bool(set(roles) & MACHINE_ROLES)
            account_create(
                username=username,
                roles=roles,
                unit=units[unit_code],
                # A machine account has no password: it uses a token (`hotline apitoken`).
                password=None if machine else DEMO_PASSWORD,
                display_name=name,
                phone=phone,
            )
            created += 1
    for index, unit in enumerate(u for u in units.values() if u.kind in MEMBER_KINDS):
        for suffix, role, label in UNIT_ACCOUNTS:
            username = f"{unit.code}.{suffix}"
            if username not in existing:
                phone = f"139{index:04d}{len(suffix):04d}" if role == Role.MANAGER else ""
                account_create(
                    username=username,
                    roles=[role],
                    unit=unit,
                    password=DEMO_PASSWORD,
                    display_name=f"{unit.name}{label}",
                    phone=phone,
                )
                created += 1
    return created


def demo_account_lines() -> list[str]:
    lines = [
        f"  {username:<22} {name}"
        + (
            f"（机器账户，不能登录网页；接口令牌用 hotline apitoken {username} 签发）"
            if set(roles) & MACHINE_ROLES
            else ""
        )
        for username, roles, _unit, name in CENTRE_ACCOUNTS
    ]
    lines.append(
        "  <单位代码>.handler / .manager / .leader  每个成员单位的承办人、负责人、分管领导，例如 urban.handler"
    )
    return lines


class _Story:
    """Drives one order through its life, one step at a time, never past the present."""

    def __init__(self, rng: random.Random, start: datetime, end: datetime) -> None:
        self.rng, self.at, self.end = rng, start, end

    def step(self, low_minutes: float, high_minutes: float) -> bool:
        """Advance the story's clock; False when the next step would lie in the future."""
        self.at += timedelta(minutes=self.rng.uniform(low_minutes, high_minutes))
        return self.at < self.end


class DemoOrders:
    def __init__(self, seed: int = 12345) -> None:
        self.rng = random.Random(seed)
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
            f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}" for _ in range(260)
        ]
        self.now = timezone.now()

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

    def _start(self, max_days: float, min_days: float = 0.0) -> datetime:
        moment = self.now - timedelta(days=self.rng.uniform(min_days, max_days))
        local = timezone.localtime(moment)
        # Calls come mostly in the daytime.
        hour = self.rng.choice([8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17, 19, 21])
        moment = local.replace(hour=hour, minute=self.rng.randrange(60))
        return min(moment, self.now - timedelta(minutes=5))

    # --- the stories ---

    def make(self, count: int) -> int:
        made = 0
        for index in range(count):
            record = self.records[index % len(self.records)]
            with transaction.atomic():
                self._one(record)
            made += 1
        return made

    def _one(self, record: dict) -> Order:
        rng, op, lead, reviewer = (
            self.rng,
            self.users["operator"],
            self.users["lead"],
            self.users["reviewer"],
        )
        unit = self.units.get(record["unit"]) if record["unit"] else None
        # How far the story should go: early stages for recent calls, closed for older ones.
        target = rng.choices(
            [
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
            ],
            weights=[2, 2, 4, 7, 18, 3, 5, 5, 10, 3, 38, 3],
        )[0]
        max_age = {
            "received": 0.1,
            "accepted": 0.2,
            "review": 1,
            "dispatched": 2,
            "in_progress": 9,
            "return": 3,
        }.get(target, 30)
        story = _Story(rng, self._start(max_age, min_days=0 if max_age < 5 else 2), self.now)
        name, phone = self._caller()
        text = record["text"]
        emergency = record.get("emergency") or None
        with clock.frozen_at(story.at):
            order = services.order_create(
                actor=op,
                channel=rng.choices([Channel.PHONE, Channel.WEB], weights=[85, 15])[0]
                if not emergency
                else Channel.PHONE,
                request_type=self.types[record["type"]],
                content=text,
                caller_name=name if rng.random() < 0.85 else "",
                caller_phone=phone,
                category=self._category(text, unit),
                place=self._place(text, unit),
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
                    Order.objects.filter(
                        status__in=[Status.IN_PROGRESS, Status.DISPATCHED], lead_unit=unit
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
            if unit is None or (record["type"] == "consult" and rng.random() < 0.5):
                return services.order_answer(
                    order=order,
                    actor=op,
                    answer="已依据知识库向来电人解答，来电人表示清楚。",
                    knowledge_ref="KB",
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
            with clock.frozen_at(story.at):
                order = services.order_urge(
                    order=order, actor=op, note="来电人再次来电催问办理进度。"
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
            if rng.random() < 0.05:
                order = services.order_check_reply(
                    order=order,
                    actor=op,
                    accept=False,
                    reason="答复仅引用政策条文，未说明实际处理情况，请重新办理。",
                )
                return order
            order = services.order_check_reply(order=order, actor=op, accept=True)
        if target == "callback" or not at(60 * 2, 60 * 30):
            return order
        with clock.frozen_at(story.at):
            if target == "unsatisfied":
                return services.order_record_callback(
                    order=order,
                    actor=op,
                    satisfaction=Satisfaction.UNSATISFIED,
                    note="来电人表示问题仍未解决。",
                )
            satisfaction = rng.choices(
                [Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.UNSATISFIED],
                weights=[78, 15, 7],
            )[0]
            note = "来电人表示问题仍未解决。" if satisfaction == Satisfaction.UNSATISFIED else ""
            order = services.order_record_callback(
                order=order, actor=op, satisfaction=satisfaction, note=note
            )
        if order.status == Status.UNSATISFIED and at(60, 60 * 24):
            with clock.frozen_at(story.at):
                order = services.order_close(
                    order=order, actor=reviewer, reason="经核实，诉求超出政策规定，已向来电人解释。"
                )
        return order

    def _reply_text(self, record: dict) -> str:
        kind = record["type"]
        if kind == "praise":
            return "感谢市民的肯定，已将表扬转达相关工作人员，我们将继续做好服务。"
        if kind == "suggestion":
            return "感谢您的建议，我单位已认真研究，将结合实际纳入下一步工作计划统筹推进。"
        if kind == "consult":
            return "经核实，已电话联系来电人，就所询问政策和办理流程作了详细解答。"
        return "接件后我单位立即安排工作人员到现场核实处理，问题已整改完毕，并已电话告知来电人处理结果。"


def demo_load(*, orders: int = 400) -> DemoSummary:
    """Accounts, the knowledge base and orders for the demo; running it again adds nothing."""
    accounts = demo_accounts()
    if not DutyContact.objects.exists():
        # The host unit's duty list for Art. 17 alerts: the reviewer, then the supervisor.
        for position, username in enumerate(("reviewer", "supervisor"), start=1):
            DutyContact.objects.create(position=position, user=User.objects.get(username=username))
    knowledge_load_demo()
    made = 0
    if not Order.objects.exists():
        made = DemoOrders().make(orders)
        # The month's earlier major incidents were seen to at the time: only a fresh one
        # (the last day) waits for the host unit's acknowledgement on the demo's banner.
        reviewer = User.objects.get(username="reviewer")
        earlier = clock.now() - timedelta(days=1)
        for incident in Incident.objects.filter(
            opened_at__lt=earlier, alerts__acknowledged_at__isnull=True
        ).distinct():
            with clock.frozen_at(incident.opened_at + timedelta(minutes=4)):
                incident_acknowledge(incident=incident, actor=reviewer)
    return DemoSummary(accounts_created=accounts, orders_created=made)
