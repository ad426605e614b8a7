"""Personal data written in an order's texts (issue 13): stored masked with the original
sealed, shown masked on every page and in the API, in clear only after the audited reveal,
searchable by the words around it, and masked in the history of a correction."""

import json
from importlib import import_module

from django.apps import apps as global_apps
from django.db import connection
from django.urls import reverse

from hotline.accounts.models import ApiToken
from hotline.audit.models import AuditEntry
from hotline.orders import services
from hotline.orders.models import Action, Note, NumberDigest, Order, OrderEvent, Reply
from hotline.orders.selectors import OrderFilter, order_list
from hotline.testing import BaseTestCase

ID = "11010519491231002X"
SECOND = "13698765432"
CARD = "6222021234567894"
CONTENT = f"楼道堆物。我的身份证{ID}，另一个电话{SECOND}，卡号{CARD}，张三反映"
ADDRESS = f"幸福路88号 联系电话{SECOND}"
SECRETS = (ID, SECOND, CARD, "13812345678", "张三")


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


class StorageTests(BaseTestCase):
    def test_content_address_and_title_are_stored_masked_and_sealed(self):
        order = self.reload(self.create_order(content=CONTENT, address=ADDRESS))
        for column in ("content", "address", "title", "search_text"):
            stored = raw_column("orders_order", column, order.pk)
            for secret in SECRETS:
                with self.subTest(column=column, secret=secret):
                    self.assertNotIn(secret, stored)
        self.assertIn("110105********002X", order.content)
        self.assertIn("张*反映", order.content)
        self.assertEqual(order.content_sealed, CONTENT)
        self.assertEqual(order.address_sealed, ADDRESS)
        self.assertTrue(raw_column("orders_order", "content_sealed", order.pk).startswith("v2:k"))

    def test_an_order_without_personal_data_seals_nothing(self):
        order = self.reload(
            self.create_order(content="路灯不亮，已经三天了。", address="幸福路88号")
        )
        self.assertEqual((order.content_sealed, order.address_sealed), ("", ""))
        self.assertEqual(order.content, "路灯不亮，已经三天了。")

    def test_replies_notes_and_answers_are_masked_and_sealed(self):
        order = self.in_progress_order()
        services.order_add_note(order=order, actor=self.handler_a, text=f"另留电话{SECOND}")
        services.order_reply(
            order=order, actor=self.handler_a, text=f"已退款至卡号{CARD}，张三确认"
        )
        reply, note = Reply.objects.get(order=order), Note.objects.get(order=order)
        self.assertEqual(reply.text, "已退款至卡号6222********7894，张*确认")
        self.assertEqual(reply.text_sealed, f"已退款至卡号{CARD}，张三确认")
        self.assertEqual(note.text_sealed, f"另留电话{SECOND}")
        event = OrderEvent.objects.filter(order=order, action=Action.NOTE).get()
        self.assertNotIn(SECOND, event.reason)
        other = self.create_order()
        services.order_answer(order=other, actor=self.operator, answer=f"请致电{SECOND}咨询")
        other = self.reload(other)
        self.assertNotIn(SECOND, other.answer)
        self.assertEqual(other.answer_sealed, f"请致电{SECOND}咨询")

    def test_a_corrected_address_leaves_no_clear_number_in_the_history(self):
        order = self.create_order()
        services.order_correct(
            order=order, actor=self.reviewer, reason="地址有误", address=f"幸福路9号 {SECOND}"
        )
        order = self.reload(order)
        self.assertEqual(order.address, "幸福路9号 136****5432")
        self.assertEqual(order.address_sealed, f"幸福路9号 {SECOND}")
        event = OrderEvent.objects.get(order=order, action=Action.CORRECT)
        self.assertNotIn(SECOND, json.dumps(event.data))


class RevealTests(BaseTestCase):
    def test_the_page_shows_masks_until_the_audited_reveal_shows_the_originals(self):
        order = self.in_progress_order(content=CONTENT, address=ADDRESS)
        services.order_reply(order=order, actor=self.handler_a, text=f"已核实卡号{CARD}")
        url = reverse("orders:detail", args=[order.number])
        self.client.force_login(self.handler_a)
        page = self.client.get(url).content.decode()
        for secret in SECRETS:
            with self.subTest(secret=secret):
                self.assertNotIn(secret, page)
        self.assertIn("楼道堆物", page)
        self.client.post(reverse("orders:reveal", args=[order.number]), {"reason": "联系诉求人"})
        page = self.client.get(url).content.decode()
        for secret in SECRETS:
            with self.subTest(secret=secret, revealed=True):
                self.assertIn(secret, page)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEAL_PERSONAL_DATA)
        self.assertEqual(entry.target, order.number)
        self.assertEqual(entry.detail["shown"], ["caller", "content", "address", "reply"])

    def test_another_user_who_did_not_reveal_still_sees_masks(self):
        order = self.in_progress_order(content=CONTENT)
        services.order_reveal_caller(order=order, actor=self.handler_a, reason="联系")
        self.client.force_login(self.operator)
        page = self.client.get(reverse("orders:detail", args=[order.number])).content.decode()
        self.assertNotIn(ID, page)

    def test_an_order_with_numbers_only_in_its_text_offers_the_reveal(self):
        order = self.in_progress_order(content=CONTENT, caller_phone="", caller_name="")
        self.client.force_login(self.handler_a)
        page = self.client.get(reverse("orders:detail", args=[order.number])).content.decode()
        self.assertIn(reverse("orders:reveal", args=[order.number]), page)

    def test_a_number_typed_as_the_reason_is_masked_in_the_audit_trail(self):
        order = self.in_progress_order()
        services.order_reveal_caller(order=order, actor=self.handler_a, reason=f"回拨{SECOND}")
        entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEAL_PERSONAL_DATA)
        self.assertNotIn(SECOND, entry.reason)

    def test_the_api_answers_with_masks(self):
        order = self.dispatched_order(content=CONTENT, address=ADDRESS)
        token = ApiToken.issue(user=self.operator, name="t")[1]
        response = self.client.get(
            f"/api/v1/orders/{order.number}", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        if response.status_code == 403:  # operators may not hold tokens: use the unit's handler
            token = ApiToken.issue(user=self.handler_a, name="t")[1]
            response = self.client.get(
                f"/api/v1/orders/{order.number}", HTTP_AUTHORIZATION=f"Bearer {token}"
            )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.content.decode("unicode_escape")
        self.assertIn("楼道堆物", body)
        for secret in SECRETS:
            with self.subTest(secret=secret):
                self.assertNotIn(secret, body)


class SearchTests(BaseTestCase):
    def search(self, q: str, user=None) -> list[Order]:  # type: ignore[no-untyped-def]
        return list(order_list(user=user or self.operator, filters=OrderFilter(q=q)))

    def test_words_around_a_number_find_the_order(self):
        order = self.create_order(content=CONTENT, address=ADDRESS)
        self.create_order(content="路灯不亮", address="和平路1号")
        self.assertEqual(self.search("幸福路"), [order])

    def test_a_full_number_finds_the_order_through_its_keyed_digest_in_any_written_form(self):
        order = self.create_order(content=CONTENT, address=ADDRESS)
        self.create_order(content="路灯不亮，电话13600001111", address="和平路1号")
        for q in [
            SECOND,
            ID,
            ID.lower(),
            CARD,
            "136 9876 5432",
            "+86-136-9876-5432",
            "６２２２ ０２１２ ３４５６ ７８９４",
        ]:
            with self.subTest(q=q):
                self.assertEqual(self.search(q), [order])
        digests = "".join(NumberDigest.objects.values_list("digest", flat=True))
        self.assertNotIn(SECOND, digests)

    def test_a_number_not_written_or_only_partly_finds_nothing(self):
        self.create_order(content=CONTENT, address=ADDRESS)
        for q in ["13698765433", ID[:-1] + "1", "6222021234567895", "029-87654322"]:
            with self.subTest(q=q):
                self.assertEqual(self.search(q), [])

    def test_the_number_search_keeps_the_users_scope(self):
        order = self.dispatched_order(content=CONTENT)
        self.assertEqual(self.search(SECOND, self.handler_a), [order])
        self.assertEqual(self.search(SECOND, self.handler_b), [])

    def test_a_number_in_a_reply_or_a_correction_finds_the_order(self):
        order = self.in_progress_order()
        services.order_reply(order=order, actor=self.handler_a, text=f"已退至卡号{CARD}")
        services.order_correct(
            order=self.reload(order), actor=self.reviewer, reason="补充", address=f"联系{SECOND}"
        )
        self.assertEqual(self.search(CARD), [order])
        self.assertEqual(self.search(SECOND), [order])


class MigrationTests(BaseTestCase):
    def test_the_data_migration_masks_existing_rows_and_can_run_again(self):
        order = self.in_progress_order()
        Order.objects.filter(pk=order.pk).update(content=CONTENT, address=ADDRESS)
        services.order_reply(order=order, actor=self.handler_a, text="已办理")
        Reply.objects.filter(order=order).update(text=f"卡号{CARD}")
        migration = import_module("hotline.orders.migrations.0024_sec_pii_mask_existing_texts")
        for _run in range(2):
            migration.mask_existing(global_apps, None)
        order = self.reload(order)
        self.assertEqual(order.content_sealed, CONTENT)
        self.assertNotIn(ID, order.content)
        self.assertIn("张*", order.content)
        self.assertNotIn(SECOND, order.address)
        self.assertNotIn(SECOND, order.search_text)
        reply = Reply.objects.get(order=order)
        self.assertEqual((reply.text, reply.text_sealed), ("卡号6222********7894", f"卡号{CARD}"))
        found = order_list(user=self.operator, filters=OrderFilter(q=CARD))
        self.assertEqual(list(found), [order])


class StaffTextTests(BaseTestCase):
    def test_history_reasons_and_urges_keep_only_masks(self):
        order = self.dispatched_order()
        services.order_urge(order=order, actor=self.operator, note=f"市民另留电话{SECOND}，请尽快")
        event = OrderEvent.objects.get(order=order, action=Action.URGE)
        self.assertEqual(event.reason, "市民另留电话136****5432，请尽快")
        self.assertNotIn(SECOND, order.urges.get().note)
        order = services.order_sign(order=self.reload(order), actor=self.handler_a)
        services.order_reply(order=order, actor=self.handler_a, text="已办理")
        order = services.order_decide_reply(
            order=self.reload(order),
            actor=self.manager_a,
            approve=False,
            reason=f"张三说卡号{CARD}不对",
        )
        event = OrderEvent.objects.get(order=order, action=Action.REPLY_REJECTED)
        self.assertEqual(event.reason, "张*说卡号6222********7894不对")

    def test_a_callback_note_keeps_only_masks(self):
        from hotline.callbacks.models import CallbackAttempt
        from hotline.callbacks.services import callback_not_reached

        order = self.reply_checked_order()
        callback_not_reached(order=order, actor=self.operator, note=f"改拨{SECOND}无人接")
        self.assertEqual(CallbackAttempt.objects.get().note, "改拨136****5432无人接")

    def test_a_review_opinion_keeps_only_masks(self):
        order = self.create_order(request_type="complaint", category="urban.02")
        order = services.order_submit_for_review(
            order=order, actor=self.operator, opinion=f"投诉人另留电话{SECOND}，建议转城管"
        )
        self.assertEqual(
            self.reload(order).preliminary_opinion, "投诉人另留电话136****5432，建议转城管"
        )


class ListsAndDuplicatesTests(BaseTestCase):
    def test_the_units_inbox_and_the_list_show_only_masks(self):
        order = self.dispatched_order(content=CONTENT, address=ADDRESS, title=f"身份证{ID}的事")
        for user, url in [
            (self.handler_a, reverse("orders:unit")),
            (self.operator, reverse("orders:list")),
        ]:
            self.client.force_login(user)
            page = self.client.get(url).content.decode()
            with self.subTest(url=url):
                self.assertIn(order.number, page)
                for secret in SECRETS:
                    self.assertNotIn(secret, page)

    def test_the_duplicate_finder_still_finds_the_same_matter_with_its_numbers_masked(self):
        from hotline.orders.selectors import related_candidates

        order = self.create_order(content=CONTENT, address=ADDRESS, caller_phone="13700001111")
        found = related_candidates(
            user=self.operator,
            category_id=order.category_id,
            content=CONTENT,
            address=ADDRESS,
        )
        self.assertEqual([c.order for c in found][:1], [order])
        self.assertIn("内容相似", found[0].why)
