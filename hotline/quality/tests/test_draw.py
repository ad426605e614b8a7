"""The weekly sample: per operator, within the week's local dates, the configured counts,
drawn once."""

import random
from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from hotline import clock
from hotline.audit.models import AuditEntry
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.cti.models import Call
from hotline.cti.protocol import CtiEventIn
from hotline.cti.services import cti_event_record
from hotline.quality.models import Check, Kind, Sample
from hotline.quality.services import quality_sample_draw, quality_sample_draw_due
from hotline.quality.tests.base import AFTER_WEEK, WEEK, QualityTestCase
from hotline.testing import aware


class DrawTests(QualityTestCase):
    def test_each_operator_gets_the_configured_number_of_calls_and_orders(self):
        for n in range(5):
            self.call(agent=self.operator, at=aware(f"2026-11-17 10:0{n}"))
            self.order_by(self.operator, at=aware(f"2026-11-18 11:0{n}"))
        self.call(agent=self.operator2, at=aware("2026-11-19 09:00"))
        sample = self.draw()
        mine = sample.checks.filter(operator=self.operator)
        self.assertEqual(mine.filter(kind=Kind.CALL).count(), 3)
        self.assertEqual(mine.filter(kind=Kind.ORDER).count(), 3)
        # Fewer than asked for: all of them.
        self.assertEqual(sample.checks.filter(operator=self.operator2).count(), 1)
        self.assertEqual((sample.calls_per_operator, sample.orders_per_operator), (3, 3))

    @override_settings(HOTLINE_QUALITY_CALLS_PER_OPERATOR=1, HOTLINE_QUALITY_ORDERS_PER_OPERATOR=2)
    def test_the_counts_come_from_the_settings(self):
        for n in range(4):
            self.call(agent=self.operator, at=aware(f"2026-11-17 10:0{n}"))
            self.order_by(self.operator, at=aware(f"2026-11-18 11:0{n}"))
        sample = self.draw()
        self.assertEqual(sample.checks.filter(kind=Kind.CALL).count(), 1)
        self.assertEqual(sample.checks.filter(kind=Kind.ORDER).count(), 2)
        self.assertEqual((sample.calls_per_operator, sample.orders_per_operator), (1, 2))

    def test_a_call_at_23_30_on_sunday_belongs_to_that_week_and_00_10_monday_to_the_next(self):
        sunday = self.call(agent=self.operator, at=aware("2026-11-22 23:30"))
        monday = self.call(agent=self.operator, at=aware("2026-11-23 00:10"))
        before = self.call(agent=self.operator, at=aware("2026-11-15 23:59"))
        first = self.order_by(self.operator, at=aware("2026-11-16 00:00"))
        late = self.order_by(self.operator, at=aware("2026-11-23 00:10"))
        sample = self.draw()
        self.assertEqual(set(sample.checks.values_list("call_id", flat=True)) - {None}, {sunday.pk})
        self.assertEqual(set(sample.checks.values_list("order_id", flat=True)) - {None}, {first.pk})
        following = quality_sample_draw(
            week_start=WEEK + timedelta(days=7), actor=self.lead, now=aware("2026-12-01 09:00")
        )
        self.assertEqual(
            {c.call_id or c.order_id for c in following.checks.all()}, {monday.pk, late.pk}
        )
        self.assertFalse(Check.objects.filter(call=before).exists())

    def test_drawing_a_week_twice_returns_the_same_sample(self):
        self.call(agent=self.operator, at=aware("2026-11-17 10:00"))
        first = self.draw()
        self.call(agent=self.operator, at=aware("2026-11-17 11:00"))
        again = self.draw(actor=self.lead2)
        self.assertEqual(again.pk, first.pk)
        self.assertEqual(Sample.objects.count(), 1)
        self.assertEqual(again.checks.count(), 1)

    def test_the_seed_is_kept_and_repeats_the_draw(self):
        for n in range(6):
            self.call(agent=self.operator, at=aware(f"2026-11-17 10:0{n}"))
        sample = self.draw()
        ids = sorted(Call.objects.values_list("pk", flat=True))
        expected = sorted(random.Random(int(sample.seed)).sample(ids, 3))
        self.assertEqual(sorted(sample.checks.values_list("call_id", flat=True)), expected)

    def test_only_centre_staff_are_sampled(self):
        self.order_by(self.reviewer, at=aware("2026-11-17 10:00"))
        lead_order = self.order_by(self.lead, at=aware("2026-11-17 10:05"))
        sample = self.draw()
        self.assertEqual(list(sample.checks.values_list("order_id", flat=True)), [lead_order.pk])

    def test_an_unanswered_call_is_not_sampled(self):
        body = {"event": "newCall", "call_id": "lost", "direction": "in", "from": "13812345678"}
        body["at"] = aware("2026-11-17 10:00").isoformat()
        cti_event_record(actor=self.cti, event=CtiEventIn.model_validate(body))
        self.assertFalse(self.draw().checks.exists())

    def test_a_week_not_over_cannot_be_drawn(self):
        with self.assertRaisesMessage(WrongState, "该周尚未结束"):
            quality_sample_draw(week_start=WEEK, actor=self.lead, now=aware("2026-11-22 23:59"))
        self.assertFalse(Sample.objects.exists())

    def test_the_week_starts_on_a_monday(self):
        with self.assertRaisesMessage(InvalidInput, "周一"):
            quality_sample_draw(week_start=date(2026, 11, 17), actor=self.lead, now=AFTER_WEEK)

    def test_an_operator_cannot_draw(self):
        for person in (self.operator, self.reviewer, self.supervisor):
            with self.subTest(person=person.username), self.assertRaises(NotAllowed):
                quality_sample_draw(week_start=WEEK, actor=person, now=AFTER_WEEK)

    def test_the_draw_is_audited(self):
        self.draw()
        entry = AuditEntry.objects.get(action="quality.sample_draw")
        self.assertEqual(entry.actor, self.lead)
        self.assertIn("2026-11-16", entry.reason)

    def test_the_scheduled_draw_takes_last_week_once(self):
        self.call(agent=self.operator, at=aware("2026-11-20 10:00"))
        sample = quality_sample_draw_due(now=aware("2026-11-23 00:05"))
        assert sample is not None
        self.assertEqual(sample.week_start, WEEK)
        self.assertIsNone(sample.drawn_by)
        self.assertEqual(sample.checks.count(), 1)
        with self.assertNumQueries(1):
            self.assertIsNone(quality_sample_draw_due(now=aware("2026-11-25 10:00")))

    def test_the_tick_draws_last_weeks_sample(self):
        self.order_by(self.operator, at=aware("2026-11-20 10:00"))
        with clock.frozen_at(aware("2026-11-23 08:00")):
            call_command("tick", stdout=StringIO())
        self.assertEqual(Sample.objects.get().checks.count(), 1)
