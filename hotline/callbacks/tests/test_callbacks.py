import re
from datetime import timedelta

from django.db import connection

from hotline.audit.models import AuditEntry
from hotline.callbacks.models import CallbackAttempt, CallbackPolicy, CallbackTask, MissedCall
from hotline.callbacks.services import (
    callback_not_reached,
    callback_queue,
    callback_reached,
    callbacks_auto_close,
    missed_call_record,
    missed_call_returned,
)
from hotline.clock import frozen_at
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.notifications.models import Notification
from hotline.orders import services
from hotline.orders.models import CloseReason, Status
from hotline.portal.links import order_from_token, portal_token
from hotline.testing import BaseTestCase, aware


class CallbackQueueTests(BaseTestCase):
    def accepted(self, *, request_type: str = "help", at: str = "2025-10-09 10:00", **kwargs):  # type: ignore[no-untyped-def]
        with frozen_at(aware(at)):
            return self.reply_checked_order(request_type=request_type, **kwargs)

    def test_accepting_a_reply_opens_a_required_callback_for_help(self):
        order = self.accepted()
        task = CallbackTask.objects.get(order=order)
        self.assertTrue(task.required)
        self.assertIn("必须回访", task.basis)
        self.assertEqual(task.opened_at, aware("2025-10-09 10:00"))

    def test_consultations_are_sampled_by_the_configured_share(self):
        CallbackPolicy.objects.update_or_create(
            pk=1, defaults={"required_types": ["complaint"], "sample_percent": 0}
        )
        self.assertFalse(
            CallbackTask.objects.get(order=self.accepted(request_type="consult")).required
        )
        CallbackPolicy.objects.filter(pk=1).update(sample_percent=100)
        self.assertTrue(
            CallbackTask.objects.get(order=self.accepted(request_type="consult")).required
        )

    def test_queue_is_oldest_first_and_puts_todays_failed_tries_last(self):
        first = self.accepted(at="2025-10-09 09:00")
        second = self.accepted(at="2025-10-09 11:00")
        third = self.accepted(at="2025-10-10 09:00")
        with frozen_at(aware("2025-10-13 09:30")):
            callback_not_reached(order=first, actor=self.operator, note="无人接听")
            queue = [task.order for task in callback_queue(user=self.operator)]
        self.assertEqual(queue, [second, third, first])

    def test_unit_staff_have_no_queue_and_cannot_record(self):
        order = self.accepted()
        self.assertEqual(callback_queue(user=self.handler_a), [])
        with self.assertRaises(NotAllowed):
            callback_not_reached(order=order, actor=self.handler_a)
        self.client.force_login(self.handler_a)
        self.assertEqual(self.client.get("/callbacks/").status_code, 404)
        self.assertEqual(self.client.get(f"/callbacks/{order.number}/").status_code, 404)

    def test_reached_caller_rates_and_the_order_closes(self):
        order = self.accepted()
        callback_reached(order=order, actor=self.operator, satisfaction="satisfied", note="")
        order = self.reload(order)
        self.assertEqual((order.status, order.satisfaction), (Status.CLOSED, "satisfied"))
        task = CallbackTask.objects.get(order=order)
        self.assertEqual(task.outcome, CallbackTask.Outcome.RATED)
        self.assertTrue(CallbackAttempt.objects.get(task=task).reached)
        self.assertEqual(callback_queue(user=self.operator), [])

    def test_three_failed_days_close_the_order_as_unreachable_and_same_day_tries_count_once(self):
        order = self.accepted()
        with frozen_at(aware("2025-10-10 09:00")):
            callback_not_reached(order=order, actor=self.operator, note="无人接听")
        with frozen_at(aware("2025-10-10 16:00")):
            task = callback_not_reached(order=order, actor=self.operator, note="关机")
        self.assertEqual(task.attempts, 1)
        with frozen_at(aware("2025-10-11 10:00")):
            callback_not_reached(order=order, actor=self.operator)
        self.assertEqual(self.reload(order).status, Status.CALLBACK)
        with frozen_at(aware("2025-10-13 10:00")):
            task = callback_not_reached(order=order, actor=self.operator)
        order = self.reload(order)
        self.assertEqual((order.status, order.close_reason), (Status.CLOSED, CloseReason.BY_RULE))
        self.assertEqual(task.outcome, CallbackTask.Outcome.UNREACHABLE)
        self.assertEqual(CallbackAttempt.objects.filter(task=task).count(), 4)
        self.assertIn("3 次回访均未接通", order.events.get(action="close").reason)
        with self.assertRaises(WrongState):
            callback_not_reached(order=order, actor=self.operator)

    def test_orders_that_need_no_call_close_by_rule_after_the_configured_days(self):
        CallbackPolicy.objects.update_or_create(
            pk=1, defaults={"required_types": [], "sample_percent": 0, "auto_close_days": 3}
        )
        order = self.accepted(at="2025-10-09 10:00")
        self.assertEqual(callbacks_auto_close(now=aware("2025-10-12 09:59")), 0)
        self.assertEqual(self.reload(order).status, Status.CALLBACK)
        self.assertEqual(callbacks_auto_close(now=aware("2025-10-12 10:00")), 1)
        order = self.reload(order)
        self.assertEqual((order.status, order.close_reason), (Status.CLOSED, CloseReason.BY_RULE))
        self.assertIsNone(order.events.get(action="close").actor)

    def test_a_rating_on_the_web_takes_the_order_out_of_the_queue(self):
        order = self.accepted()
        services.order_rate_by_caller(order=order, satisfaction="basically")
        self.assertEqual(callback_queue(user=self.operator), [])

    def test_callback_page_shows_the_number_after_an_audited_reveal(self):
        order = self.accepted()
        self.client.force_login(self.operator)
        page = f"/callbacks/{order.number}/"
        response = self.client.get(page)
        self.assertNotContains(response, "13812345678")
        self.assertContains(response, "138****5678")
        self.assertFalse(
            AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL_PERSONAL_DATA).exists()
        )  # a GET writes nothing
        response = self.client.post(page, {"reveal": "1"})
        self.assertRedirects(response, page, fetch_redirect_response=False)
        for _reload in range(3):
            self.assertContains(self.client.get(page), "13812345678")
        self.assertEqual(
            list(
                AuditEntry.objects.filter(
                    action=AuditEntry.Action.REVEAL_PERSONAL_DATA
                ).values_list("target", "reason")
            ),
            [(order.number, "满意度回访")],
        )
        events = order.events.count()
        self.assertEqual(self.reload(order).events.count(), events)  # not a transition

    def test_a_reveal_shows_the_number_only_to_whoever_revealed_it(self):
        order = self.accepted()
        self.client.force_login(self.operator)
        self.client.post(f"/callbacks/{order.number}/", {"reveal": "1"})
        self.client.force_login(self.lead)
        self.assertNotContains(self.client.get(f"/callbacks/{order.number}/"), "13812345678")

    def test_unsatisfied_without_the_callers_words_is_refused_on_the_page(self):
        order = self.accepted()
        self.client.force_login(self.operator)
        response = self.client.post(
            f"/callbacks/{order.number}/", {"reached": "1", "reached-satisfaction": "unsatisfied"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.reload(order).status, Status.CALLBACK)


class FeedbackLinkTests(BaseTestCase):
    def test_feedback_sms_carries_a_link_that_opens_the_order_for_rating(self):
        order = self.reply_checked_order()
        sms = Notification.objects.get(order=order, kind="feedback")
        # The token is signed with the second it was made in: read it from the SMS rather
        # than signing again (a second later it would differ).
        match = re.search(r"/portal/r/([^/\s]+)/", sms.body)
        assert match is not None, sms.body
        token = match.group(1)
        self.assertEqual(order_from_token(token), order)
        response = self.client.get(f"/portal/r/{token}/", follow=True)
        self.assertContains(response, "评价办理结果")
        self.client.post(f"/portal/rate/{order.number}/", {"satisfaction": "satisfied"})
        self.assertEqual(self.reload(order).status, Status.CLOSED)

    def test_a_forged_link_shows_nothing(self):
        order = self.reply_checked_order()
        response = self.client.get(f"/portal/r/{portal_token(order)}x/")
        self.assertEqual(response.status_code, 404)

    def test_confidential_feedback_sms_has_no_content_but_the_link(self):
        order = self.dispatched_order(is_confidential=True)
        # Only the manager sees an unassigned confidential order (Art. 23); they sign and assign.
        order = services.order_sign(order=order, actor=self.manager_a, handler=self.handler_a)
        order = services.order_reply(order=order, actor=self.handler_a, text="已拆除违建。")
        order = services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
        order = services.order_check_reply(order=order, actor=self.operator, accept=True)
        sms = Notification.objects.get(order=order, kind="feedback")
        self.assertNotIn("违法建设", sms.body)
        self.assertNotIn("已拆除违建", sms.body)
        self.assertIn("/portal/r/", sms.body)


class MissedCallTests(BaseTestCase):
    def test_operator_records_a_missed_call_sealed_and_masked(self):
        call = missed_call_record(
            phone="13812345678", called_at=aware("2025-10-09 10:00"), actor=self.operator
        )
        self.assertEqual(call.phone_mask, "138****5678")
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM callbacks_missedcall")
            (raw,) = cursor.fetchone()
        self.assertNotIn("13812345678", raw)

    def test_bad_phone_and_future_time_are_refused(self):
        with self.assertRaises(InvalidInput):
            missed_call_record(phone="12", called_at=aware("2025-10-09 10:00"), actor=self.operator)
        with frozen_at(aware("2025-10-09 10:00")), self.assertRaises(InvalidInput):
            missed_call_record(
                phone="13812345678",
                called_at=aware("2025-10-09 10:00") + timedelta(hours=1),
                actor=self.operator,
            )
        self.assertFalse(MissedCall.objects.exists())

    def test_a_call_is_returned_once(self):
        call = missed_call_record(
            phone="13812345678", called_at=aware("2025-10-09 10:00"), actor=self.operator
        )
        missed_call_returned(call=call, actor=self.operator, result="已受理为工单")
        with self.assertRaises(WrongState):
            missed_call_returned(call=call, actor=self.lead, result="再次回拨")

    def test_missed_call_pages_work_for_operators_only(self):
        self.client.force_login(self.operator)
        response = self.client.post(
            "/callbacks/missed/", {"phone": "13812345678", "called_at": "2025-10-09T10:00"}
        )
        self.assertRedirects(response, "/callbacks/missed/", fetch_redirect_response=False)
        call = MissedCall.objects.get()
        self.assertContains(self.client.get("/callbacks/missed/"), "13812345678")
        self.client.post(
            f"/callbacks/missed/{call.pk}/returned/", {"result": "已回拨，来电人咨询居住证"}
        )
        self.assertIsNotNone(MissedCall.objects.get().returned_at)
        self.client.force_login(self.handler_a)
        self.assertEqual(self.client.get("/callbacks/missed/").status_code, 404)
        self.assertEqual(
            self.client.post(f"/callbacks/missed/{call.pk}/returned/", {"result": "x"}).status_code,
            404,
        )
