"""The callback queue has one writer (`callbacks/queue.py`): every way into the callback state
opens the order's task and every way out of it closes the task with its outcome, so the queue,
the callback tile and the statistics never count an order that has left it (Art. 16)."""

from hotline.callbacks.models import CallbackPolicy, CallbackTask
from hotline.callbacks.services import callback_not_reached, callback_queue, callbacks_auto_close
from hotline.clock import frozen_at
from hotline.orders import services
from hotline.orders.models import Order, Status
from hotline.testing import BaseTestCase, aware


class CallbackTaskLifecycleTests(BaseTestCase):
    def in_callback(self, *, request_type: str = "help") -> Order:
        with frozen_at(aware("2025-10-09 10:00")):
            order = self.reply_checked_order(request_type=request_type)
        task = CallbackTask.objects.get(order=order)
        self.assertEqual((task.closed_at, task.outcome), (None, CallbackTask.Outcome.OPEN))
        return order

    def assertTaskClosed(self, order: Order, outcome: str) -> None:
        task = CallbackTask.objects.get(order=order)
        self.assertIsNotNone(task.closed_at)
        self.assertEqual(task.outcome, outcome)
        self.assertNotIn(task, callback_queue(user=self.operator))
        self.assertFalse(
            CallbackTask.objects.filter(order__status__in=[Status.CLOSED], closed_at=None).exists()
        )

    def test_a_rating_by_the_caller_on_the_web_closes_the_task(self):
        order = self.in_callback()
        services.order_rate_by_caller(order=order, satisfaction="satisfied")
        self.assertTaskClosed(order, CallbackTask.Outcome.RATED)

    def test_an_unsatisfied_rating_on_the_web_closes_the_task_too(self):
        order = self.in_callback()
        order = services.order_rate_by_caller(
            order=order, satisfaction="unsatisfied", comment="没修好"
        )
        self.assertEqual(order.status, Status.UNSATISFIED)
        self.assertTaskClosed(order, CallbackTask.Outcome.RATED)

    def test_the_callback_form_of_the_order_page_closes_the_task(self):
        order = self.in_callback()
        self.client.force_login(self.operator)
        response = self.client.post(
            f"/orders/{order.number}/act/callback/",
            {"callback-version": self.reload(order).version, "callback-satisfaction": "basically"},
        )
        self.assertRedirects(response, f"/orders/{order.number}/", fetch_redirect_response=False)
        self.assertTaskClosed(order, CallbackTask.Outcome.RATED)

    def test_the_operator_leads_close_closes_the_task(self):
        order = self.in_callback()
        services.order_close(order=order, actor=self.lead, reason="来电人明确表示无需回访")
        self.assertTaskClosed(order, CallbackTask.Outcome.CLOSED)

    def test_closing_by_rule_closes_the_task_with_the_rules_outcome(self):
        for outcome in (CallbackTask.Outcome.UNREACHABLE, CallbackTask.Outcome.AUTO_CLOSED):
            with self.subTest(outcome=outcome):
                order = self.in_callback()
                services.order_close_by_rule(order=order, reason="按规则办结", outcome=outcome)
                self.assertTaskClosed(order, outcome)

    def test_three_failed_tries_close_the_order_and_its_task_as_unreachable(self):
        order = self.in_callback()
        for day in ("2025-10-10 10:00", "2025-10-11 10:00", "2025-10-12 10:00"):
            with frozen_at(aware(day)):
                task = callback_not_reached(order=order, actor=self.operator, note="无人接听")
        self.assertEqual((task.attempts, task.outcome), (3, CallbackTask.Outcome.UNREACHABLE))
        self.assertEqual(self.reload(order).status, Status.CLOSED)
        self.assertTaskClosed(order, CallbackTask.Outcome.UNREACHABLE)

    def test_the_periodic_close_closes_the_task(self):
        CallbackPolicy.objects.update_or_create(
            pk=1, defaults={"required_types": [], "sample_percent": 0}
        )
        order = self.in_callback(request_type="consult")
        self.assertFalse(CallbackTask.objects.get(order=order).required)
        with frozen_at(aware("2025-10-20 10:00")):
            self.assertEqual(callbacks_auto_close(), 1)
        self.assertTaskClosed(order, CallbackTask.Outcome.AUTO_CLOSED)

    def test_a_reopened_order_coming_back_opens_its_task_again(self):
        order = self.in_callback()
        order = services.order_record_callback(
            order=order, actor=self.operator, satisfaction="unsatisfied", note="没修好"
        )
        order = services.order_reopen(order=order, actor=self.reviewer, reason="请彻底整改")
        order = services.order_reply(order=order, actor=self.handler_a, text="已彻底整改。")
        order = services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
        services.order_check_reply(order=order, actor=self.operator, accept=True)
        task = CallbackTask.objects.get(order=order)
        self.assertEqual((task.closed_at, task.outcome, task.attempts), (None, "", 0))

    def test_a_rule_close_names_a_rules_outcome(self):
        order = self.in_callback()
        with self.assertRaises(ValueError):
            services.order_close_by_rule(
                order=order, reason="x", outcome=CallbackTask.Outcome.RATED
            )
        self.assertEqual(self.reload(order).status, Status.CALLBACK)
