import io

from django.test import TestCase

from hotline.accounts.models import User
from hotline.catalogue.services import catalogue_load
from hotline.demo.generate import demo_accounts, demo_load
from hotline.knowledge.models import Entry
from hotline.orders.models import Order, OrderEvent, Status


class DemoTests(TestCase):
    def test_demo_data_is_made_by_the_services_and_a_second_run_adds_nothing(self):
        catalogue_load()
        first = demo_load(orders=160)
        self.assertEqual(first.orders_created, 160)
        self.assertTrue(User.objects.filter(username="operator").exists())
        self.assertTrue(User.objects.filter(username="urban.handler").exists())
        self.assertGreater(Entry.objects.count(), 150)
        # Every order has the history its services wrote, starting with its creation.
        self.assertEqual(OrderEvent.objects.filter(action="create").count(), 160)
        statuses = set(Order.objects.values_list("status", flat=True))
        for status in (
            Status.CLOSED,
            Status.IN_PROGRESS,
            Status.DISPATCHED,
            Status.CALLBACK,
            Status.PENDING_DISPATCH,
        ):
            self.assertIn(status, statuses)
        second = demo_load(orders=160)
        self.assertEqual((second.accounts_created, second.orders_created), (0, 0))
        self.assertEqual(Order.objects.count(), 160)

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
