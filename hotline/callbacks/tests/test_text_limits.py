"""Text limits on the callback screens: what a caller said is kept whole, and a too-long note
or result is refused, not cut."""

from hotline.callbacks.forms import MissedCallForm, NotReachedForm, ReachedForm, ReturnedForm
from hotline.callbacks.models import CallbackAttempt
from hotline.callbacks.services import (
    callback_not_reached,
    callback_reached,
    missed_call_record,
    missed_call_returned,
)
from hotline.clock import frozen_at
from hotline.core.errors import InvalidInput
from hotline.testing import BaseTestCase, assert_no_cutting_maxlength, aware


class CallbackFormsTests(BaseTestCase):
    def test_no_field_of_the_callback_screens_renders_a_cutting_maxlength(self):
        assert_no_cutting_maxlength(
            self, [ReachedForm(), NotReachedForm(), MissedCallForm(), ReturnedForm()]
        )


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
