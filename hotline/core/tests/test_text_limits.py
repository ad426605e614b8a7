"""Text limits (`core.text`): one set of numbers for every form, model, service and the API;
text over a limit is refused with a message saying by how much, never cut, and the browser
is never told to cut it either (`data-maxlength`, not `maxlength`). The forms of each app are
checked in its own tests (`test_text_limits.py`)."""

import re

from django import forms

from hotline.callbacks.models import CallbackAttempt, MissedCall
from hotline.core.errors import InvalidInput
from hotline.core.forms import text_field
from hotline.core.text import (
    MAX_ADDRESS,
    MAX_NUMBER,
    MAX_REASON,
    MAX_SHORT,
    MAX_TEXT,
    MAX_TITLE,
    clean_text,
)
from hotline.orders.models import Order
from hotline.testing import BaseTestCase


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
    def test_a_too_long_value_is_refused_in_chinese_saying_by_how_much(self):
        field = text_field("说明", limit=10)
        with self.assertRaises(forms.ValidationError) as e:
            field.clean("字" * 25)
        self.assertEqual(
            e.exception.messages, ["不能超过 10 个字（现在 25 个字），请删减后再提交。"]
        )

    def test_crlf_line_breaks_count_one_in_a_field(self):
        sent = "一二\r\n三四\r\n五"  # 7 characters in the textarea, 9 as sent
        self.assertEqual(text_field("说明", limit=7, rows=2).clean(sent), "一二\n三四\n五")
        with self.assertRaises(forms.ValidationError):
            text_field("说明", limit=6, rows=2).clean(sent)

    def test_a_limited_field_tells_the_counter_its_limit_and_no_maxlength(self):
        form = type("F", (forms.Form,), {"text": text_field("说明", limit=MAX_TEXT, rows=3)})()
        html = str(form["text"])
        self.assertIn(f'data-maxlength="{MAX_TEXT}"', html)
        self.assertIsNone(re.search(r"\smaxlength=", html))


class ColumnsTests(BaseTestCase):
    def test_the_columns_have_the_limits_of_their_fields(self):
        self.assertEqual(Order._meta.get_field("address").max_length, MAX_ADDRESS)
        self.assertEqual(Order._meta.get_field("title").max_length, MAX_TITLE)
        self.assertEqual(Order._meta.get_field("number").max_length, MAX_NUMBER)
        # What a reached caller said is kept whole on the callback try.
        self.assertEqual(CallbackAttempt._meta.get_field("note").max_length, MAX_REASON)
        self.assertEqual(MissedCall._meta.get_field("result").max_length, MAX_SHORT)

    def test_the_service_takes_a_request_at_the_limit_and_refuses_one_more(self):
        self.create_order(content="字" * MAX_TEXT)
        with self.assertRaises(InvalidInput):
            self.create_order(content="字" * (MAX_TEXT + 1))
