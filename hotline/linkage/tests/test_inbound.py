"""POST /api/v1/linkage/110/messages: what the 110 desk is answered (protocols/linkage-110.md)."""

import json
import time

from django.db import connection
from django.test import override_settings

from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.linkage.models import Direction, LinkageMessage
from hotline.linkage.tests.base import URL, post, status, transfer
from hotline.orders.models import Action, Channel, Order, Status
from hotline.testing import BaseTestCase
from hotline.units.models import Unit


class InboundTransferTests(BaseTestCase):
    def test_a_non_police_transfer_becomes_an_order_on_the_110_channel(self):
        message = transfer()
        response = post(self.client, message)
        self.assertEqual(response.status_code, 200)
        order = Order.objects.get()
        self.assertEqual(
            response.json(),
            {"message_id": message["message_id"], "result": "accepted", "peer_ref": order.number},
        )
        self.assertEqual(order.channel, Channel.LINKAGE_110)
        self.assertEqual(order.status, Status.RECEIVED)
        self.assertEqual(order.linkage_ref, "110-20261202-0042")
        self.assertEqual(order.title, "楼上漏水三天")
        self.assertEqual(order.caller_phone, "13800001111")
        self.assertEqual(order.caller_phone_mask, "138****1111")
        self.assertEqual(order.events.get().action, Action.CREATE)
        self.assertIsNone(order.created_by)  # no 110 machine account in this installation

    def test_the_110_machine_account_is_the_actor_when_there_is_one(self):
        desk = account_create(
            username="desk110",
            roles=[Role.LINKAGE],
            unit=Unit.objects.get(code="police"),
        )
        post(self.client, transfer())
        self.assertEqual(Order.objects.get().created_by, desk)

    def test_the_caller_is_never_stored_in_clear(self):
        post(self.client, transfer())
        with connection.cursor() as cursor:
            cursor.execute("SELECT body FROM linkage_linkagemessage")
            (body,) = cursor.fetchone()
            cursor.execute("SELECT caller_phone, caller_name FROM orders_order")
            phone, name = cursor.fetchone()
        for stored in (body, phone, name):
            self.assertNotIn("13800001111", stored)
            self.assertNotIn("张某", stored)

    def test_the_same_message_again_gets_exactly_the_first_answer_and_creates_nothing(self):
        message = transfer()
        first = post(self.client, message)
        again = post(self.client, message)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.content, first.content)
        self.assertEqual(Order.objects.count(), 1)
        self.assertEqual(LinkageMessage.objects.filter(direction=Direction.IN).count(), 1)

    def test_the_same_message_id_with_another_body_is_a_conflict(self):
        message = transfer()
        post(self.client, message)
        message["case"]["summary"] = "楼上漏水四天"
        response = post(self.client, message)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "idempotency_conflict")
        self.assertEqual(Order.objects.count(), 1)

    def test_a_conflict_is_found_even_when_the_other_body_is_not_json(self):
        message = transfer()
        post(self.client, message)
        response = post(self.client, b"{broken", message_id=message["message_id"])
        self.assertEqual(response.json()["code"], "idempotency_conflict")

    def test_wrong_signature_and_unknown_peer_are_401_bad_signature(self):
        for options in ({"secret": "not-the-secret"}, {"peer": "yl-999"}):
            with self.subTest(**options):
                response = post(self.client, transfer(), **options)
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.json()["code"], "bad_signature")
        response = self.client.post(URL, data=b"{}", content_type="application/json")
        self.assertEqual((response.status_code, response.json()["code"]), (401, "bad_signature"))
        self.assertFalse(Order.objects.exists())

    def test_a_timestamp_more_than_300_seconds_off_either_way_is_stale(self):
        for skew in (-301, 301):
            with self.subTest(skew=skew):
                response = post(self.client, transfer(), timestamp=time.time() + skew)
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.json()["code"], "stale_timestamp")
        self.assertEqual(
            post(self.client, transfer(), timestamp=time.time() - 250).status_code, 200
        )

    def test_a_signed_but_stale_replay_is_refused_before_the_body_is_read(self):
        message = transfer()
        post(self.client, message)
        response = post(self.client, message, timestamp=time.time() - 3600)
        self.assertEqual(response.json()["code"], "stale_timestamp")

    def test_invalid_json_or_a_missing_summary_is_400(self):
        response = post(self.client, b"{not json")
        self.assertEqual((response.status_code, response.json()["code"]), (400, "invalid_input"))
        response = post(self.client, transfer(summary=""))
        self.assertEqual((response.status_code, response.json()["code"]), (400, "invalid_input"))
        self.assertIn("summary", response.json()["message"])
        self.assertFalse(Order.objects.exists())

    def test_a_bad_phone_number_is_400_not_500(self):
        response = post(self.client, transfer(caller={"name": "张某", "phone": "12"}))
        self.assertEqual((response.status_code, response.json()["code"]), (400, "invalid_input"))
        self.assertFalse(LinkageMessage.objects.exists())

    def test_an_emergency_or_police_category_from_110_is_refused(self):
        response = post(self.client, transfer(category="police"))
        self.assertEqual(response.status_code, 400)

    def test_only_post_is_answered(self):
        self.assertEqual(self.client.get(URL).status_code, 405)


class InboundStatusTests(BaseTestCase):
    def test_a_status_for_an_order_110_sent_is_written_into_its_history(self):
        post(self.client, transfer())
        order = Order.objects.get()
        message = status("110-20261202-0042", "police_arrived", peer_ref="110-20261202-0042")
        response = post(self.client, message)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["peer_ref"], order.number)
        event = order.events.get(action=Action.LINKAGE_STATUS)
        self.assertEqual(event.data["state"], "police_arrived")
        self.assertIn("民警已到场", event.reason)

    def test_a_status_for_our_transfer_finds_the_order_by_our_number(self):
        order = self.create_order(request_type="emergency")
        response = post(self.client, status(order.number, "police_dispatched", "110-1"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(order.events.filter(action=Action.LINKAGE_STATUS).exists())

    def test_a_status_for_an_unknown_case_is_404(self):
        response = post(self.client, status("YL0000000000000", peer_ref="110-404"))
        self.assertEqual((response.status_code, response.json()["code"]), (404, "not_found"))
        self.assertFalse(LinkageMessage.objects.filter(direction=Direction.IN).exists())

    def test_a_repeated_status_is_written_once(self):
        order = self.create_order(request_type="emergency")
        message = status(order.number)
        first, again = post(self.client, message), post(self.client, message)
        self.assertEqual(json.loads(first.content), json.loads(again.content))
        self.assertEqual(order.events.filter(action=Action.LINKAGE_STATUS).count(), 1)


@override_settings(HOTLINE_LINKAGE_110_PEER_ID="sx-110")
class PeerIdTests(BaseTestCase):
    def test_the_configured_peer_id_is_the_only_one_accepted(self):
        self.assertEqual(post(self.client, transfer()).status_code, 401)
        self.assertEqual(post(self.client, transfer(), peer="sx-110").status_code, 200)
