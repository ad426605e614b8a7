"""Every caller of a merged request gets the result, is called back or asked to rate, and can
rate (Art. 12(6), 16); the orders tied together point at each other (issue 10, item 1)."""

from django.urls import reverse

from hotline.callbacks.models import CallbackTask
from hotline.core.errors import WrongState
from hotline.notifications.models import Notification
from hotline.orders import services
from hotline.orders.models import Action, Order, OrderEvent, Satisfaction, Status
from hotline.orders.tests.base import OrderTestCase

CALLER_B = "13900001111"
CALLER_C = "13900002222"


class MergedCallersTestCase(OrderTestCase):
    def duplicate(self, into: Order, phone: str = CALLER_B) -> Order:
        order = self.create_order(caller_phone=phone, caller_name="李四")
        services.order_merge(order=order, into=into, actor=self.operator)
        return self.reload(order)

    def accept_reply(self, order: Order) -> Order:
        order = services.order_reply(
            order=order, actor=self.handler_a, text="已现场核查并拆除违法建设。"
        )
        order = services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
        return services.order_check_reply(order=order, actor=self.operator, accept=True)

    def result_sms(self, order: Order) -> list[Notification]:
        return list(Notification.objects.filter(order=order, to_caller=True, kind="feedback"))


class ResultSharedTests(MergedCallersTestCase):
    def test_the_merged_callers_get_the_result_when_the_reply_is_accepted(self):
        main = self.in_progress_order()
        b, c = self.duplicate(main), self.duplicate(main, phone=CALLER_C)
        self.assertEqual(self.result_sms(b), [])
        self.accept_reply(main)
        for merged in (self.reload(b), self.reload(c)):
            self.assertEqual(merged.status, Status.CALLBACK)
            self.assertIsNone(merged.closed_at)
            self.assertEqual(merged.merged_into_id, main.pk)
            (sms,) = self.result_sms(merged)
            self.assertIn(merged.number, sms.body)
            self.assertIn("已现场核查并拆除违法建设", sms.body)
            task = CallbackTask.objects.get(order=merged)
            self.assertIsNone(task.closed_at)
            event = merged.events.get(action=Action.RESULT_SHARED)
            self.assertEqual(event.data, {"main": main.number})
            self.assertEqual((event.from_status, event.to_status), (Status.MERGED, Status.CALLBACK))
        self.assertEqual(len(self.result_sms(main)), 1)

    def test_a_duplicate_of_an_order_already_answered_is_told_at_once(self):
        main = self.reply_checked_order()
        b = self.duplicate(main)
        self.assertEqual(b.status, Status.CALLBACK)
        self.assertEqual(len(self.result_sms(b)), 1)
        self.assertEqual(b.result_text(), main.result_text())

    def test_a_duplicate_of_a_directly_answered_consultation_gets_that_answer(self):
        main = self.create_order(request_type="consult", content="居住证办理地点")
        main = services.order_answer(
            order=main, actor=self.operator, answer="居住证在各街道便民服务中心办理。"
        )
        b = self.duplicate(main)
        self.assertEqual(b.status, Status.CALLBACK)
        self.assertIn("便民服务中心", self.result_sms(b)[0].body)

    def test_a_duplicate_of_an_order_still_in_hand_waits_for_its_result(self):
        main = self.dispatched_order()
        b = self.duplicate(main)
        self.assertEqual(b.status, Status.MERGED)
        self.assertEqual(b.result_text(), "")
        self.assertFalse(CallbackTask.objects.filter(order=b).exists())

    def test_a_reply_sent_back_tells_the_merged_callers_nothing(self):
        main = self.in_progress_order()
        b = self.duplicate(main)
        order = services.order_reply(order=main, actor=self.handler_a, text="已处理。")
        order = services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
        services.order_check_reply(order=order, actor=self.operator, accept=False, reason="敷衍")
        self.assertEqual(self.reload(b).status, Status.MERGED)
        self.assertEqual(self.result_sms(b), [])

    def test_each_merged_caller_is_told_once_even_when_the_main_order_is_reopened(self):
        main = self.in_progress_order()
        b = self.duplicate(main)
        main = self.accept_reply(main)
        main = services.order_record_callback(
            order=main, actor=self.operator, satisfaction=Satisfaction.UNSATISFIED, note="未拆除"
        )
        main = services.order_reopen(order=main, actor=self.reviewer, reason="请彻底整改")
        self.accept_reply(main)
        self.assertEqual(len(self.result_sms(b)), 1)
        self.assertEqual(self.reload(b).events.filter(action=Action.RESULT_SHARED).count(), 1)

    def test_requests_merged_into_an_order_move_with_it_when_it_is_merged(self):
        main = self.in_progress_order()
        second = self.create_order(caller_phone=CALLER_C)
        b = self.duplicate(second)
        services.order_merge(order=second, into=main, actor=self.operator)
        self.assertEqual(self.reload(b).merged_into_id, main.pk)
        named = {e.data["merged"] for e in main.events.filter(action=Action.MERGED_IN)}
        self.assertEqual(named, {second.number, b.number})
        self.accept_reply(main)
        self.assertEqual(self.reload(b).status, Status.CALLBACK)
        self.assertEqual(self.reload(second).status, Status.CALLBACK)


class MergedCallerRatesTests(MergedCallersTestCase):
    def test_the_merged_caller_rates_the_result_and_closes_only_their_own_order(self):
        main = self.in_progress_order()
        b = self.duplicate(main)
        main = self.accept_reply(main)
        b = services.order_rate_by_caller(
            order=self.reload(b), satisfaction=Satisfaction.SATISFIED, comment="谢谢"
        )
        self.assertEqual((b.status, b.satisfaction), (Status.CLOSED, Satisfaction.SATISFIED))
        self.assertEqual(CallbackTask.objects.get(order=b).outcome, CallbackTask.Outcome.RATED)
        self.assertEqual(self.reload(main).status, Status.CALLBACK)

    def test_the_operator_calls_the_merged_caller_back(self):
        main = self.in_progress_order()
        b = self.duplicate(main)
        self.accept_reply(main)
        b = services.order_record_callback(
            order=self.reload(b), actor=self.operator, satisfaction=Satisfaction.BASICALLY
        )
        self.assertEqual(b.status, Status.CLOSED)

    def test_an_unsatisfied_merged_caller_is_reopened_on_the_main_order_only(self):
        main = self.in_progress_order()
        b = self.duplicate(main)
        self.accept_reply(main)
        b = services.order_record_callback(
            order=self.reload(b),
            actor=self.operator,
            satisfaction=Satisfaction.UNSATISFIED,
            note="仍未拆除",
        )
        error = self.assertRefused(
            WrongState,
            b,
            lambda: services.order_reopen(order=b, actor=self.reviewer, reason="重办"),
        )
        self.assertIn("主工单", str(error))
        b = services.order_close(order=b, actor=self.reviewer, reason="已在主工单重办")
        self.assertEqual(b.status, Status.CLOSED)

    def test_the_portal_offers_the_merged_caller_the_rating_form(self):
        main = self.in_progress_order()
        b = self.duplicate(main)
        self.accept_reply(main)
        self.client.post(
            reverse("portal:lookup"), {"number": b.number, "phone": CALLER_B}, REMOTE_ADDR="1.2.3.4"
        )
        page = self.client.get(reverse("portal:order", args=[b.number]))
        self.assertContains(page, "已现场核查并拆除违法建设")
        self.assertContains(page, 'name="satisfaction"')
        response = self.client.post(
            reverse("portal:rate", args=[b.number]), {"satisfaction": Satisfaction.SATISFIED}
        )
        self.assertRedirects(response, reverse("portal:rated", args=[b.number]))
        self.assertEqual(self.reload(b).satisfaction, Satisfaction.SATISFIED)


class ConnectedOrdersPageTests(MergedCallersTestCase):
    def test_the_main_order_lists_what_was_merged_and_linked_and_each_points_back(self):
        main = self.in_progress_order()
        b = self.duplicate(main)
        linked = self.create_order(content="同一地点的另一诉求")
        services.order_link_related(order=linked, other=main, actor=self.operator)
        self.client.force_login(self.operator)
        page = self.client.get(reverse("orders:detail", args=[main.number])).content.decode()
        for number in (b.number, linked.number):
            self.assertIn(f'href="{reverse("orders:detail", args=[number])}"', page)
        self.assertIn("并入本单", page)
        for other in (b, linked):
            back = self.client.get(reverse("orders:detail", args=[other.number]))
            self.assertContains(back, f'href="{reverse("orders:detail", args=[main.number])}"')

    def test_a_link_is_written_in_both_histories_once(self):
        first, second = self.create_order(), self.create_order()
        services.order_link_related(order=first, other=second, actor=self.operator)
        services.order_link_related(order=second, other=first, actor=self.operator)
        links = OrderEvent.objects.filter(action=Action.LINK)
        self.assertEqual(
            sorted((e.order_id, e.data["related"]) for e in links),
            sorted([(first.pk, second.number), (second.pk, first.number)]),
        )

    def test_the_timeline_names_the_other_order_by_number(self):
        main = self.in_progress_order()
        b = self.duplicate(main)
        self.client.force_login(self.operator)
        page = self.client.get(reverse("orders:detail", args=[b.number])).content.decode()
        timeline = page[page.index('id="h-history"') :]
        self.assertIn(main.number, timeline)
        main_page = self.client.get(reverse("orders:detail", args=[main.number])).content.decode()
        self.assertIn(b.number, main_page[main_page.index('id="h-history"') :])

    def test_a_unit_sees_the_numbers_merged_into_its_order_but_cannot_open_them(self):
        main = self.in_progress_order()
        b = self.duplicate(main)
        self.client.force_login(self.handler_a)
        page = self.client.get(reverse("orders:detail", args=[main.number])).content.decode()
        self.assertIn(b.number, page)
        self.assertNotIn(
            f'href="{reverse("orders:detail", args=[b.number])}"',
            page[: page.index('id="h-history"')],
        )
        self.assertEqual(
            self.client.get(reverse("orders:detail", args=[b.number])).status_code, 404
        )
