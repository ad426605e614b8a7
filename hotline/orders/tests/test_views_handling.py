"""`views/handling.py`: the note, assisting part, written reply and urge acknowledgement
forms on the order page, and who may post them."""

from typing import Any

from django.urls import reverse

from hotline.orders import services
from hotline.orders.models import Action, Attachment, Order, Reply, Status, Urge
from hotline.orders.tests.base import EXE, PDF, OrderTestCase, upload


class HandlingPageTests(OrderTestCase):
    def url(self, name: str, order: Order, *args: Any) -> str:
        return reverse(f"orders:{name}", args=[order.number, *args])

    def test_handler_adds_a_contact_record_on_the_order_page(self):
        order = self.in_progress_order()
        self.client.force_login(self.handler_a)
        page = self.client.get(self.url("detail", order))
        self.assertContains(page, f'action="{self.url("note", order)}"')
        response = self.client.post(
            self.url("note", order),
            {"note-kind": "contact", "note-method": "phone", "note-text": "电话联系，约定上门。"},
        )
        self.assertRedirects(response, self.url("detail", order), fetch_redirect_response=False)
        note = order.notes.get()
        self.assertEqual(
            (note.kind, note.method, note.author), ("contact", "phone", self.handler_a)
        )
        page = self.client.get(self.url("detail", order))
        self.assertContains(page, "电话联系，约定上门。")
        self.assertContains(page, "已记录。")

    def test_contact_without_a_method_is_shown_again_with_the_reason(self):
        order = self.in_progress_order()
        self.client.force_login(self.handler_a)
        response = self.client.post(
            self.url("note", order), {"note-kind": "contact", "note-text": "联系了"}
        )
        self.assertContains(response, "请选择联系方式。", status_code=400)
        self.assertContains(response, "联系了", status_code=400)
        self.assertFalse(order.notes.exists())

    def test_other_unit_gets_404_from_every_handling_page(self):
        order = self.in_progress_order()
        services.order_urge(order=order, actor=self.operator, note="请尽快")
        urge = Urge.objects.get()
        before = self.snapshot(order)
        self.client.force_login(self.handler_b)
        posts = {
            self.url("note", order): {"note-kind": "note", "note-text": "看看"},
            self.url("assist", order): {"assist-text": "意见"},
            self.url("written-reply", order): {"written-version": 1, "written-text": "答复"},
            self.url("urge-ack", order, urge.pk): {},
        }
        for url, data in posts.items():
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, data).status_code, 404)
        self.assertEqual(self.snapshot(order), before)

    def test_handling_pages_refuse_get_and_anonymous(self):
        order = self.in_progress_order()
        self.client.force_login(self.handler_a)
        self.assertEqual(self.client.get(self.url("note", order)).status_code, 405)
        self.client.logout()
        response = self.client.post(self.url("note", order), {"note-text": "x"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])
        self.assertFalse(order.notes.exists())

    def test_assisting_unit_submits_its_part_on_the_order_page(self):
        order = self.assisted_order()
        self.client.force_login(self.handler_b)
        page = self.client.get(self.url("detail", order))
        self.assertContains(page, "提交协办意见")
        response = self.client.post(self.url("assist", order), {"assist-text": "证照齐全。"})
        self.assertRedirects(response, self.url("detail", order), fetch_redirect_response=False)
        self.assertEqual(order.replies.get().state, Reply.State.ASSIST)
        # The lead unit is not offered the assisting form, and is refused if it posts.
        self.client.force_login(self.handler_a)
        self.assertNotContains(self.client.get(self.url("detail", order)), "提交协办意见")
        response = self.client.post(self.url("assist", order), {"assist-text": "x"})
        self.assertContains(response, "只有协办单位可以提交协办意见。", status_code=403)
        self.assertEqual(order.replies.count(), 1)

    def test_operator_records_a_written_reply_with_the_scan_on_the_order_page(self):
        order = self.in_progress_order()
        self.client.force_login(self.operator)
        page = self.client.get(self.url("detail", order))
        self.assertContains(page, "代录书面答复")
        response = self.client.post(
            self.url("written-reply", order),
            {
                "written-version": self.reload(order).version,
                "written-text": "书面答复：已拆除。",
                "written-scans": [upload("答复函.pdf", PDF)],
            },
        )
        self.assertRedirects(response, self.url("detail", order), fetch_redirect_response=False)
        order = self.reload(order)
        self.assertEqual(order.status, Status.REPLY_CHECK)
        self.assertEqual(order.attachments.get().kind, Attachment.Kind.WRITTEN_REPLY)
        # A unit handler is not offered the form.
        self.client.force_login(self.handler_a)
        self.assertNotContains(
            self.client.get(self.url("detail", self.in_progress_order())),
            "代录书面答复（第十五条）",
        )

    def test_a_written_reply_with_a_bad_file_is_refused_on_the_page(self):
        order = self.in_progress_order()
        before = self.snapshot(order)
        self.client.force_login(self.operator)
        response = self.client.post(
            self.url("written-reply", order),
            {
                "written-version": self.reload(order).version,
                "written-text": "书面答复：已拆除。",
                "written-scans": [upload("答复函.pdf", EXE)],
            },
        )
        self.assertContains(response, "格式不支持", status_code=400)
        self.assertContains(response, "书面答复：已拆除。", status_code=400)
        self.assertEqual(self.snapshot(order), before)

    def test_a_second_operator_recording_the_same_paper_reply_is_told_the_order_changed(self):
        order = self.in_progress_order()
        seen = self.reload(order).version
        data = {"written-version": seen, "written-text": "书面答复：已拆除。"}
        self.client.force_login(self.operator)
        first = self.client.post(
            self.url("written-reply", order), {**data, "written-scans": [upload("a.pdf", PDF)]}
        )
        self.assertEqual(first.status_code, 302)
        self.client.force_login(self.lead)
        second = self.client.post(
            self.url("written-reply", order), {**data, "written-scans": [upload("b.pdf", PDF)]}
        )
        self.assertContains(second, "工单已被他人更新", status_code=409)
        self.assertContains(second, "答复待审查", status_code=409)
        self.assertEqual(self.reload(order).replies.count(), 1)
        self.assertEqual(self.reload(order).attachments.count(), 1)

    def test_unit_acknowledges_an_urge_on_the_order_page(self):
        order = self.in_progress_order()
        services.order_urge(order=order, actor=self.operator, note="市民再次来电")
        urge = Urge.objects.get()
        ack = self.url("urge-ack", order, urge.pk)
        self.client.force_login(self.operator)
        page = self.client.get(self.url("detail", order))
        self.assertNotContains(page, f'action="{ack}"')
        self.assertContains(page, "待单位确认")

        self.client.force_login(self.handler_a)
        self.assertContains(self.client.get(self.url("detail", order)), f'action="{ack}"')
        response = self.client.post(ack)
        self.assertRedirects(response, self.url("detail", order), fetch_redirect_response=False)
        page = self.client.get(self.url("detail", order))
        self.assertContains(page, "已确认催办。")
        self.assertNotContains(page, f'action="{ack}"')
        urge.refresh_from_db()
        self.assertEqual(urge.acknowledged_by, self.handler_a)

        self.client.force_login(self.manager_a)
        response = self.client.post(ack, follow=True)
        self.assertContains(response, "该催办已由")
        self.assertEqual(order.events.filter(action=Action.URGE_ACK).count(), 1)

    def test_acknowledging_an_urge_of_another_order_is_refused(self):
        order = self.in_progress_order()
        other = self.in_progress_order()
        services.order_urge(order=other, actor=self.operator, note="请尽快")
        urge = Urge.objects.get()
        self.client.force_login(self.handler_a)
        response = self.client.post(self.url("urge-ack", order, urge.pk))
        # The unit was not urged on this order: refused before the urge is looked up.
        self.assertEqual(response.status_code, 403)
        urge.refresh_from_db()
        self.assertIsNone(urge.acknowledged_at)
