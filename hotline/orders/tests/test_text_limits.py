"""Text limits on the order screens: every field of the order page counts and refuses, never
cuts, and intake and the order page give one note the same limit."""

from hotline.core.text import MAX_REASON, MAX_TEXT
from hotline.orders.forms.actions import ACTION_FORMS
from hotline.orders.forms.handling import (
    AssistReplyForm,
    CorrectForm,
    NoteForm,
    RevealForm,
    WrittenReplyForm,
)
from hotline.orders.forms.intake import IntakeForm
from hotline.orders.models import Status
from hotline.testing import BaseTestCase, assert_no_cutting_maxlength, limit_of


class OrderFormsTests(BaseTestCase):
    def test_no_field_of_the_order_page_renders_a_cutting_maxlength(self):
        order = self.in_progress_order()
        assert_no_cutting_maxlength(
            self,
            [
                *(cls(order=order, user=self.operator) for cls in ACTION_FORMS.values()),
                NoteForm(),
                RevealForm(),
                AssistReplyForm(),
                WrittenReplyForm(order=order),
                CorrectForm(order=order),
            ],
        )

    def test_the_intake_screen_renders_no_cutting_maxlength_on_its_free_text(self):
        form = IntakeForm(user=self.operator)
        for name in ("caller_name", "address", "content", "answer", "exclusion_note", "opinion"):
            html = str(form[name])
            self.assertNotIn(" maxlength=", html, name)
            self.assertIn("data-maxlength=", html, name)

    def test_twenty_thousand_pasted_characters_at_intake_are_refused_and_kept(self):
        from django.urls import reverse

        from hotline.orders.models import Order

        self.client.force_login(self.operator)
        pasted = "漏" * 20_000
        response = self.client.post(
            reverse("orders:intake"),
            {"request_type": "help", "content": pasted, "outcome": "register"},
        )
        self.assertContains(response, "不能超过 4000 个字（现在 20000 个字）", status_code=400)
        self.assertContains(response, pasted, status_code=400)
        self.assertFalse(Order.objects.exists())

    def test_request_content_has_the_one_limit_at_intake(self):
        self.assertEqual(limit_of(IntakeForm(user=self.operator), "content"), MAX_TEXT)

    def test_a_not_accepted_note_has_one_limit_at_intake_and_on_the_order_page(self):
        order = self.create_order()
        page = ACTION_FORMS["not_accept"](order=order, user=self.operator)
        self.assertEqual(limit_of(IntakeForm(user=self.operator), "exclusion_note"), MAX_REASON)
        self.assertEqual(limit_of(page, "note"), MAX_REASON)


class OrderPageTests(BaseTestCase):
    def test_a_too_long_reply_is_refused_with_a_message_and_changes_nothing(self):
        order = self.in_progress_order()
        self.client.force_login(self.handler_a)
        text = "已处理" + "。" * MAX_TEXT
        response = self.client.post(
            f"/orders/{order.number}/act/reply/",
            {"reply-version": order.version, "reply-text": text},
        )
        self.assertContains(response, f"不能超过 {MAX_TEXT} 个字", status_code=400)
        self.assertContains(response, text, status_code=400)  # kept in the field to shorten
        order = self.reload(order)
        self.assertEqual((order.status, order.replies.count()), (Status.IN_PROGRESS, 0))

    def test_a_too_long_reason_is_refused_for_each_kind_of_decision(self):
        order = self.in_progress_order(request_type="complaint")
        for user, action, field in (
            (self.handler_a, "return", "reason"),
            (self.handler_a, "extension_request", "reason"),
            (self.operator, "urge", "note"),
        ):
            self.client.force_login(user)
            with self.subTest(action=action):
                response = self.client.post(
                    f"/orders/{order.number}/act/{action}/",
                    {
                        f"{action}-version": order.version,
                        f"{action}-{field}": "理" * (MAX_REASON + 1),
                    },
                )
                self.assertContains(response, f"不能超过 {MAX_REASON} 个字", status_code=400)
                self.assertEqual(self.reload(order).version, order.version)
