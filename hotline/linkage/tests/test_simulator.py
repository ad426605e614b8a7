"""The simulated 110 desk against the running platform: a transfer it sends becomes an order,
and after our transfer it reports police_dispatched, then police_arrived, signed."""

import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.test import LiveServerTestCase, override_settings

from hotline.linkage.models import LinkageMessage
from hotline.linkage.simulator import Desk110
from hotline.linkage.tasks import deliver_linkage_message
from hotline.orders.models import Action, Channel, Order
from hotline.testing import Personas, restore_migration_data


class SimulatorTests(Personas, LiveServerTestCase):
    def setUp(self) -> None:
        self.create_personas()
        self.desk = Desk110(
            ("127.0.0.1", 0),
            secret=settings.HOTLINE_LINKAGE_110_SECRET,
            target=self.live_server_url,
            follow_up=0.2,
        )
        threading.Thread(target=self.desk.serve_forever, daemon=True).start()

    def tearDown(self) -> None:
        self.desk.shutdown()
        self.desk.server_close()
        restore_migration_data()

    def test_a_transfer_from_the_desk_becomes_an_order(self):
        status, answer = self.desk.send_transfer("路灯不亮", address="常乐路")
        self.assertEqual(status, 200, answer)
        order = Order.objects.get()
        self.assertEqual((order.channel, answer["peer_ref"]), (Channel.LINKAGE_110, order.number))

    def test_the_desk_acknowledges_our_transfer_then_reports_dispatch_and_arrival(self):
        order = self.create_order(request_type="emergency")
        msg = LinkageMessage.objects.transfers_of(order).get()
        with override_settings(HOTLINE_LINKAGE_110_URL=self.desk.url):
            self.assertEqual(deliver_linkage_message.call(msg.pk), "acknowledged")
        deadline = time.monotonic() + 10
        while len(self.desk.sent) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual([status for status, _answer in self.desk.sent], [200, 200])
        states = [
            e.data["state"]
            for e in order.events.filter(action=Action.LINKAGE_STATUS).order_by("id")
        ]
        self.assertEqual(states, ["police_dispatched", "police_arrived"])

    def test_the_command_sends_one_transfer(self):
        call_command(
            "linkage_simulator",
            "--addr",
            "127.0.0.1:0",
            "--target",
            self.live_server_url,
            "--transfer",
            "井盖缺失",
            stdout=open("/dev/null", "w"),  # noqa: SIM115
        )
        self.assertEqual(Order.objects.get().title, "井盖缺失")
