"""The personas plus a second operator and a second lead, the call centre's machine account,
and helpers that build calls and orders at chosen moments through the real services."""

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.cti.models import Call
from hotline.cti.protocol import CtiEventIn
from hotline.cti.services import cti_event_record
from hotline.orders.models import Order
from hotline.orders.services import order_create
from hotline.quality.models import Check, Sample, Sheet
from hotline.quality.services import quality_check_score, quality_sample_draw
from hotline.testing import PASSWORD, BaseTestCase, aware
from hotline.units.models import Unit

# A Monday; its week ends on Sunday 2026-11-22 at 24:00 local time.
WEEK = date(2026, 11, 16)
AFTER_WEEK = aware("2026-11-24 09:00")
CALLER = "13812345678"
CALLER_NAME = "张三"
DEFAULT_ITEMS = [
    {"code": "greeting", "label": "服务用语", "max_points": 15},
    {"code": "record", "label": "记录准确", "max_points": 25},
    {"code": "routing", "label": "派单准确", "max_points": 25},
    {"code": "policy", "label": "政策解答准确", "max_points": 25},
    {"code": "manners", "label": "服务态度", "max_points": 10},
]
FULL_MARKS = {item["code"]: item["max_points"] for item in DEFAULT_ITEMS}
_call_ids = itertools.count(1)


class QualityTestCase(BaseTestCase):
    operator2: User
    lead2: User
    cti: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        centre = Unit.objects.get(code="callcenter")
        cls.operator2 = account_create(
            username="operator2", roles=[Role.OPERATOR], unit=centre, password=PASSWORD
        )
        cls.lead2 = account_create(
            username="lead2", roles=[Role.OPERATOR_LEAD], unit=centre, password=PASSWORD
        )
        cls.cti = account_create(username="cti", roles=[Role.CTI], unit=centre)
        # The data migration's sheet, again after a test that emptied the tables.
        Sheet.objects.get_or_create(
            version=1, defaults={"name": "话务质检评分表", "items": DEFAULT_ITEMS}
        )

    def call(
        self, *, agent: User, at: datetime, talk: int = 120, recording: str = "", **extra: Any
    ) -> Call:
        """An incoming call that rang at `at`, was answered 5 s later by `agent` and lasted
        `talk` seconds."""
        call_id = f"q-{next(_call_ids)}"
        answer = at + timedelta(seconds=5)

        def event(kind: str, when: datetime, **more: Any) -> Call:
            body = {
                "event": kind,
                "call_id": call_id,
                "direction": "in",
                "from": CALLER,
                "to": "12345",
                "at": when.isoformat(),
                **more,
            }
            return cti_event_record(actor=self.cti, event=CtiEventIn.model_validate(body)).call

        event("newCall", at)
        event("answer", answer, agent=agent.username)
        return event(
            "hangup", answer + timedelta(seconds=talk), cause="normalClearing", recording=recording
        )

    def order_by(self, operator: User, *, at: datetime, **kwargs: Any) -> Order:
        kwargs.setdefault("caller_name", CALLER_NAME)
        kwargs.setdefault("caller_phone", CALLER)
        return order_create(
            actor=operator,
            channel="phone",
            request_type=kwargs.pop("request_type", "help"),
            content=kwargs.pop("content", "小区门口路灯不亮，晚上出行不便。"),
            now=at,
            **kwargs,
        )

    def draw(self, week: date = WEEK, *, actor: User | None = None) -> Sample:
        return quality_sample_draw(week_start=week, actor=actor or self.lead, now=AFTER_WEEK)

    def score(self, check: Check, *, actor: User | None = None, **points: int) -> Check:
        scores = {**FULL_MARKS, **points}
        return quality_check_score(
            check=check, actor=actor or self.lead, scores=scores, comment="", now=AFTER_WEEK
        )
