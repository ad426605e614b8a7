"""Two identical messages at the same moment: one order, and both copies get the same answer.
The unique constraint decides; the second copy waits for the first and replays its answer."""

import json
import threading
import time
from unittest import skipUnless

from django.db import connection, connections
from django.test import TransactionTestCase

from hotline.linkage.models import Direction, LinkageMessage
from hotline.linkage.services import Answer, linkage_receive
from hotline.linkage.tests.base import signed_headers, transfer
from hotline.orders.models import Order
from hotline.testing import Personas, restore_migration_data


@skipUnless(connection.vendor == "postgresql", "threads need a database server")
class SameMomentTests(Personas, TransactionTestCase):
    def setUp(self) -> None:
        self.create_personas()

    def tearDown(self) -> None:
        restore_migration_data()

    def test_two_identical_messages_at_the_same_moment_create_one_order(self):
        message = transfer()
        body = json.dumps(message, ensure_ascii=False).encode()
        headers = signed_headers(body, message_id=message["message_id"])
        barrier = threading.Barrier(2)
        answers: list[Answer] = []

        def send() -> None:
            try:
                barrier.wait()
                answers.append(
                    linkage_receive(
                        peer=headers["X-Linkage-Peer"],
                        timestamp=headers["X-Linkage-Timestamp"],
                        signature=headers["X-Linkage-Signature"],
                        idempotency_key=headers["Idempotency-Key"],
                        body=body,
                        now=time.time(),
                    )
                )
            finally:
                connections.close_all()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(len(answers), 2)
        self.assertEqual(answers[0], answers[1])
        self.assertEqual(answers[0].status, 200)
        self.assertEqual(Order.objects.count(), 1)
        self.assertEqual(LinkageMessage.objects.filter(direction=Direction.IN).count(), 1)
