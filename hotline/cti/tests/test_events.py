"""cti_event_record: repeats, out-of-order events, derived times, missed calls."""

from datetime import timedelta

from django.db import connection

from hotline import clock
from hotline.callbacks.models import MissedCall
from hotline.callbacks.services import missed_call_returned
from hotline.core.errors import NotAllowed
from hotline.cti.models import Call, CallEvent
from hotline.cti.protocol import CtiEventIn
from hotline.cti.services import cti_event_record
from hotline.cti.tests.base import CALLER, CtiTestCase
from hotline.privacy.personal import phone_digest


class EventTests(CtiTestCase):
    def setUp(self) -> None:
        self.t0 = clock.now() - timedelta(minutes=5)

    def in_order(self, call_id: str = "c-1") -> Call:
        self.record("newCall", call_id=call_id, at=self.t0)
        self.record("answer", call_id=call_id, at=self.t0 + timedelta(seconds=12), agent="operator")
        return self.record(
            "hangup",
            call_id=call_id,
            at=self.t0 + timedelta(seconds=192),
            agent="operator",
            cause="normalClearing",
            recording="2026/12/c-1.wav",
        ).call

    def state(self, call: Call) -> tuple:
        call = Call.objects.get(pk=call.pk)
        return (
            call.started_at,
            call.rang_at,
            call.answered_at,
            call.ended_at,
            call.answered,
            call.wait_seconds,
            call.talk_seconds,
            call.agent_id,
            call.cause,
            call.recording,
            call.missed_call_id,
        )

    def test_it_derives_waiting_and_talk_time(self):
        call = self.in_order()
        self.assertEqual((call.wait_seconds, call.talk_seconds), (12, 180))
        self.assertTrue(call.answered)
        self.assertEqual(call.agent, self.operator)
        self.assertEqual(call.events.count(), 3)

    def test_it_keeps_the_number_sealed_with_a_digest_and_a_mask(self):
        call = self.in_order()
        self.assertEqual((call.phone_mask, call.line), ("138****5678", "12345"))
        self.assertEqual(call.phone_digest, phone_digest(CALLER))
        raw = Call.objects.filter(pk=call.pk).values_list("phone", flat=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM cti_call WHERE id = %s", [call.pk])
            self.assertNotIn(CALLER, cursor.fetchone()[0])
        self.assertEqual(list(raw), [CALLER])

    def test_a_repeated_event_changes_nothing(self):
        call = self.in_order()
        before = self.state(call)
        again = self.record("answer", at=self.t0 + timedelta(seconds=50), agent="lead")
        self.assertTrue(again.repeated)
        self.assertEqual(self.state(call), before)
        self.assertEqual(CallEvent.objects.count(), 3)

    def test_out_of_order_events_end_in_the_same_state(self):
        reference = self.state(self.in_order("c-1"))
        # hangup first, then answer, then newCall
        self.record(
            "hangup",
            call_id="c-2",
            at=self.t0 + timedelta(seconds=192),
            agent="operator",
            cause="normalClearing",
            recording="2026/12/c-1.wav",
        )
        self.record("answer", call_id="c-2", at=self.t0 + timedelta(seconds=12), agent="operator")
        call = self.record("newCall", call_id="c-2", at=self.t0).call
        self.assertEqual(self.state(call), reference)
        self.assertEqual(MissedCall.objects.count(), 0)

    def test_an_unanswered_in_call_is_one_missed_call(self):
        self.record("newCall", at=self.t0)
        call = self.record("hangup", at=self.t0 + timedelta(seconds=40), cause="cancel").call
        self.record("hangup", at=self.t0 + timedelta(seconds=41), cause="cancel")
        missed = MissedCall.objects.get()
        self.assertEqual(call.missed_call, missed)
        self.assertEqual((missed.source, missed.phone, missed.called_at), ("cti", CALLER, self.t0))
        self.assertFalse(call.answered)
        self.assertEqual((call.wait_seconds, call.talk_seconds), (None, None))

    def test_an_unanswered_out_call_is_no_missed_call(self):
        self.record("newCall", direction="out", **{"from": "12345", "to": CALLER})
        self.record("hangup", direction="out", cause="noAnswer", **{"from": "12345", "to": CALLER})
        self.assertEqual(MissedCall.objects.count(), 0)
        self.assertEqual(Call.objects.get().phone, CALLER)

    def test_a_late_answer_withdraws_the_missed_call_unless_called_back(self):
        self.record("hangup", call_id="c-3", cause="normalClearing")
        self.assertEqual(MissedCall.objects.count(), 1)
        self.record("answer", call_id="c-3", at=self.t0, agent="operator")
        self.assertEqual(MissedCall.objects.count(), 0)

        self.record("hangup", call_id="c-4", cause="normalClearing")
        missed_call_returned(call=MissedCall.objects.get(), actor=self.operator, result="已回拨")
        self.record("answer", call_id="c-4", at=self.t0, agent="operator")
        self.assertEqual(MissedCall.objects.count(), 1)

    def test_only_the_cti_account_may_report(self):
        event = CtiEventIn.model_validate(self.payload("newCall"))
        with self.assertRaises(NotAllowed):
            cti_event_record(actor=self.operator, event=event)
        self.assertEqual(Call.objects.count(), 0)
