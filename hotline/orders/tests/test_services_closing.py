"""`services/closing.py`: recording the callback, reopening an unsatisfied order and
closing it by decision or by rule."""

from hotline.clock import frozen_at
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.orders import services
from hotline.orders.models import Action, CloseReason, Order, Satisfaction, Status
from hotline.orders.tests.base import MON_SEP_29, OrderTestCase
from hotline.testing import aware


class CallbackTests(OrderTestCase):
    def test_satisfied_caller_closes_the_order(self):
        order = self.reply_checked_order()
        with frozen_at(aware("2025-10-09 10:00")):
            order, event = self.transition(
                lambda: services.order_record_callback(
                    order=order, actor=self.operator, satisfaction=Satisfaction.SATISFIED
                )
            )
        self.assertEqual(order.status, Status.CLOSED)
        self.assertEqual(order.close_reason, CloseReason.CALLBACK)
        self.assertEqual(order.satisfaction, Satisfaction.SATISFIED)
        self.assertEqual(order.closed_at, aware("2025-10-09 10:00"))
        self.assertEvent(
            event,
            action=Action.CALLBACK,
            actor=self.operator,
            from_status=Status.CALLBACK,
            to_status=Status.CLOSED,
        )
        self.assertEqual(event.data, {"satisfaction": "satisfied"})

    def test_basically_satisfied_caller_closes_the_order(self):
        order = services.order_record_callback(
            order=self.reply_checked_order(),
            actor=self.operator,
            satisfaction=Satisfaction.BASICALLY,
        )
        self.assertEqual(self.reload(order).status, Status.CLOSED)

    def test_unsatisfied_callback_needs_a_note_and_waits_for_the_host(self):
        order = self.reply_checked_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_record_callback(
                order=order, actor=self.operator, satisfaction=Satisfaction.UNSATISFIED
            ),
        )
        order, event = self.transition(
            lambda: services.order_record_callback(
                order=order,
                actor=self.operator,
                satisfaction=Satisfaction.UNSATISFIED,
                note="违建仍在",
            )
        )
        self.assertEqual(order.status, Status.UNSATISFIED)
        self.assertIsNone(order.closed_at)
        self.assertEqual(order.close_reason, "")
        self.assertEvent(
            event,
            action=Action.CALLBACK,
            actor=self.operator,
            from_status=Status.CALLBACK,
            to_status=Status.UNSATISFIED,
            reason="违建仍在",
        )
        self.assertEqual(self.notes(order, "unsatisfied"), [("inapp", "reviewer", None, False)])

    def test_unknown_satisfaction_is_refused(self):
        order = self.reply_checked_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_record_callback(
                order=order, actor=self.operator, satisfaction="meh"
            ),
        )

    def test_unit_cannot_record_the_callback(self):
        order = self.reply_checked_order()
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_record_callback(
                order=order, actor=self.handler_a, satisfaction=Satisfaction.SATISFIED
            ),
        )


class ReopenAndCloseTests(OrderTestCase):
    def unsatisfied_order(self, order: Order | None = None) -> Order:
        if order is None:
            order = self.reply_checked_order()
        else:
            order = services.order_reply(
                order=order, actor=self.handler_a, text="再次核查，已拆除。"
            )
            order = services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
            order = services.order_check_reply(order=order, actor=self.operator, accept=True)
        return services.order_record_callback(
            order=order, actor=self.operator, satisfaction=Satisfaction.UNSATISFIED, note="违建仍在"
        )

    def test_reviewer_reopens_an_unsatisfied_order_with_a_new_due_date(self):
        with frozen_at(aware("2025-09-26 09:00")):
            order = self.unsatisfied_order()
        with frozen_at(aware(MON_SEP_29)):
            order, event = self.transition(
                lambda: services.order_reopen(order=order, actor=self.reviewer, reason="核实未拆除")
            )
        self.assertEqual(order.status, Status.IN_PROGRESS)
        self.assertEqual(order.reopen_count, 1)
        self.assertEqual(order.satisfaction, "")
        self.assertEqual(order.lead_unit, self.unit_a)
        self.assertEqual(order.handler, self.handler_a)
        self.assertEqual(order.due_at, aware("2025-10-10 00:00"))
        self.assertEvent(
            event,
            action=Action.REOPEN,
            actor=self.reviewer,
            from_status=Status.UNSATISFIED,
            to_status=Status.IN_PROGRESS,
            reason="核实未拆除",
        )
        self.assertEqual(
            self.notes(order, "reopen"),
            [("inapp", None, "urban", False), ("sms", "urban.manager", None, False)],
        )

    def test_order_is_reopened_at_most_twice(self):
        order = self.unsatisfied_order()
        order = services.order_reopen(order=order, actor=self.reviewer, reason="第一次重办")
        order = self.unsatisfied_order(order)
        order = services.order_reopen(order=order, actor=self.reviewer, reason="第二次重办")
        self.assertEqual(order.reopen_count, 2)
        order = self.unsatisfied_order(order)
        self.assertRefused(
            WrongState,
            order,
            lambda: services.order_reopen(order=order, actor=self.reviewer, reason="第三次"),
        )
        # The host then decides to close it.
        order = services.order_close(order=order, actor=self.reviewer, reason="诉求超出政策范围")
        self.assertEqual(order.status, Status.CLOSED)

    def test_reopen_needs_a_reason_and_the_reviewer(self):
        order = self.unsatisfied_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_reopen(order=order, actor=self.reviewer, reason=""),
        )
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_reopen(order=order, actor=self.lead, reason="重办"),
        )

    def test_reviewer_closes_an_unsatisfied_order_by_decision(self):
        order = self.unsatisfied_order()
        order, event = self.transition(
            lambda: services.order_close(
                order=order, actor=self.reviewer, reason="诉求超出政策范围"
            )
        )
        self.assertEqual(order.status, Status.CLOSED)
        self.assertEqual(order.close_reason, CloseReason.HOST_DECISION)
        self.assertIsNotNone(order.closed_at)
        self.assertEvent(
            event,
            action=Action.CLOSE,
            actor=self.reviewer,
            from_status=Status.UNSATISFIED,
            to_status=Status.CLOSED,
            reason="诉求超出政策范围",
        )

    def test_operator_lead_cannot_close_an_unsatisfied_order(self):
        order = self.unsatisfied_order()
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_close(order=order, actor=self.lead, reason="联系不上"),
        )

    def test_operator_lead_closes_from_the_callback_queue_by_rule(self):
        order = self.reply_checked_order()
        order, event = self.transition(
            lambda: services.order_close(order=order, actor=self.lead, reason="三次回访均无人接听")
        )
        self.assertEqual(order.status, Status.CLOSED)
        self.assertEqual(order.close_reason, CloseReason.BY_RULE)
        self.assertEvent(
            event,
            action=Action.CLOSE,
            actor=self.lead,
            from_status=Status.CALLBACK,
            to_status=Status.CLOSED,
        )
        self.assertEqual(event.data, {"close_reason": "by_rule"})

    def test_plain_operator_cannot_close(self):
        order = self.reply_checked_order()
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_close(order=order, actor=self.operator, reason="联系不上"),
        )

    def test_close_needs_a_reason(self):
        order = self.reply_checked_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_close(order=order, actor=self.lead, reason=""),
        )

    def test_order_in_progress_cannot_be_closed(self):
        order = self.in_progress_order()
        self.assertRefused(
            WrongState,
            order,
            lambda: services.order_close(order=order, actor=self.lead, reason="结束"),
        )
