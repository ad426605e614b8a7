from django.test import TestCase

from hotline.accounts.models import User
from hotline.catalogue.services import catalogue_load
from hotline.demo.generate import demo_load
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
