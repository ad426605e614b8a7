"""`hotline datakey rotate` (issue 13 "Keys"): every sealed column of every model re-sealed
under the new key in batches, resumable after a crash, with the phone look-up correct
before, during (half-rotated) and after; `status` and `retire`."""

import base64
import io
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from hotline.callbacks.models import MissedCall
from hotline.callbacks.services import missed_call_record
from hotline.orders.models import Order
from hotline.orders.selectors import orders_from_phone
from hotline.privacy import rotation
from hotline.privacy.crypto import CONFIDENTIAL, PERSONAL, Sealed, key_ring, token_info
from hotline.privacy.models import RotationProgress
from hotline.privacy.personal import phone_digests
from hotline.privacy.rotation import RotationError, add_key, retire, rotate, value_counts
from hotline.privacy.tests.test_keys import v1_token
from hotline.testing import BaseTestCase

PHONES = ("13811110000", "13922220000", "13733330000")
ORDERS = 150


class Crash(Exception):
    pass


class RotationTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        # The rings as files, as a production site keeps them: rotation writes the new key there.
        directory = Path(tempfile.mkdtemp(prefix="hotline-rotation-"))
        self.personal_path = directory / "data.key"
        self.confidential_path = directory / "confidential.key"
        self.personal_path.write_text(f"k1 {self.secret(PERSONAL)} current\n")
        self.confidential_path.write_text(f"c1 {self.secret(CONFIDENTIAL)} current\n")
        self.settings = override_settings(
            HOTLINE_DATA_KEY="",
            HOTLINE_DATA_KEY_PATH=str(self.personal_path),
            HOTLINE_CONFIDENTIAL_KEY="",
            HOTLINE_CONFIDENTIAL_KEY_PATH=str(self.confidential_path),
        )
        self.settings.enable()
        self.addCleanup(self.settings.disable)

    @staticmethod
    def secret(ring: str) -> str:
        return base64.b64encode(key_ring(ring).current_key.secret).decode()

    def raw(self, table: str, column: str, pk: int) -> str:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
            return cursor.fetchone()[0]

    def build(self, orders: int = ORDERS) -> dict[str, set[int]]:
        """Orders from three numbers (one confidential in every ten), a missed call, and a
        `v1:` value written as the first format did."""
        expected: dict[str, set[int]] = {phone: set() for phone in PHONES}
        for i in range(orders):
            phone = PHONES[i % len(PHONES)]
            order = self.create_order(
                caller_name=f"市民{i}", caller_phone=phone, is_confidential=i % 10 == 0
            )
            expected[phone].add(order.pk)
        self.missed = missed_call_record(
            phone=PHONES[0], called_at=timezone.now(), actor=self.operator
        )
        self.v1_order = Order.objects.order_by("pk")[1]  # an ordinary order
        token = v1_token(self.secret(PERSONAL), "老格式", "orders.order.caller_name")
        Order.objects.filter(pk=self.v1_order.pk).update(
            caller_name=Sealed(token)  # stored as it is
        )
        return expected

    def assert_lookups(self, expected: dict[str, set[int]]) -> None:
        for phone, pks in expected.items():
            for written in (phone, f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"):
                found = {
                    o.pk for o in orders_from_phone(user=self.reviewer, phone=written, limit=1000)
                }
                self.assertEqual(found, pks, written)
        self.assertEqual(
            MissedCall.objects.filter(phone_digest__in=phone_digests(PHONES[0])).get(),
            self.missed,
        )

    def assert_all_open(self) -> None:
        names = {o.pk: o.caller_name for o in Order.objects.all()}
        self.assertEqual(names.pop(self.v1_order.pk), "老格式")
        self.assertTrue(all(name.startswith("市民") for name in names.values()))
        self.assertEqual(
            set(Order.objects.values_list("caller_phone", flat=True)) - {""}, set(PHONES)
        )
        self.assertEqual(MissedCall.objects.get().phone, PHONES[0])

    def keys_in_use(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for column in value_counts().values():
            for (kid, _cipher), n in column.items():
                totals[kid] = totals.get(kid, 0) + n
        return totals


class DiscoveryTests(RotationTestCase):
    def test_every_sealed_column_and_its_digest_is_found(self):
        tables = {t.label: t for t in rotation.sealed_tables()}
        self.assertEqual(
            {f.name for f in tables["orders.Order"].fields},
            {
                "caller_name",
                "caller_phone",
                "confidential_title",
                "confidential_address",
                "confidential_content",
                # The originals of texts that held personal numbers (privacy/text.py).
                "content_sealed",
                "address_sealed",
                "title_sealed",
                "answer_sealed",
            },
        )
        self.assertEqual(
            [(d.name, s.name) for d, s in tables["orders.Order"].digests],
            [("caller_phone_digest", "caller_phone")],
        )
        for label in (
            "cti.Call",
            "callbacks.MissedCall",
            "surveys.Target",
            "linkage.LinkageMessage",
            "orders.Reply",
            "orders.Note",
        ):
            self.assertIn(label, tables)

    def test_every_phone_digest_column_has_a_sealed_source(self):
        """A digest column rotation cannot pair would keep the old key's digests."""
        from django.apps import apps

        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if field.name.endswith("phone_digest"):
                    source = field.name.removesuffix("_digest")
                    with self.subTest(model=model._meta.label, field=field.name):
                        self.assertIsInstance(
                            model._meta.get_field(source), rotation.EncryptedTextField
                        )


class RotateTests(RotationTestCase):
    def test_interrupted_rotation_resumes_and_lookups_hold_throughout(self):
        expected = self.build()
        self.assert_lookups(expected)  # before
        self.assertTrue(self.raw("orders_order", "caller_name", self.v1_order.pk).startswith("v1:"))

        self.assertEqual(add_key(ring=PERSONAL), "k2")
        self.assertEqual(key_ring(PERSONAL).current, "k2")
        self.assertIn("k2 ", self.personal_path.read_text())
        self.assertEqual(self.personal_path.stat().st_mode & 0o777, 0o600)
        self.assert_lookups(expected)  # a new key, nothing rotated yet

        real = rotation.rewrite_batch
        calls = {"n": 0}

        def crash_in_the_third_batch(table, rows, *, ring):
            if table.label == "orders.Order":
                calls["n"] += 1
                if calls["n"] == 3:
                    real(table, rows[: len(rows) // 2], ring=ring)  # half a batch written …
                    raise Crash  # … then the process dies: the batch's transaction rolls back
            return real(table, rows, ring=ring)

        with (
            mock.patch.object(rotation, "rewrite_batch", crash_in_the_third_batch),
            self.assertRaises(Crash),
        ):
            rotate(ring=PERSONAL, batch_size=40)

        # Half-rotated: two batches of orders committed, the third rolled back entirely.
        progress = RotationProgress.objects.get(ring=PERSONAL, kid="k2", table="orders.Order")
        self.assertIsNone(progress.finished_at)
        pks = list(Order.objects.order_by("pk").values_list("pk", flat=True))
        self.assertEqual(progress.last_pk, pks[79])
        for pk in pks:
            kid = token_info(self.raw("orders_order", "caller_phone", pk)).kid
            personal = kid.startswith("k")
            if personal:
                self.assertEqual(kid, "k2" if pk <= progress.last_pk else "k1", pk)
        used = self.keys_in_use()
        self.assertGreater(used["k1"], 0)
        self.assertGreater(used["k2"], 0)
        confidential_values = used["c1"]
        self.assertGreaterEqual(confidential_values, 3 * (ORDERS // 10))
        self.assert_lookups(expected)  # during
        self.assert_all_open()
        with self.assertRaisesMessage(RotationError, "still sealed under k1"):
            retire(kid="k1")

        # The site goes on meanwhile: a new order is sealed and digested under k2, found.
        late = self.create_order(caller_name="市民新", caller_phone=PHONES[1])
        expected[PHONES[1]].add(late.pk)
        self.assertTrue(self.raw("orders_order", "caller_phone", late.pk).startswith("v2:k2:"))
        self.assert_lookups(expected)

        out = io.StringIO()
        call_command("datakey", "status", stdout=out)
        self.assertIn("Rotation to k2 unfinished: orders.Order", out.getvalue())
        self.assertIn("k1: ", out.getvalue())

        # The rerun continues (no third key) and finishes.
        out = io.StringIO()
        call_command("datakey", "rotate", "--batch-size", "40", stdout=out)
        self.assertIn("Continuing the rotation of the personal key ring to k2", out.getvalue())
        self.assertIn("orders.Order: up to id", out.getvalue())
        self.assertEqual(list(key_ring(PERSONAL).keys), ["k1", "k2"])
        used = self.keys_in_use()
        self.assertNotIn("k1", used)
        self.assertEqual(used["c1"], confidential_values)  # the other ring is left alone
        self.assertTrue(
            self.raw("orders_order", "caller_name", self.v1_order.pk).startswith("v2:k2:")
        )
        self.assert_lookups(expected)  # after
        self.assert_all_open()

        # Nothing left to do: a further pass rewrites nothing.
        self.assertEqual(rotate(ring=PERSONAL, batch_size=40).rewritten, 0)

        out = io.StringIO()
        call_command("datakey", "status", stdout=out)
        self.assertIn("k2 (current): ", out.getvalue())
        self.assertIn("k1: 0 values", out.getvalue())
        self.assertNotIn("unfinished", out.getvalue())

        # Only now may k1 go; the digests still open the look-ups without it.
        call_command("datakey", "retire", "k1", stdout=io.StringIO())
        self.assertEqual(list(key_ring(PERSONAL).keys), ["k2"])
        self.assert_lookups(expected)
        self.assert_all_open()

    def test_confidential_ring_rotates_on_its_own(self):
        expected = self.build()
        out = io.StringIO()
        call_command(
            "datakey", "rotate", "--ring", "confidential", "--batch-size", "25", stdout=out
        )
        self.assertIn("Added c2", out.getvalue())
        used = self.keys_in_use()
        self.assertNotIn("c1", used)
        self.assertGreater(used["c2"], 0)
        self.assertGreater(used["k1"], 0)  # the personal ring was not touched
        self.assert_lookups(expected)
        self.assert_all_open()
        confidential = Order.objects.filter(is_confidential=True).first()
        confidential.reveal_confidential()
        self.assertEqual(confidential.content, "小区门口有违法建设，影响通行。")

    def test_switching_to_sm4_and_rotating_reseals_everything_with_sm4(self):
        expected = self.build(30)
        with override_settings(HOTLINE_DATA_CIPHER="sm4-gcm"):
            call_command("datakey", "rotate", "--use-current", stdout=io.StringIO())
            ciphers = {
                cipher
                for column in value_counts().values()
                for (kid, cipher) in column
                if kid.startswith("k")
            }
            self.assertEqual(ciphers, {"sm4"})
            self.assert_lookups(expected)
            self.assert_all_open()
        self.assert_all_open()  # and they open with AES configured again

    def test_a_row_the_site_changed_meanwhile_is_not_overwritten(self):
        self.create_order(caller_name="旧名", caller_phone=PHONES[0])
        add_key(ring=PERSONAL)
        table = next(t for t in rotation.sealed_tables() if t.label == "orders.Order")
        rows = rotation._raw_rows(table, after=0, limit=10)
        order = Order.objects.get()
        order.caller_name = "新名"
        order.save(update_fields=["caller_name"])
        self.assertEqual(rotation.rewrite_batch(table, rows, ring=PERSONAL), 0)
        self.assertEqual(Order.objects.get().caller_name, "新名")

    def test_retire_refuses_the_current_key_an_unknown_key_and_a_ring_in_the_environment(self):
        self.create_order()
        with self.assertRaisesMessage(RotationError, "current key"):
            retire(kid="k1")
        with self.assertRaisesMessage(RotationError, "no key k7"):
            retire(kid="k7")
        with (
            override_settings(HOTLINE_DATA_KEY=f"k1 {self.secret(PERSONAL)} current"),
            self.assertRaisesMessage(RotationError, "HOTLINE_DATA_KEY"),
        ):
            add_key(ring=PERSONAL)
        with self.assertRaises(CommandError):
            call_command("datakey", "retire", stdout=io.StringIO())
        with self.assertRaises(CommandError):
            call_command("datakey", "rotate", "--batch-size", "0", stdout=io.StringIO())

    def test_retire_refuses_a_key_the_digests_of_confidential_orders_still_use(self):
        self.create_order(caller_phone=PHONES[0], is_confidential=True)
        add_key(ring=PERSONAL)
        # The caller is sealed under c1, so only the digest still depends on k1.
        self.assertNotIn("k1", self.keys_in_use())
        with self.assertRaisesMessage(RotationError, "phone digests were made with k1"):
            retire(kid="k1")
        rotate(ring=PERSONAL)
        retire(kid="k1")
        self.assertEqual(
            [o.is_confidential for o in orders_from_phone(user=self.reviewer, phone=PHONES[0])],
            [True],
        )


def id_number(first17: str = "11010519491231002") -> str:
    from hotline.privacy.text import id_check_character

    return first17 + id_check_character(first17)


def card_number(first18: str = "622202020011234567") -> str:
    from hotline.privacy.text import luhn_valid

    return next(first18 + d for d in "0123456789" if luhn_valid(first18 + d))


class NumberDigestRotationTests(RotationTestCase):
    """The digests of personal numbers written in orders' texts (`orders.NumberDigest`,
    issue 13) follow the rotation of the personal ring: the list's search keeps finding an
    order by a full number before, during (half-rotated), after the rotation and after the
    old key is retired; a confidential order's texts, sealed under the other ring, too."""

    ID = id_number()
    SECOND_PHONE = "13955556666"
    CARD = card_number()
    NOTE_PHONE = "13677778888"

    def build_texts(self, orders: int = 12) -> dict[str, set[int]]:
        from hotline.orders import services

        expected: dict[str, set[int]] = {n: set() for n in (self.ID, self.SECOND_PHONE)}
        expected |= {self.CARD: set(), self.NOTE_PHONE: set()}
        for i in range(orders):
            content = f"身份证号{self.ID}，另一个电话{self.SECOND_PHONE}，小区门口违建。"
            if i % 3 == 0:
                order = self.in_progress_order(content=content, caller_phone=PHONES[i % 2])
                services.order_reply(
                    order=order, actor=self.handler_a, text=f"退款已转入卡号{self.CARD}。"
                )
                services.order_add_note(
                    order=order, actor=self.handler_a, text=f"联系手机{self.NOTE_PHONE}"
                )
                expected[self.CARD].add(order.pk)
                expected[self.NOTE_PHONE].add(order.pk)
            else:
                order = self.create_order(content=content, is_confidential=i % 4 == 1)
            expected[self.ID].add(order.pk)
            expected[self.SECOND_PHONE].add(order.pk)
        self.assertTrue(Order.objects.filter(is_confidential=True).exists())
        return expected

    def assert_found(self, expected: dict[str, set[int]]) -> None:
        from hotline.orders.selectors import OrderFilter, order_list

        for number, pks in expected.items():
            found = set(
                order_list(user=self.reviewer, filters=OrderFilter(q=number)).values_list(
                    "pk", flat=True
                )
            )
            self.assertEqual(found, pks, number)

    def test_found_by_numbers_in_texts_after_rotate_and_retire(self):
        expected = self.build_texts()
        self.assert_found(expected)
        call_command("datakey", "rotate", stdout=io.StringIO())
        self.assert_found(expected)
        call_command("datakey", "retire", "k1", stdout=io.StringIO())
        self.assertEqual(list(key_ring(PERSONAL).keys), ["k2"])
        self.assert_found(expected)
        # The digests made with k1 went with it: one digest per order and number is left.
        from hotline.orders.models import NumberDigest

        self.assertEqual(NumberDigest.objects.count(), sum(len(p) for p in expected.values()))

    def test_interrupted_rotation_of_number_digests_resumes_and_search_holds_throughout(self):
        import dataclasses

        from hotline.orders.models import NumberDigest

        expected = self.build_texts()
        before = NumberDigest.objects.count()
        self.assertEqual(add_key(ring=PERSONAL), "k2")
        self.assert_found(expected)  # a new key, nothing rotated: the k1 digests match

        (kept,) = rotation.KEPT_DIGESTS
        calls = {"n": 0}

        def crash_in_the_third_batch(after, limit):
            calls["n"] += 1
            if calls["n"] == 3:
                kept.rotate_batch(after, max(1, limit // 2))  # half a batch written …
                raise Crash  # … then the process dies: the batch's transaction rolls back
            return kept.rotate_batch(after, limit)

        crashing = dataclasses.replace(kept, rotate_batch=crash_in_the_third_batch)
        with (
            mock.patch.object(rotation, "KEPT_DIGESTS", [crashing]),
            self.assertRaises(Crash),
        ):
            rotate(ring=PERSONAL, batch_size=4)

        progress = RotationProgress.objects.get(
            ring=PERSONAL, kid="k2", table="orders.NumberDigest"
        )
        self.assertIsNone(progress.finished_at)
        pks = list(Order.objects.order_by("pk").values_list("pk", flat=True))
        self.assertEqual(progress.last_pk, pks[7])
        self.assertGreater(NumberDigest.objects.count(), before)  # two batches' digests added
        self.assert_found(expected)  # during: some orders under k1 and k2, the others k1 only
        self.assertNotIn("k1", self.keys_in_use())  # every sealed value is under k2 already …
        with self.assertRaisesMessage(RotationError, "orders.NumberDigest digests are not yet"):
            retire(kid="k1")  # … but not every number's digest
        out = io.StringIO()
        call_command("datakey", "status", stdout=out)
        self.assertIn("Rotation to k2 unfinished: orders.NumberDigest", out.getvalue())
        self.assertIn("orders.NumberDigest: ", out.getvalue())

        out = io.StringIO()
        call_command("datakey", "rotate", "--batch-size", "4", stdout=out)
        self.assertIn("Continuing the rotation of the personal key ring to k2", out.getvalue())
        self.assertIn("orders.NumberDigest: up to id", out.getvalue())
        self.assertEqual(list(key_ring(PERSONAL).keys), ["k1", "k2"])
        self.assert_found(expected)  # after
        out = io.StringIO()
        call_command("datakey", "status", stdout=out)
        self.assertNotIn("unfinished", out.getvalue())
        self.assertNotIn("orders.NumberDigest", out.getvalue())

        retire(kid="k1")
        self.assert_found(expected)

    def test_a_confidential_orders_numbers_follow_both_rings(self):
        order = self.create_order(
            content=f"身份证号{self.ID}，另一个电话{self.SECOND_PHONE}", is_confidential=True
        )
        self.assertTrue(self.raw("orders_order", "content_sealed", order.pk).startswith("v2:c1:"))
        expected = {self.ID: {order.pk}, self.SECOND_PHONE: {order.pk}}
        self.assert_found(expected)
        add_key(ring=CONFIDENTIAL)
        rotate(ring=CONFIDENTIAL)  # the digests are the personal ring's: nothing to redo
        self.assert_found(expected)
        add_key(ring=PERSONAL)
        # The caller's phone digest refuses first; once rotated, the text's numbers hold.
        with self.assertRaisesMessage(RotationError, "made with k1"):
            retire(kid="k1")
        rotate(ring=PERSONAL)
        retire(kid="k1")
        self.assertTrue(self.raw("orders_order", "content_sealed", order.pk).startswith("v2:c2:"))
        self.assert_found(expected)
