"""Text limits (`core.text`): one set of numbers for every form, model, service and the API;
text over a limit is refused with a message saying by how much, never cut, and the browser
is never told to cut it either (`data-maxlength`, not `maxlength`)."""

import re

from hotline.callbacks.models import CallbackAttempt, MissedCall
from hotline.callbacks.services import (
    callback_not_reached,
    callback_reached,
    missed_call_record,
    missed_call_returned,
)
from hotline.clock import frozen_at
from hotline.core.errors import InvalidInput
from hotline.core.forms import LimitedCharField, text_field
from hotline.core.text import (
    MAX_ADDRESS,
    MAX_NAME,
    MAX_NOTE,
    MAX_REASON,
    MAX_SHORT,
    MAX_TEXT,
    MAX_TITLE,
    clean_text,
)
from hotline.orders.forms.actions import ACTION_FORMS
from hotline.orders.forms.handling import CorrectForm, NoteForm, RevealForm, WrittenReplyForm
from hotline.orders.forms.intake import IntakeForm
from hotline.orders.models import Order, Status
from hotline.portal.forms import RateForm, SubmitForm
from hotline.testing import BaseTestCase, aware

URL = "https://example.gov.cn/" + "a" * 167  # 190 characters, no space to break at
PASTE = "反映" * 10_000  # 20,000 characters


def limit_of(form, name: str) -> int:  # type: ignore[no-untyped-def]
    return form.fields[name].max_length


class CleanTextTests(BaseTestCase):
    def test_text_over_the_limit_is_refused_with_its_length_not_cut(self):
        for limit, length in ((MAX_TEXT, 20_000), (MAX_REASON, MAX_REASON + 1), (10, 11)):
            with self.subTest(limit=limit, length=length), self.assertRaises(InvalidInput) as e:
                clean_text("字" * length, field="诉求内容", limit=limit)
            self.assertIn(f"不能超过 {limit} 个字", e.exception.message)
            self.assertIn(f"现在 {length} 个字", e.exception.message)

    def test_text_at_the_limit_is_kept_whole(self):
        self.assertEqual(
            clean_text("字" * MAX_TEXT, field="诉求内容", limit=MAX_TEXT), "字" * MAX_TEXT
        )

    def test_a_line_break_sent_as_crlf_counts_one_as_in_the_browser(self):
        text = "一行\r\n" * 100  # 300 characters in a textarea, 400 as a browser sends it
        self.assertEqual(clean_text(text, field="内容", limit=300), ("一行\n" * 100).strip())


class FieldTests(BaseTestCase):
    def test_a_limited_field_tells_the_counter_its_limit_and_does_not_cut_a_paste(self):
        html = str(SubmitForm()["content"])
        self.assertIn(f'data-maxlength="{MAX_TEXT}"', html)
        self.assertNotRegex(html, r"\smaxlength=")

    def test_a_too_long_value_is_refused_in_chinese_saying_by_how_much(self):
        field = text_field("说明", limit=10)
        from django import forms

        with self.assertRaises(forms.ValidationError) as e:
            field.clean("字" * 25)
        self.assertEqual(
            e.exception.messages, ["不能超过 10 个字（现在 25 个字），请删减后再提交。"]
        )

    def test_crlf_line_breaks_count_one_in_a_field(self):
        from django import forms

        sent = "一二\r\n三四\r\n五"  # 7 characters in the textarea, 9 as sent
        self.assertEqual(text_field("说明", limit=7, rows=2).clean(sent), "一二\n三四\n五")
        with self.assertRaises(forms.ValidationError):
            text_field("说明", limit=6, rows=2).clean(sent)

    def test_no_form_of_the_order_page_portal_or_callbacks_renders_a_cutting_maxlength(self):
        order = self.in_progress_order()
        forms_to_check = [
            *(cls(order=order, user=self.operator) for cls in ACTION_FORMS.values()),
            NoteForm(),
            RevealForm(),
            WrittenReplyForm(order=order),
            CorrectForm(order=order),
            SubmitForm(),
            RateForm(),
        ]
        from hotline.callbacks.forms import NotReachedForm, ReachedForm, ReturnedForm

        forms_to_check += [ReachedForm(), NotReachedForm(), ReturnedForm()]
        for form in forms_to_check:
            for bound in form.visible_fields():
                field = bound.field
                if getattr(field, "max_length", None) is None:
                    continue
                with self.subTest(form=type(form).__name__, field=bound.name):
                    html = str(bound)
                    self.assertIsInstance(field, LimitedCharField)
                    self.assertIn(f'data-maxlength="{field.max_length}"', html)
                    self.assertIsNone(re.search(r"\smaxlength=", html))


class SameLimitsEverywhereTests(BaseTestCase):
    def test_request_content_has_one_limit_at_intake_on_the_portal_in_the_api_and_the_service(self):
        from hotline.api.api import OrderIn

        api_limit = OrderIn.model_json_schema()["properties"]["content"]["maxLength"]
        self.assertEqual(
            {
                limit_of(IntakeForm(user=self.operator), "content"),
                limit_of(SubmitForm(), "content"),
                api_limit,
            },
            {MAX_TEXT},
        )
        self.create_order(content="字" * MAX_TEXT)
        with self.assertRaises(InvalidInput):
            self.create_order(content="字" * (MAX_TEXT + 1))

    def test_a_not_accepted_note_has_one_limit_at_intake_and_on_the_order_page(self):
        order = self.create_order()
        page = ACTION_FORMS["not_accept"](order=order, user=self.operator)
        self.assertEqual(limit_of(IntakeForm(user=self.operator), "exclusion_note"), MAX_REASON)
        self.assertEqual(limit_of(page, "note"), MAX_REASON)

    def test_form_limits_match_the_columns_and_the_services(self):
        from hotline.orders.services import intake

        self.assertEqual(Order._meta.get_field("address").max_length, MAX_ADDRESS)
        self.assertEqual(Order._meta.get_field("title").max_length, MAX_TITLE)
        self.assertEqual(
            (intake.MAX_ADDRESS, intake.MAX_NAME, intake.MAX_TITLE),
            (MAX_ADDRESS, MAX_NAME, MAX_TITLE),
        )
        self.assertEqual(limit_of(SubmitForm(), "address"), MAX_ADDRESS)
        self.assertEqual(limit_of(SubmitForm(), "caller_name"), MAX_NAME)
        self.assertEqual(limit_of(RateForm(), "comment"), MAX_NOTE)
        self.assertEqual(limit_of(RevealForm(), "reason"), MAX_SHORT)
        self.assertEqual(
            CallbackAttempt._meta.get_field("note").max_length, MAX_REASON
        )  # what a reached caller said is kept whole
        self.assertEqual(MissedCall._meta.get_field("result").max_length, MAX_SHORT)


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


class PortalTests(BaseTestCase):
    def submit(self, content: str):  # type: ignore[no-untyped-def]
        return self.client.post(
            "/portal/submit/",
            {"request_type": "consult", "content": content, "caller_phone": "13912345678"},
        )

    def test_the_portal_takes_as_much_as_the_hotline_records(self):
        response = self.submit("请问" + "居" * (MAX_TEXT - 2))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(Order.objects.get().content), MAX_TEXT)

    def test_a_pasted_20000_characters_are_refused_with_the_limit_and_kept(self):
        response = self.submit(PASTE)
        self.assertContains(
            response, f"不能超过 {MAX_TEXT} 个字（现在 20000 个字）", status_code=400
        )
        self.assertContains(response, PASTE, status_code=400)
        self.assertFalse(Order.objects.exists())


class CallbackTests(BaseTestCase):
    def callback_order(self):  # type: ignore[no-untyped-def]
        with frozen_at(aware("2025-10-09 10:00")):
            return self.reply_checked_order()

    def test_what_a_reached_caller_said_is_kept_whole_on_the_try(self):
        order = self.callback_order()
        words = "不满意，" + "路灯还是不亮" * 200  # 1,204 characters
        callback_reached(order=order, actor=self.operator, satisfaction="unsatisfied", note=words)
        self.assertEqual(CallbackAttempt.objects.get().note, words)

    def test_a_too_long_note_on_a_try_is_refused_not_cut(self):
        order = self.callback_order()
        with self.assertRaises(InvalidInput):
            callback_not_reached(order=order, actor=self.operator, note="无人接听" * 200)
        self.assertFalse(CallbackAttempt.objects.exists())

    def test_a_too_long_call_back_result_is_refused_not_cut(self):
        call = missed_call_record(
            phone="13812345678", called_at=aware("2025-10-09 09:00"), actor=self.operator
        )
        with self.assertRaises(InvalidInput):
            missed_call_returned(call=call, actor=self.operator, result="已回拨" * 100)
        call.refresh_from_db()
        self.assertEqual((call.returned_at, call.result), (None, ""))
