"""Delivering our messages to a real HTTP peer on loopback (the simulated 110 desk)."""

import json
import socket
import threading

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from hotline.catalogue.models import EmergencySituation
from hotline.core.errors import DomainError
from hotline.linkage.models import Direction, Kind, LinkageMessage, State
from hotline.linkage.simulator import Desk110
from hotline.linkage.tasks import NOT_CONFIGURED, deliver_linkage_message
from hotline.notifications.models import Notification
from hotline.orders import services
from hotline.orders.models import Action, Order
from hotline.orders.services import order_transfer_to_police
from hotline.testing import BaseTestCase


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DeskTestCase(BaseTestCase):
    def start_desk(self, port: int = 0) -> Desk110:
        desk = Desk110(
            ("127.0.0.1", port), secret=settings.HOTLINE_LINKAGE_110_SECRET, follow_up=None
        )
        threading.Thread(target=desk.serve_forever, daemon=True).start()
        self.addCleanup(desk.server_close)
        self.addCleanup(desk.shutdown)
        return desk

    def emergency(self) -> Order:
        return self.create_order(
            request_type="emergency",
            emergency_situation=EmergencySituation.objects.get(pk="life_danger"),
            rescue_lines=["120"],
            address="常乐路12号",
        )

    def transfer_of(self, order: Order) -> LinkageMessage:
        return LinkageMessage.objects.transfers_of(order).get()

    def deliver(self, msg: LinkageMessage) -> str:
        result = deliver_linkage_message.call(msg.pk)
        msg.refresh_from_db()
        return result


class EmergencyTransferTests(DeskTestCase):
    def test_an_emergency_stores_a_transfer_and_queues_its_delivery_in_the_same_transaction(self):
        order = self.emergency()
        msg = self.transfer_of(order)
        self.assertEqual((msg.direction, msg.state, msg.attempts), (Direction.OUT, State.QUEUED, 0))
        body = json.loads(msg.body)
        self.assertEqual(body["message_id"], msg.message_id)
        case = body["case"]
        self.assertEqual(case["ref"], order.number)
        self.assertEqual(
            (case["category"], case["situation"], case["urgent"]),
            ("emergency", "life_danger", True),
        )
        self.assertEqual(case["rescue_lines"], ["120"])
        self.assertEqual(case["caller"], {"name": "张三", "phone": "13812345678"})
        self.assertTrue(order.events.filter(action=Action.LINKAGE_QUEUED).exists())
        self.assertTrue(
            any(
                row.args_kwargs["args"] == [msg.pk]
                for row in DBTaskResult.objects.all()
                if row.task_path.endswith("deliver_linkage_message")
            )
        )

    def test_the_stored_body_is_sealed(self):
        self.emergency()
        with connection.cursor() as cursor:
            cursor.execute("SELECT body FROM linkage_linkagemessage")
            (stored,) = cursor.fetchone()
        self.assertNotIn("13812345678", stored)
        self.assertNotIn("张三", stored)

    def test_an_ordinary_order_sends_nothing(self):
        order = self.dispatched_order()
        self.assertFalse(LinkageMessage.objects.filter(order=order).exists())

    def test_without_a_url_the_message_stays_queued_and_says_so(self):
        msg = self.transfer_of(self.emergency())
        with override_settings(HOTLINE_LINKAGE_110_URL=""):
            self.assertEqual(self.deliver(msg), "not_configured")
        self.assertEqual(
            (msg.state, msg.attempts, msg.last_error), (State.QUEUED, 0, NOT_CONFIGURED)
        )
        self.assertIsNotNone(msg.next_attempt_at)


class DeliveryTests(DeskTestCase):
    def test_delivery_while_the_desk_is_down_then_up_loses_nothing_and_doubles_nothing(self):
        port = free_port()
        order = self.emergency()
        msg = self.transfer_of(order)
        with override_settings(
            HOTLINE_LINKAGE_110_URL=f"http://127.0.0.1:{port}/api/v1/linkage/110/messages"
        ):
            self.assertEqual(self.deliver(msg), "retry")
            self.assertEqual((msg.state, msg.attempts), (State.SENT, 1))
            self.assertIn("URLError", msg.last_error)
            retries = DBTaskResult.objects.filter(run_after=msg.next_attempt_at)
            self.assertEqual(len([r for r in retries if r.args_kwargs["args"] == [msg.pk]]), 1)

            desk = self.start_desk(port)
            self.assertEqual(self.deliver(msg), "acknowledged")
            # The retry queued before, and any repeat, find it delivered.
            self.assertEqual(self.deliver(msg), "skipped")
        self.assertEqual((msg.state, msg.attempts, msg.last_error), (State.ACKNOWLEDGED, 2, ""))
        self.assertRegex(msg.peer_ref, r"^110-\d{8}-\d{4}$")
        self.assertEqual(self.reload(order).linkage_ref, msg.peer_ref)
        self.assertEqual(len(desk.received), 1)
        self.assertEqual(desk.received[0]["case"]["ref"], order.number)
        ack = order.events.get(action=Action.LINKAGE_ACK)
        self.assertEqual(ack.data["peer_ref"], msg.peer_ref)

    def test_an_attempt_whose_answer_was_lost_is_answered_the_same_when_sent_again(self):
        desk = self.start_desk()
        msg = self.transfer_of(self.emergency())
        with override_settings(HOTLINE_LINKAGE_110_URL=desk.url):
            self.deliver(msg)
            first = msg.peer_ref
            LinkageMessage.objects.filter(pk=msg.pk).update(state=State.SENT)  # as if lost
            self.assertEqual(self.deliver(msg), "acknowledged")
        self.assertEqual(msg.peer_ref, first)
        self.assertEqual((desk.requests, len(desk.received)), (2, 1))

    def test_a_final_4xx_marks_it_failed_and_alarms_the_operator_leads(self):
        desk = self.start_desk()
        desk.refuse_with = 400
        order = self.emergency()
        msg = self.transfer_of(order)
        with override_settings(HOTLINE_LINKAGE_110_URL=desk.url):
            self.assertEqual(self.deliver(msg), "failed")
            self.assertEqual(self.deliver(msg), "skipped")  # no more retries
        self.assertEqual(msg.state, State.FAILED)
        self.assertIn("400", msg.last_error)
        event = order.events.get(action=Action.LINKAGE_FAILED)
        alarm = Notification.objects.get(
            kind="linkage_failed", dedupe_key__startswith=f"order-event-{event.pk}"
        )
        self.assertEqual(alarm.recipient_user, self.lead)
        self.assertIn(order.number, alarm.body)

    def test_408_429_and_5xx_are_tried_again(self):
        desk = self.start_desk()
        msg = self.transfer_of(self.emergency())
        with override_settings(HOTLINE_LINKAGE_110_URL=desk.url):
            for code in (408, 429, 503):
                desk.refuse_with = code
                self.assertEqual(self.deliver(msg), "retry")
                self.assertEqual(msg.state, State.SENT)
            desk.refuse_with = None
            self.assertEqual(self.deliver(msg), "acknowledged")
        self.assertEqual(msg.attempts, 4)

    def test_a_wrong_secret_is_refused_by_the_desk_and_fails(self):
        desk = self.start_desk()
        desk.secret = "another"
        msg = self.transfer_of(self.emergency())
        with override_settings(HOTLINE_LINKAGE_110_URL=desk.url):
            self.assertEqual(self.deliver(msg), "failed")
        self.assertIn("bad_signature", msg.last_error)


class StatusTests(DeskTestCase):
    def test_dispatching_a_transferred_order_tells_110_after_its_transfer_is_acknowledged(self):
        desk = self.start_desk()
        order = self.emergency()
        order = services.order_accept(order=order, actor=self.operator)
        order = services.order_dispatch(order=order, actor=self.operator, lead_unit=self.unit_a)
        transfer = self.transfer_of(order)
        update = LinkageMessage.objects.get(order=order, kind=Kind.STATUS)
        body = json.loads(update.body)
        self.assertEqual(
            (body["ref"], body["peer_ref"], body["state"]),
            (order.number, order.number, "dispatched"),
        )
        with override_settings(HOTLINE_LINKAGE_110_URL=desk.url):
            self.assertEqual(self.deliver(update), "waiting")  # 110 must know the case first
            self.assertEqual(update.attempts, 0)
            self.deliver(transfer)
            self.assertEqual(self.deliver(update), "acknowledged")
        self.assertEqual([m["kind"] for m in desk.received], ["transfer", "status"])

    def test_an_order_from_110_reports_its_states_with_the_110_case_number_as_ref(self):
        from hotline.linkage.tests.base import post, transfer

        post(self.client, transfer())
        order = Order.objects.get()
        order = services.order_accept(order=order, actor=self.operator)
        order = services.order_dispatch(order=order, actor=self.operator, lead_unit=self.unit_a)
        sent = [
            json.loads(m.body)
            for m in LinkageMessage.objects.filter(order=order, direction=Direction.OUT)
        ]
        self.assertEqual(
            [(m["ref"], m["peer_ref"], m["state"]) for m in sent],
            [("110-20261202-0042", order.number, "dispatched")],
        )

    def test_reply_accepted_and_closing_are_reported(self):
        order = self.emergency()
        order = services.order_accept(order=order, actor=self.operator)
        order = services.order_dispatch(order=order, actor=self.operator, lead_unit=self.unit_a)
        order = services.order_sign(order=order, actor=self.handler_a)
        order = services.order_reply(order=order, actor=self.handler_a, text="已到场处置完毕。")
        order = services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
        order = services.order_check_reply(order=order, actor=self.operator, accept=True)
        states = [
            json.loads(m.body)["state"]
            for m in LinkageMessage.objects.filter(order=order, kind=Kind.STATUS).order_by("pk")
        ]
        self.assertEqual(states, ["dispatched", "replied"])


class TransferToPoliceTests(DeskTestCase):
    def test_an_operator_hands_a_police_matter_to_110_once(self):
        order = self.create_order(content="有人在小区内打架斗殴。")
        order = order_transfer_to_police(order=order, actor=self.operator, reason="涉及治安案件")
        msg = self.transfer_of(order)
        self.assertEqual(json.loads(msg.body)["case"]["category"], "police")
        self.assertFalse(json.loads(msg.body)["case"]["urgent"])
        event = order.events.get(action=Action.TRANSFER_POLICE)
        self.assertEqual((event.reason, event.data["message"]), ("涉及治安案件", msg.message_id))
        with self.assertRaises(DomainError):
            order_transfer_to_police(order=order, actor=self.operator, reason="再次移交")
        self.assertEqual(LinkageMessage.objects.transfers_of(order).count(), 1)

    def test_unit_staff_may_not_hand_a_matter_to_110(self):
        order = self.in_progress_order()
        with self.assertRaises(DomainError):
            order_transfer_to_police(order=order, actor=self.handler_a, reason="涉及治安")
        self.assertFalse(LinkageMessage.objects.filter(order=order).exists())

    def test_a_reason_is_required(self):
        order = self.create_order()
        with self.assertRaises(DomainError):
            order_transfer_to_police(order=order, actor=self.operator, reason=" ")


class OrderPageTests(DeskTestCase):
    def test_the_order_page_shows_the_linkage_messages(self):
        order = self.emergency()
        self.client.force_login(self.operator)
        page = self.client.get(f"/orders/{order.number}/").content.decode()
        self.assertIn("110联动消息", page)
        self.assertIn("待发送", page)
        self.assertNotIn("13812345678", page)

    def test_an_order_without_linkage_shows_no_panel(self):
        order = self.create_order()
        self.client.force_login(self.operator)
        self.assertNotIn(
            "110联动消息", self.client.get(f"/orders/{order.number}/").content.decode()
        )

    def test_a_unit_that_does_not_hold_the_order_cannot_see_it(self):
        order = self.emergency()
        self.client.force_login(self.handler_b)
        self.assertEqual(self.client.get(f"/orders/{order.number}/").status_code, 404)


class TransferPoliceViewTests(DeskTestCase):
    def test_the_operator_hands_it_over_from_the_order_page(self):
        order = self.create_order(content="有人在小区内打架斗殴。")
        self.client.force_login(self.operator)
        self.assertContains(self.client.get(f"/orders/{order.number}/"), "移交110")
        response = self.client.post(
            f"/orders/{order.number}/act/transfer_police/",
            {"transfer_police-version": order.version, "transfer_police-reason": "涉及治安案件"},
        )
        self.assertRedirects(response, f"/orders/{order.number}/", fetch_redirect_response=False)
        self.assertEqual(LinkageMessage.objects.transfers_of(order).count(), 1)

    def test_unit_staff_are_not_offered_it_and_are_refused(self):
        order = self.in_progress_order()
        self.client.force_login(self.handler_a)
        self.assertNotContains(self.client.get(f"/orders/{order.number}/"), "移交110")
        self.client.post(
            f"/orders/{order.number}/act/transfer_police/",
            {"transfer_police-version": order.version, "transfer_police-reason": "涉及治安"},
        )
        self.assertFalse(LinkageMessage.objects.filter(order=order).exists())
