"""Callers' personal data (DESIGN §4, Art. 22–23): sealed at rest, masked in lists, found by a
keyed digest, and shown in clear only on an audited reveal."""

import base64

from django.db import connection
from django.test import SimpleTestCase

from hotline.audit.models import AuditEntry
from hotline.core.errors import InvalidInput, NotAllowed, NotFound
from hotline.orders import services
from hotline.orders.models import Order
from hotline.orders.selectors import orders_from_phone
from hotline.privacy.crypto import PREFIX, DecryptionError, keyed_digest, seal, unseal
from hotline.privacy.personal import (
    name_mask,
    phone_digest,
    phone_is_valid,
    phone_mask,
    phone_normalize,
)
from hotline.testing import BaseTestCase


class SealTests(SimpleTestCase):
    def test_sealed_value_opens_to_the_original(self):
        for text in ("13812345678", "欧阳小明", "", "x" * 500):
            with self.subTest(text=text[:10]):
                sealed = seal(text, context="orders.order.caller_name")
                self.assertTrue(sealed.startswith(PREFIX))
                self.assertEqual(unseal(sealed, context="orders.order.caller_name"), text)

    def test_sealing_twice_gives_different_ciphertexts(self):
        one, two = seal("张三", context="c"), seal("张三", context="c")
        self.assertNotEqual(one, two)
        self.assertNotIn("张三", one)

    def test_altered_ciphertext_is_detected(self):
        sealed = seal("13812345678", context="orders.order.caller_phone")
        header, body = sealed.rsplit(":", 1)
        for position in (-1, 13):  # one bit of the tag, one of the ciphertext
            blob = bytearray(base64.b64decode(body))
            blob[position] ^= 0x01
            tampered = f"{header}:{base64.b64encode(bytes(blob)).decode('ascii')}"
            with self.subTest(position=position), self.assertRaises(DecryptionError):
                unseal(tampered, context="orders.order.caller_phone")

    def test_value_does_not_open_in_another_column(self):
        sealed = seal("13812345678", context="orders.order.caller_phone")
        with self.assertRaises(DecryptionError):
            unseal(sealed, context="orders.order.caller_name")

    def test_garbage_is_refused(self):
        for token in (
            "13812345678",
            "v1:not-base64!!",
            "v1:" + base64.b64encode(b"short").decode(),
            "v2:k1:aes:" + base64.b64encode(b"short").decode(),
            "v2:k1:aes:not-base64!!",
            "v2:k1:des:" + base64.b64encode(bytes(40)).decode(),
            "v2:k9:aes:" + base64.b64encode(bytes(40)).decode(),
            "v2:K1:aes:" + base64.b64encode(bytes(40)).decode(),
            "v2:k1:aes",
            "v2::aes:",
        ):
            with self.subTest(token=token), self.assertRaises(DecryptionError):
                unseal(token, context="c")

    def test_digest_is_keyed_stable_and_purpose_bound(self):
        self.assertEqual(
            keyed_digest("13812345678", purpose="phone"),
            keyed_digest("13812345678", purpose="phone"),
        )
        self.assertNotEqual(
            keyed_digest("13812345678", purpose="phone"),
            keyed_digest("13812345678", purpose="name"),
        )
        self.assertNotIn("13812345678", keyed_digest("13812345678", purpose="phone"))
        self.assertEqual(len(keyed_digest("1", purpose="phone")), 64)


class MaskAndNormalizeTests(SimpleTestCase):
    def test_phone_masks(self):
        cases = {
            "13812341234": "138****1234",
            "+86 138-1234-1234": "138****1234",
            "029-87012345": "029****2345",  # 11 digits: the area code and the last four stay
            "0755-87012345": "075*****2345",  # 12 digits
            "87012345": "****2345",
            "1234": "****",
            "": "",
        }
        for raw, mask in cases.items():
            with self.subTest(raw=raw):
                self.assertEqual(phone_mask(raw), mask)

    def test_name_masks(self):
        cases = {
            "张三": "张*",
            "欧阳小明": "欧**明",
            "李小龙": "李*龙",
            "王": "王",
            "  张三 ": "张*",
            "": "",
        }
        for raw, mask in cases.items():
            with self.subTest(raw=raw):
                self.assertEqual(name_mask(raw), mask)

    def test_phone_normalization(self):
        cases = {
            "+86 138-1234-5678": "13812345678",
            "0086 13812345678": "13812345678",
            "8613812345678": "13812345678",
            "(029) 8701 2345": "02987012345",
            "86123": "86123",  # too short to carry a country prefix
            "１３８１２３４５６７８": "13812345678",  # full-width, as input methods type it
            "＋８６ １３８－１２３４－５６７８": "13812345678",
            "": "",
        }
        for raw, digits in cases.items():
            with self.subTest(raw=raw):
                self.assertEqual(phone_normalize(raw), digits)

    def test_phone_validity(self):
        self.assertTrue(phone_is_valid("8701234"))
        self.assertTrue(phone_is_valid("+86 138 1234 5678"))
        self.assertFalse(phone_is_valid("870123"))
        self.assertFalse(phone_is_valid("12345678901234"))
        self.assertFalse(phone_is_valid("no digits"))
        self.assertTrue(phone_is_valid("１３８１２３４５６７８"))
        self.assertTrue(phone_is_valid("(029) 8701-2345"))
        for masked in ("152****1080", "138****5678", "1381234567x", "13812345678转1", "12345+678"):
            with self.subTest(masked=masked):
                self.assertFalse(phone_is_valid(masked))

    def test_the_same_number_written_differently_has_one_digest(self):
        self.assertEqual(phone_digest("+86 138-1234-5678"), phone_digest("13812345678"))
        self.assertEqual(phone_digest("１３８１２３４５６７８"), phone_digest("13812345678"))
        self.assertEqual(phone_digest(""), "")


class StorageTests(BaseTestCase):
    NAME, PHONE = "欧阳明月", "13987654321"

    def test_database_holds_neither_name_nor_phone_in_clear(self):
        order = self.create_order(caller_name=self.NAME, caller_phone="+86 139-8765-4321")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {Order._meta.db_table} WHERE id = %s", [order.pk])
            row = cursor.fetchone()
            columns = [col[0] for col in cursor.description]
        self.assertIsNotNone(row)
        stored = dict(zip(columns, row, strict=True))
        for column, value in stored.items():
            with self.subTest(column=column):
                text = str(value)
                self.assertNotIn(self.NAME, text)
                self.assertNotIn(self.PHONE, text)
                self.assertNotIn("87654321", text)
        self.assertTrue(stored["caller_name"].startswith(PREFIX))
        self.assertTrue(stored["caller_phone"].startswith(PREFIX))
        self.assertEqual(stored["caller_phone_mask"], "139****4321")
        self.assertEqual(stored["caller_name_mask"], "欧**月")
        # The model reads them back in clear.
        fresh = Order.objects.get(pk=order.pk)
        self.assertEqual((fresh.caller_name, fresh.caller_phone), (self.NAME, self.PHONE))

    def test_history_holds_neither_name_nor_phone(self):
        order = self.create_order(caller_name=self.NAME, caller_phone=self.PHONE)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM orders_orderevent WHERE order_id = %s", [order.pk])
            rows = cursor.fetchall()
        self.assertTrue(rows)
        self.assertNotIn(self.PHONE, repr(rows))
        self.assertNotIn(self.NAME, repr(rows))

    def test_digest_finds_the_callers_orders(self):
        first = self.create_order(caller_name=self.NAME, caller_phone=self.PHONE)
        second = self.create_order(caller_phone="+86 139 8765 4321")
        self.create_order(caller_phone="13800000000")
        found = orders_from_phone(user=self.operator, phone="139-8765-4321")
        self.assertEqual({o.pk for o in found}, {first.pk, second.pk})
        self.assertEqual(orders_from_phone(user=self.operator, phone=""), [])

    def test_digest_lookup_is_scoped_to_the_user(self):
        order = self.dispatched_order(caller_phone=self.PHONE)
        self.assertEqual(
            [o.pk for o in orders_from_phone(user=self.handler_a, phone=self.PHONE)], [order.pk]
        )
        self.assertEqual(orders_from_phone(user=self.handler_b, phone=self.PHONE), [])
        self.assertEqual(orders_from_phone(user=self.sysadmin, phone=self.PHONE), [])


class RevealTests(BaseTestCase):
    def test_reveal_returns_the_caller_and_writes_an_audit_entry(self):
        order = self.in_progress_order(caller_name="欧阳明月", caller_phone="13987654321")
        name, phone = services.order_reveal_caller(
            order=order, actor=self.handler_a, reason="电话核实地址"
        )
        self.assertEqual((name, phone), ("欧阳明月", "13987654321"))
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL_PERSONAL_DATA).get()
        self.assertEqual(
            (entry.actor, entry.target, entry.reason),
            (self.handler_a, order.number, "电话核实地址"),
        )
        self.assertNotIn("13987654321", repr(entry.detail))

    def test_every_reveal_is_audited(self):
        order = self.create_order()
        services.order_reveal_caller(order=order, actor=self.operator, reason="回拨")
        services.order_reveal_caller(order=order, actor=self.reviewer, reason="审核")
        self.assertEqual(
            sorted(
                AuditEntry.objects.filter(
                    action=AuditEntry.Action.REVEAL_PERSONAL_DATA
                ).values_list("actor__username", flat=True)
            ),
            ["operator", "reviewer"],
        )

    def test_reveal_is_refused_to_supervisor_and_auditor(self):
        order = self.in_progress_order()
        for user in (self.supervisor, self.auditor):
            with self.subTest(user=user.username), self.assertRaises(NotAllowed):
                services.order_reveal_caller(order=order, actor=user, reason="抽查")
        self.assertFalse(
            AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL_PERSONAL_DATA).exists()
        )

    def test_reveal_is_refused_to_those_who_cannot_see_the_order(self):
        order = self.in_progress_order()
        # As for every action: an order the user may not see does not exist for them.
        for user in (self.handler_b, self.sysadmin):
            with self.subTest(user=user.username), self.assertRaises(NotFound):
                services.order_reveal_caller(order=order, actor=user, reason="查看")
        self.assertFalse(
            AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL_PERSONAL_DATA).exists()
        )

    def test_reveal_needs_a_reason(self):
        order = self.in_progress_order()
        with self.assertRaises(InvalidInput):
            services.order_reveal_caller(order=order, actor=self.handler_a, reason=" ")
        self.assertFalse(
            AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL_PERSONAL_DATA).exists()
        )
