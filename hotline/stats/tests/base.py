"""A hand-made November of orders and calls whose figures are known (Asia/Shanghai dates).

| order | received (local)  | type      | what happens                                              |
|-------|-------------------|-----------|-----------------------------------------------------------|
| o1    | 10-31 23:30       | help      | dispatched to A (October: outside the period)             |
| o2    | 11-01 00:10 (Sun) | help      | A; signed 11-02 (on time), replied 11-03 (on time), 满意   |
| o3    | 11-05 10:00 (Thu) | complaint | reviewed to A; signed 11-09 (late); replied 11-20 (late); 不满意, closed by host |
| o4    | 11-10 09:00       | consult   | answered at once from knowledge entry `kb-heating`       |
| o5    | 11-10 09:30       | consult   | answered at once, no entry                               |
| o6    | 11-11 10:00       | help      | not accepted (Art. 12)                                    |
| o7    | 11-12 10:00 (Thu) | help      | to B; B returns; upheld to A; A signs, replies on time; 基本满意 |
| o8    | 11-30 23:50 (Mon) | help      | to A; signed; never replied: overdue at 12-10 12:00       |
| o9    | 11-13 09:00       | help      | merged into o7                                           |
| o10   | 11-16 09:00 (Mon) | complaint | reviewed to A; signed; extension approved; still open, due 11-30: overdue |

Calls (incoming): 10-31 23:59 (outside); 11-02 waited 5 s talked 100 s; 11-03 waited 20 s
talked 200 s; 11-04 abandoned; 11-05 waited 15 s talked 300 s. One outbound call 11-06.
"""

from datetime import datetime, timedelta

from hotline import clock
from hotline.catalogue.models import ExclusionReason
from hotline.cti.models import Call, Direction
from hotline.orders import services
from hotline.orders.models import Order, Satisfaction
from hotline.testing import BaseTestCase, aware

NOW = aware("2026-12-10 12:00")  # in the jurisdiction's time zone


def at(text: str) -> datetime:
    return aware(f"2026-{text}".replace("T", " "))


class NovemberTestCase(BaseTestCase):
    orders: dict[str, Order]

    def setUp(self) -> None:
        super().setUp()
        # People sign in at the tests' moment: a session opened at the real time would have
        # been idle for days by NOW and be ended (accounts/sessions.py).
        self.enterContext(clock.frozen_at(NOW))

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.orders = {}
        self = cls()  # the personas' helpers are instance methods
        o = cls.orders

        def step(moment: str, call):  # type: ignore[no-untyped-def]
            with clock.frozen_at(at(moment)):
                return call()

        o["o1"] = step("10-31T23:30", lambda: self.dispatched_order())
        o["o2"] = step("11-01T00:10", lambda: self.dispatched_order())
        o["o2"] = step(
            "11-02T10:00", lambda: services.order_sign(order=o["o2"], actor=self.handler_a)
        )
        o["o2"] = step("11-03T15:00", lambda: self._replied(o["o2"]))
        o["o2"] = step(
            "11-04T10:00",
            lambda: services.order_record_callback(
                order=o["o2"], actor=self.operator, satisfaction=Satisfaction.SATISFIED
            ),
        )

        o["o3"] = step("11-05T10:00", lambda: self.dispatched_order(request_type="complaint"))
        o["o3"] = step(
            "11-09T09:00", lambda: services.order_sign(order=o["o3"], actor=self.handler_a)
        )
        o["o3"] = step("11-20T15:00", lambda: self._replied(o["o3"]))
        o["o3"] = step(
            "11-21T10:00",
            lambda: services.order_record_callback(
                order=o["o3"],
                actor=self.lead,
                satisfaction=Satisfaction.UNSATISFIED,
                note="问题仍未解决。",
            ),
        )
        o["o3"] = step(
            "11-22T10:00",
            lambda: services.order_close(order=o["o3"], actor=self.reviewer, reason="超出政策。"),
        )

        o["o4"] = step("11-10T09:00", lambda: self._answered("kb-heating"))
        o["o5"] = step("11-10T09:30", lambda: self._answered(""))
        o["o6"] = step(
            "11-11T10:00",
            lambda: services.order_not_accept(
                order=self.create_order(),
                actor=self.operator,
                exclusion=ExclusionReason.objects.order_by("pk").first(),
            ),
        )

        o["o7"] = step("11-12T10:00", lambda: self.dispatched_order(unit=self.unit_b))
        o["o7"] = step(
            "11-12T11:00", lambda: services.order_sign(order=o["o7"], actor=self.handler_b)
        )
        o["o7"] = step(
            "11-12T12:00",
            lambda: services.order_return(
                order=o["o7"], actor=self.handler_b, reason="不属于本单位职责。"
            ),
        )
        o["o7"] = step(
            "11-12T14:00",
            lambda: services.order_decide_return(
                order=o["o7"],
                actor=self.lead,
                uphold=True,
                reason="改派城管。",
                lead_unit=self.unit_a,
            ),
        )
        o["o7"] = step(
            "11-13T09:00", lambda: services.order_sign(order=o["o7"], actor=self.handler_a)
        )
        o["o9"] = step(
            "11-13T09:30",
            lambda: services.order_merge(
                order=self.create_order(), into=o["o7"], actor=self.operator
            ),
        )
        o["o7"] = step("11-13T16:00", lambda: self._replied(o["o7"]))
        o["o7"] = step(
            "11-14T10:00",
            lambda: services.order_record_callback(
                order=o["o7"], actor=self.operator, satisfaction=Satisfaction.BASICALLY
            ),
        )

        o["o8"] = step("11-30T23:50", lambda: self.dispatched_order())
        o["o8"] = step(
            "12-01T09:00", lambda: services.order_sign(order=o["o8"], actor=self.handler_a)
        )

        o["o10"] = step("11-16T09:00", lambda: self.dispatched_order(request_type="complaint"))
        o["o10"] = step(
            "11-16T10:00", lambda: services.order_sign(order=o["o10"], actor=self.handler_a)
        )
        o["o10"] = step(
            "11-17T10:00",
            lambda: services.order_request_extension(
                order=o["o10"], actor=self.handler_a, reason="需多部门会商。"
            ),
        )
        o["o10"] = step(
            "11-17T15:00",
            lambda: services.order_decide_extension(
                order=o["o10"], actor=self.reviewer, approve=True, reason="同意"
            ),
        )

        def call(start: str, *, wait: int | None, talk: int | None, direction=Direction.IN):  # type: ignore[no-untyped-def]
            begun = at(start)
            answered = wait is not None
            Call.objects.create(
                call_id=f"c-{start}",
                direction=direction,
                phone_mask="138****5678",
                agent=self.operator if answered else None,
                started_at=begun,
                rang_at=begun,
                answered_at=begun + timedelta(seconds=wait) if answered else None,
                ended_at=begun + timedelta(seconds=(wait or 0) + (talk or 30)),
                answered=answered,
                wait_seconds=wait,
                talk_seconds=talk,
            )

        call("10-31T23:59", wait=3, talk=60)
        call("11-02T10:00", wait=5, talk=100)
        call("11-03T10:00", wait=20, talk=200)
        call("11-04T10:00", wait=None, talk=None)
        call("11-05T10:00", wait=15, talk=300)
        call("11-06T10:00", wait=2, talk=50, direction=Direction.OUT)

    def _replied(self, order: Order) -> Order:
        handler = self.handler_a if order.lead_unit_id == self.unit_a.pk else self.handler_b
        manager = self.manager_a if order.lead_unit_id == self.unit_a.pk else self.manager_b
        order = services.order_reply(order=order, actor=handler, text="已现场处理完毕。")
        order = services.order_decide_reply(order=order, actor=manager, approve=True)
        return services.order_check_reply(order=order, actor=self.operator, accept=True)

    def _answered(self, knowledge_ref: str) -> Order:
        order = self.create_order(request_type="consult", category=None)
        return services.order_answer(
            order=order, actor=self.operator, answer="按政策解答。", knowledge_ref=knowledge_ref
        )
