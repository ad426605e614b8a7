"""Personal numbers written in the texts of a 110 transfer (issue 13): an order that 110
sends us stores them masked; a transfer we send carries the originals, sealed at rest."""

import json

from django.db import connection

from hotline.catalogue.models import EmergencySituation
from hotline.linkage.models import LinkageMessage
from hotline.linkage.tests.base import post, transfer
from hotline.orders.models import Order
from hotline.testing import BaseTestCase

ID = "11010519491231002X"
SECOND = "13698765432"


class LinkageTextTests(BaseTestCase):
    def test_an_order_from_110_stores_the_numbers_in_its_text_masked(self):
        post(
            self.client,
            transfer(content=f"报警人身份证{ID}，另一电话{SECOND}", address="常乐路12号"),
        )
        order = Order.objects.get()
        self.assertNotIn(ID, order.content)
        self.assertNotIn(SECOND, order.content)
        self.assertIn(ID, order.content_sealed)
        with connection.cursor() as cursor:
            cursor.execute("SELECT content, title, search_text FROM orders_order")
            row = " ".join(cursor.fetchone())
        self.assertNotIn(ID, row)
        self.assertNotIn("张某", row)

    def test_a_transfer_to_110_carries_the_originals_inside_its_sealed_body(self):
        order = self.create_order(
            request_type="emergency",
            emergency_situation=EmergencySituation.objects.get(pk="life_danger"),
            rescue_lines=["120"],
            content=f"老人晕倒，身份证{ID}，家属电话{SECOND}",
            address=f"常乐路12号 {SECOND}",
        )
        message = LinkageMessage.objects.transfers_of(order).get()
        case = json.loads(message.body)["case"]
        self.assertIn(ID, case["content"])
        self.assertIn(SECOND, case["address"])
        self.assertNotIn(ID, case["summary"])  # the summary is the masked title
        with connection.cursor() as cursor:
            cursor.execute("SELECT body FROM linkage_linkagemessage WHERE id = %s", [message.pk])
            (body,) = cursor.fetchone()
        self.assertNotIn(ID, body)
        self.assertNotIn(SECOND, body)
