"""Confidential orders (Art. 23; issue 13): their text and caller sealed under the separate
confidential key, nothing of them in a raw read of the database, in searches, in messages or
in the history, and every view of one by its readers written to the audit trail."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.urls import reverse

from hotline.accounts.models import ApiToken
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.audit.models import AuditEntry
from hotline.notifications.models import Notification
from hotline.orders import messages, services
from hotline.orders.models import CONFIDENTIAL_PLACEHOLDER, Order, OrderEvent
from hotline.orders.selectors import OrderFilter, order_list, orders_from_phone
from hotline.orders.tests.base import OrderTestCase
from hotline.privacy.crypto import PERSONAL, Sealed, seal, token_info
from hotline.units.models import Unit

TITLE = "举报城管队员吃拿卡要"
ADDRESS = "幸福路12号红星小区"
SECRET = "举报某中队队员收受红包，请为我保密。"
NAME, PHONE = "欧阳明月", "13987654321"
# What must never be found in clear: pieces of each, as a search or a reader would look.
PIECES = ("吃拿卡要", "幸福路", "红星小区", "收受红包", "为我保密", NAME, "87654321")


class ConfidentialTestCase(OrderTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.operator_b = account_create(
            username="operator.b",
            roles=[Role.OPERATOR],
            unit=Unit.objects.get(code="callcenter"),
            password="x-Pass-1234",
        )

    def secret_order(self, **kwargs) -> Order:
        defaults = {
            "title": TITLE,
            "address": ADDRESS,
            "content": SECRET,
            "caller_name": NAME,
            "caller_phone": PHONE,
            "is_confidential": True,
        }
        return self.create_order(**{**defaults, **kwargs})

    def raw_rows(self, sql: str, params: list) -> str:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return repr(cursor.fetchall())

    def assert_no_piece(self, text: str) -> None:
        for piece in PIECES:
            self.assertNotIn(piece, text)


class StorageTests(ConfidentialTestCase):
    def test_a_raw_read_finds_neither_the_text_nor_the_caller(self):
        order = self.secret_order()
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM orders_order WHERE id = %s", [order.pk])
            row = dict(zip([c[0] for c in cursor.description], cursor.fetchone(), strict=True))
        self.assert_no_piece(repr(row))
        self.assertEqual((row["title"], row["address"]), (CONFIDENTIAL_PLACEHOLDER, ""))
        self.assertEqual((row["content"], row["search_text"]), (CONFIDENTIAL_PLACEHOLDER, ""))
        self.assertEqual((row["caller_name_mask"], row["caller_phone_mask"]), ("（保密）",) * 2)
        for column in (
            "caller_name",
            "caller_phone",
            "confidential_title",
            "confidential_address",
            "confidential_content",
        ):
            with self.subTest(column=column):
                self.assertEqual(token_info(row[column]).kid[0], "c")  # the confidential ring
        # Nor its history, its search index, its messages, the rest of the database.
        self.assert_no_piece(
            self.raw_rows("SELECT * FROM orders_orderevent WHERE order_id = %s", [order.pk])
        )
        if connection.vendor == "sqlite":  # the full-text index exists on SQLite only
            self.assert_no_piece(
                self.raw_rows("SELECT * FROM orders_order_search WHERE rowid = %s", [order.pk])
            )
        self.assert_no_piece(self.raw_rows("SELECT * FROM notifications_notification", []))
        self.assert_no_piece(self.raw_rows("SELECT * FROM audit_auditentry", []))

    def test_the_order_reads_as_the_placeholder_until_opened(self):
        order = self.secret_order()
        self.assertEqual(order.content, SECRET)  # the instance that recorded it keeps it
        fresh = self.reload(order)
        self.assertEqual((fresh.title, fresh.content), (CONFIDENTIAL_PLACEHOLDER,) * 2)
        self.assertEqual((fresh.caller_name, fresh.caller_phone), (NAME, PHONE))
        fresh.reveal_confidential()
        self.assertEqual((fresh.title, fresh.address, fresh.content), (TITLE, ADDRESS, SECRET))
        # Saving an order that was not opened keeps its text; one that was, too.
        fresh = self.reload(order)
        fresh.save()
        again = self.reload(order)
        again.reveal_confidential()
        again.save()
        last = self.reload(order)
        last.reveal_confidential()
        self.assertEqual((last.title, last.address, last.content), (TITLE, ADDRESS, SECRET))
        # An opened order reloaded from the database holds the placeholder, and saving it
        # then keeps the sealed text (an empty address included).
        empty = self.secret_order(address="")
        empty.refresh_from_db()
        self.assertEqual(empty.content, CONFIDENTIAL_PLACEHOLDER)
        empty.save()
        empty = self.reload(empty)
        empty.reveal_confidential()
        self.assertEqual((empty.address, empty.content), ("", SECRET))

    def test_an_ordinary_order_keeps_its_text_in_clear(self):
        order = self.create_order(title=TITLE, content=SECRET)
        row = Order.objects.filter(pk=order.pk).values("title", "content", "confidential_content")
        self.assertEqual(
            list(row), [{"title": TITLE, "content": SECRET, "confidential_content": ""}]
        )

    def test_confidential_orders_recorded_before_are_sealed_by_the_migration(self):
        order = self.secret_order()
        Order.objects.filter(pk=order.pk).update(
            title=TITLE,
            address=ADDRESS,
            content=SECRET,
            confidential_title="",
            confidential_address="",
            confidential_content="",
            caller_name=Sealed(seal(NAME, context="orders.order.caller_name", key=PERSONAL)),
        )
        migration = importlib.import_module(
            "hotline.orders.migrations.0022_sec_keys_confidential_text"
        )
        migration.seal_confidential_orders(apps, SimpleNamespace(connection=connection))
        self.assert_no_piece(self.raw_rows("SELECT * FROM orders_order WHERE id = %s", [order.pk]))
        fresh = self.reload(order)
        self.assertTrue(
            self.raw_rows(
                "SELECT caller_name FROM orders_order WHERE id = %s", [order.pk]
            ).startswith("[('v2:c")
        )
        fresh.reveal_confidential()
        self.assertEqual(
            (fresh.title, fresh.address, fresh.content, fresh.caller_name),
            (TITLE, ADDRESS, SECRET, NAME),
        )


class SearchAndMessageTests(ConfidentialTestCase):
    def test_its_words_find_it_in_no_ones_search(self):
        secret = self.secret_order()
        ordinary = self.create_order(title=TITLE, address=ADDRESS, content=SECRET)
        for user in (self.operator, self.operator_b, self.lead, self.reviewer, self.supervisor):
            for q in ("吃拿卡要", "幸福路", "红星小区"):
                with self.subTest(user=user.username, q=q):
                    found = set(order_list(user=user, filters=OrderFilter(q=q)))
                    self.assertNotIn(secret, found)
                    self.assertIn(ordinary, found)  # the search itself works
        # Its caller's history: only for those who may see it.
        self.assertIn(secret, orders_from_phone(user=self.operator, phone=PHONE))
        self.assertNotIn(secret, orders_from_phone(user=self.operator_b, phone=PHONE))
        self.assertNotIn(secret, orders_from_phone(user=self.supervisor, phone=PHONE))

    def test_no_message_carries_its_text(self):
        order = self.dispatched_order(
            title=TITLE, address=ADDRESS, content=SECRET, is_confidential=True
        )
        order = services.order_sign(order=order, actor=self.manager_a)
        # The caller's result SMS, as closing an order sends it (with a result in it).
        event = OrderEvent.objects.filter(order=order).order_by("-id").first()
        messages.result_to_caller(self.reload(order), event, "已查实处理。")
        sent = Notification.objects.filter(order=order)
        self.assertTrue(sent.filter(kind="feedback").exists())  # the caller was told
        self.assertGreater(sent.count(), 1)  # and the unit
        for note in sent:
            self.assert_no_piece(note.body)
        self.assert_no_piece(self.raw_rows("SELECT * FROM notifications_notification", []))
        self.assert_no_piece(
            self.raw_rows("SELECT * FROM orders_orderevent WHERE order_id = %s", [order.pk])
        )

    def test_a_correction_keeps_no_text_in_the_history(self):
        order = self.secret_order()
        services.order_correct(
            order=order, actor=self.reviewer, reason="标题更正", title="举报某中队违规收费"
        )
        event = OrderEvent.objects.filter(order=order).order_by("-id").first()
        self.assertNotIn("违规收费", repr(event.data))
        self.assertNotIn("吃拿卡要", repr(event.data))
        fresh = self.reload(order)
        fresh.reveal_confidential()
        self.assertEqual((fresh.title, fresh.content), ("举报某中队违规收费", SECRET))


class ViewAuditTests(ConfidentialTestCase):
    def views(self) -> list[AuditEntry]:
        return list(
            AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_CONFIDENTIAL).order_by("seq")
        )

    def test_each_page_view_is_audited_once_with_the_viewer(self):
        order = self.secret_order()  # the operator recorded it and tracks it
        url = reverse("orders:detail", args=[order.number])
        self.client.force_login(self.operator)
        page = self.client.get(url)
        self.assertContains(page, "红星小区")
        self.assertContains(page, "收受红包")
        [entry] = self.views()
        self.assertEqual(
            (entry.actor, entry.target, entry.detail),
            (self.operator, order.number, {"via": "page"}),
        )
        # An htmx refresh of part of the page is not a new view; a reload is.
        self.client.get(url, HTTP_HX_REQUEST="true")
        self.assertEqual(len(self.views()), 1)
        self.client.get(url)
        self.client.force_login(self.reviewer)
        self.assertContains(self.client.get(url), "收受红包")
        self.assertEqual(
            [e.actor for e in self.views()], [self.operator, self.operator, self.reviewer]
        )

    def test_those_who_may_not_see_it_get_404_and_no_view_is_recorded(self):
        order = self.secret_order()
        for user in (self.operator_b, self.supervisor, self.handler_b, self.sysadmin):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(
                    self.client.get(reverse("orders:detail", args=[order.number])).status_code, 404
                )
        self.assertEqual(self.views(), [])

    def test_an_ordinary_order_page_is_not_a_confidential_view(self):
        order = self.create_order()
        self.client.force_login(self.operator)
        self.assertEqual(
            self.client.get(reverse("orders:detail", args=[order.number])).status_code, 200
        )
        self.assertEqual(self.views(), [])

    def test_an_api_read_is_audited_and_lists_show_only_the_placeholder(self):
        order = self.secret_order()
        token = ApiToken.issue(user=self.reviewer, name="test")[1]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        listed = self.client.get("/api/v1/orders", **auth)
        self.assertEqual(listed.status_code, 200, listed.content)
        self.assert_no_piece(listed.content.decode())
        self.assertEqual(self.views(), [])
        one = self.client.get(f"/api/v1/orders/{order.number}", **auth)
        self.assertEqual(one.status_code, 200, one.content)
        self.assertEqual((one.json()["content"], one.json()["address"]), (SECRET, ADDRESS))
        [entry] = self.views()
        self.assertEqual((entry.actor, entry.detail), (self.reviewer, {"via": "api"}))
