import io
from datetime import timedelta

from django.db.models import Max, Min
from django.test import TestCase

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.callbacks.models import CallbackAttempt, MissedCall
from hotline.catalogue.services import catalogue_load
from hotline.cti.models import Call
from hotline.demo.accounts import demo_accounts
from hotline.demo.generate import OUTAGE_PLACE, OUTAGE_SHARE, demo_load
from hotline.demo.seats import SEATS, shift_of
from hotline.knowledge.models import Entry
from hotline.orders.choices import FINAL_STATES
from hotline.orders.models import Channel, Order, OrderEvent, Status
from hotline.surveys.models import Attempt, Campaign, CampaignStatus, Response, TargetStatus
from hotline.testing import aware

MOMENT = aware("2026-11-25 15:30")  # a Wednesday afternoon


class DemoHistoryTests(TestCase):
    """One small demo (`ORDERS` orders over the full period) shared by the tests below."""

    ORDERS = 240

    @classmethod
    def setUpTestData(cls):
        catalogue_load()
        # The history is built backwards from "now": a fixed moment makes it the same on
        # every run (a small demo made at another hour or day holds other states).
        with clock.frozen_at(MOMENT):
            cls.summary = demo_load(orders=cls.ORDERS)

    def test_orders_are_made_by_the_services_over_four_months_in_every_state(self):
        self.assertEqual(self.summary.orders_created, self.ORDERS)
        self.assertTrue(User.objects.filter(username="urban.handler").exists())
        self.assertGreater(Entry.objects.count(), 150)
        # Every order has the history its services wrote, starting with its creation.
        self.assertEqual(OrderEvent.objects.filter(action="create").count(), self.ORDERS)
        span = Order.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
        self.assertGreaterEqual((span["last"] - span["first"]).days, 90)
        self.assertEqual(set(Order.objects.values_list("status", flat=True)), set(Status.values))
        old = Order.objects.filter(created_at__lt=MOMENT - timedelta(days=40))
        self.assertGreater(old.filter(status__in=FINAL_STATES).count(), 0.9 * old.count())

    def test_several_operators_on_two_shifts_take_calls_and_orders(self):
        operators = [seat.username for seat in SEATS]
        self.assertEqual(len(operators), 6)
        self.assertIn("operator", operators)
        self.assertTrue(User.objects.filter(username="lead").exists())
        for username in operators:
            with self.subTest(operator=username):
                user = User.objects.get(username=username)
                self.assertTrue(user.has_role(Role.OPERATOR))
                self.assertTrue(Order.objects.filter(created_by=user).exists())
                self.assertTrue(Call.objects.filter(agent=user, answered=True).exists())
        # The call that brought an order was taken by a seat of the shift on duty then.
        shifts = {seat.username: seat.shift for seat in SEATS}
        linked = Call.objects.filter(order__isnull=False).select_related("agent", "order")
        self.assertGreater(linked.count(), self.ORDERS / 2)
        for call in linked:
            self.assertEqual(shifts[call.agent.username], shift_of(call.order.created_at))

    def test_calls_are_answered_or_abandoned_and_phone_orders_keep_their_call(self):
        incoming = Call.objects.filter(direction="in")
        answered = incoming.filter(answered=True)
        self.assertTrue(answered.filter(wait_seconds__gt=15).exists())
        self.assertFalse(answered.filter(wait_seconds__gt=40).exists())
        self.assertTrue(incoming.filter(answered=False, missed_call__isnull=False).exists())
        self.assertTrue(0.93 <= answered.count() / incoming.count() <= 0.99)
        self.assertFalse(answered.filter(ended_at__isnull=True).exists())
        self.assertFalse(incoming.filter(started_at__gt=MOMENT).exists())
        phone_orders = Order.objects.filter(channel=Channel.PHONE)
        self.assertEqual(phone_orders.filter(cti_calls__isnull=True).count(), 0)
        self.assertTrue(Call.objects.filter(direction="out", answered=True).exists())
        self.assertTrue(MissedCall.objects.filter(returned_at__isnull=False).exists())

    def test_callbacks_reach_some_callers_and_miss_others(self):
        tries = CallbackAttempt.objects.all()
        self.assertTrue(tries.filter(reached=True).exists())
        self.assertTrue(tries.filter(reached=False).exists())
        self.assertGreater(tries.values("operator").distinct().count(), 3)

    def test_a_commissioned_survey_is_running_and_partly_done(self):
        campaign = Campaign.objects.get()
        self.assertEqual(campaign.status, CampaignStatus.RUNNING)
        self.assertLess(campaign.started_at, MOMENT - timedelta(days=14))
        statuses = set(campaign.targets.values_list("status", flat=True))
        self.assertIn(TargetStatus.COMPLETED, statuses)
        self.assertIn(TargetStatus.PENDING, statuses)
        self.assertTrue(Response.objects.filter(target__campaign=campaign).exists())
        # Each survey call made from the list is in the call records too, as an outbound call.
        dialled = Attempt.objects.filter(target__campaign=campaign)
        self.assertTrue(dialled.filter(reached=False).exists())
        self.assertGreaterEqual(
            Call.objects.filter(direction="out").count(),
            dialled.count() + CallbackAttempt.objects.count(),
        )

    def test_a_water_outage_shows_as_a_hotspot_in_the_last_days(self):
        recent = Order.objects.filter(
            place__name=OUTAGE_PLACE, created_at__gte=MOMENT - timedelta(days=2)
        )
        self.assertGreaterEqual(recent.count(), int(self.ORDERS * OUTAGE_SHARE))

    def test_a_second_run_adds_nothing(self):
        counts = [
            model.objects.count()
            for model in (Order, Call, MissedCall, CallbackAttempt, Campaign, Response)
        ]
        second = demo_load(orders=self.ORDERS)
        self.assertEqual(
            (second.accounts_created, second.orders_created, second.calls_created), (0, 0, 0)
        )
        self.assertEqual(
            counts,
            [
                model.objects.count()
                for model in (Order, Call, MissedCall, CallbackAttempt, Campaign, Response)
            ],
        )


class DemoAccountTests(TestCase):
    def test_unit_accounts_carry_their_units_whole_name(self):
        catalogue_load()
        demo_accounts()
        staff = User.objects.filter(username__contains=".").select_related("unit")
        self.assertGreater(staff.count(), 90)
        for user in staff:
            with self.subTest(user=user.username):
                self.assertTrue(user.display_name.startswith(user.unit.name), user.display_name)
                self.assertIn(
                    user.display_name[len(user.unit.name) :], ("承办人", "负责人", "分管领导")
                )


class DemoAddressTests(TestCase):
    def test_links_are_built_from_the_address_the_demo_serves_on(self):
        from hotline.demo.management.commands.demo import public_url_for

        self.assertEqual(public_url_for("127.0.0.1:8123"), "http://127.0.0.1:8123")
        self.assertEqual(public_url_for("8123"), "http://127.0.0.1:8123")
        self.assertEqual(public_url_for("0.0.0.0:9000"), "http://127.0.0.1:9000")
        self.assertEqual(public_url_for("hotline.example:8080"), "http://hotline.example:8080")

    def test_the_demo_command_sets_the_public_address_and_an_sms_link_uses_it(self):
        import os
        from unittest import mock

        from django.conf import settings
        from django.core.management import call_command
        from django.test import override_settings

        from hotline.portal.links import portal_link

        with mock.patch.dict(os.environ, {"HOTLINE_PUBLIC_URL": ""}), override_settings():
            call_command(
                "demo", addr="127.0.0.1:8123", orders=3, no_serve=True, stdout=io.StringIO()
            )
            self.assertEqual(settings.HOTLINE_PUBLIC_URL, "http://127.0.0.1:8123")
            self.assertEqual(os.environ["HOTLINE_PUBLIC_URL"], "http://127.0.0.1:8123")
            self.assertTrue(
                portal_link(Order.objects.first()).startswith("http://127.0.0.1:8123/portal/r/")
            )
