"""The screen pop on the intake screen, and the order that records the call it came from."""

from datetime import timedelta

from django.urls import reverse

from hotline import clock
from hotline.cti.models import Call
from hotline.cti.tests.base import CALLER, CtiTestCase
from hotline.orders.models import Order


class ScreenPopTests(CtiTestCase):
    def test_the_agent_sees_their_answered_call_with_the_callers_history(self):
        earlier = self.create_order(caller_phone=CALLER)
        self.answered_call(agent=self.operator)
        self.client.force_login(self.operator)
        response = self.client.get(reverse("cti:screen-pop"))
        self.assertContains(response, "138****5678")
        self.assertContains(response, "填入来电号码")
        self.assertContains(response, f'data-phone="{CALLER}"')
        self.assertContains(response, earlier.number)
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_another_agent_does_not_see_the_call(self):
        self.answered_call(agent=self.operator)
        self.client.force_login(self.lead)
        response = self.client.get(reverse("cti:screen-pop"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "5678")

    def test_an_ended_call_is_no_longer_shown(self):
        self.answered_call(agent=self.operator)
        self.record("hangup", cause="normalClearing", agent="operator")
        self.client.force_login(self.operator)
        self.assertNotContains(self.client.get(reverse("cti:screen-pop")), "5678")

    def test_it_is_refused_to_those_who_do_not_take_calls(self):
        self.client.force_login(self.handler_a)
        self.assertEqual(self.client.get(reverse("cti:screen-pop")).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("cti:screen-pop")).status_code, 302)

    def test_the_intake_screen_polls_without_a_number_in_the_address(self):
        self.client.force_login(self.operator)
        response = self.client.get(reverse("orders:intake"))
        self.assertContains(response, 'hx-get="/cti/screen-pop/"')
        self.assertContains(response, 'hx-trigger="load, every 2s"')


class OrderLinkTests(CtiTestCase):
    def intake(self, phone: str):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("orders:intake"),
            {
                "caller_phone": phone,
                "request_type": "help",
                "content": "煤气管道漏气，味道很大。",
                "outcome": "register",
            },
        )

    def test_an_order_taken_during_the_call_records_the_call(self):
        call = self.answered_call(agent=self.operator)
        self.client.force_login(self.operator)
        self.assertEqual(self.intake(CALLER).status_code, 302)
        order = Order.objects.get()
        self.assertEqual(Call.objects.get(pk=call.pk).order, order)
        # A second order in the same call does not take the call over.
        self.intake(CALLER)
        self.assertEqual(Call.objects.get(pk=call.pk).order, order)

    def test_an_order_for_another_number_or_after_the_hangup_is_not_linked(self):
        call = self.answered_call(agent=self.operator)
        self.client.force_login(self.operator)
        self.intake("13900001111")
        self.record("hangup", at=clock.now() + timedelta(seconds=1), cause="normalClearing")
        self.intake(CALLER)
        self.assertIsNone(Call.objects.get(pk=call.pk).order)
