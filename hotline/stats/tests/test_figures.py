"""Every figure on the hand-made November (`base.py`), computed live, from stored days, and
for one unit."""

from datetime import date, timedelta

from django.test import SimpleTestCase

from hotline import clock
from hotline.stats import counting
from hotline.stats.counting import order_counters
from hotline.stats.figures import HOTLINE_FIGURE, HOTLINE_FIGURES, HOTLINE_GROUPS
from hotline.stats.models import CountedDay, DailyCount
from hotline.stats.periods import Period, period_of
from hotline.stats.selectors import period_figures
from hotline.stats.tests.base import NOW, NovemberTestCase
from hotline.testing import aware

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30), "month")


class HotlineFiguresTest(NovemberTestCase):
    def figures(self, **kwargs):  # type: ignore[no-untyped-def]
        return period_figures(period=NOVEMBER, now=NOW, **kwargs)

    def test_requests_count_on_their_local_received_date(self):
        figures = self.figures()
        # o1 (10-31 23:30 local, 15:30 UTC) is October's; o2 (11-01 00:10) and o8 (11-30
        # 23:50 local, already 12-01 in no zone but ours... 15:50 UTC on 11-30) are November's.
        self.assertEqual(figures["received"], 9)
        self.assertEqual(figures["by_type"], {"help": 5, "complaint": 2, "consult": 2})
        self.assertEqual(figures["by_channel"], {"phone": 9})
        self.assertEqual(sum(figures["by_hour"].values()), 9)
        self.assertEqual(figures["by_hour"]["0"], 1)  # o2 at 00:10
        self.assertEqual(figures["by_hour"]["23"], 1)  # o8 at 23:50

    def test_october_holds_only_the_order_of_its_last_evening(self):
        october = period_figures(period=period_of("month", date(2026, 10, 5)), now=NOW)
        self.assertEqual(october["received"], 1)
        self.assertEqual(october["figures"]["calls_received"], 1)

    def test_intake_figures(self):
        f = self.figures()["figures"]
        self.assertEqual(f["not_accepted"], 1)
        self.assertEqual(f["accepted"], 8)
        self.assertEqual(f["answered_at_once"], 2)
        self.assertAlmostEqual(f["direct_answer_rate"], 2 / 8)
        self.assertAlmostEqual(f["knowledge_rate"], 1 / 2)
        self.assertEqual(f["dispatched"], 5)  # o2, o3, o7, o8, o10
        self.assertEqual(f["merged"], 1)
        self.assertEqual(self.figures()["not_accepted_by_reason"], {self.exclusion_code(): 1})

    def exclusion_code(self) -> str:
        return self.orders["o6"].__class__.objects.get(pk=self.orders["o6"].pk).exclusion_id

    def test_handling_figures(self):
        f = self.figures()["figures"]
        # Replied: o2 (on time), o3 (late), o7 (on time); overdue and unreplied at 12-10: o8
        # (due 12-02) and o10 (extended, due 11-30).
        self.assertAlmostEqual(f["on_time_rate"], 2 / 5)
        self.assertEqual(f["overdue"], 3)
        self.assertEqual(f["extended"], 1)
        self.assertEqual(f["returned"], 1)
        self.assertEqual(f["reopened"], 0)
        # Rated: o2 满意, o3 不满意, o7 基本满意 (o9 shares o7's result but was not rated).
        self.assertAlmostEqual(f["satisfaction_rate"], 2 / 3)
        self.assertEqual(f["unsatisfied"], 1)

    def test_call_figures(self):
        f = self.figures()["figures"]
        self.assertEqual(f["calls_received"], 4)
        self.assertEqual(f["calls_answered"], 3)
        self.assertAlmostEqual(f["connect_rate"], 3 / 4)
        # Answered within 15 s: the 5 s and the 15 s calls, not the 20 s one.
        self.assertAlmostEqual(f["answered_in_target_rate"], 2 / 4)
        self.assertAlmostEqual(f["average_wait"], (5 + 20 + 15) / 3)
        # Talk time of every answered call, the outbound one too.
        self.assertAlmostEqual(f["average_talk"], (100 + 200 + 300 + 50) / 4)
        self.assertEqual(f["calls_made"], 1)

    def test_units_follow_the_order_through_a_return(self):
        units = {row["code"]: row for row in self.figures()["units"]}
        a, b = units["urban"], units["market"]
        self.assertEqual(a["dispatched"], 5)  # o2, o3, o7 (after B's return), o8, o10
        self.assertEqual(b["dispatched"], 1)
        self.assertEqual(b["returned"], 1)
        self.assertAlmostEqual(b["return_rate"], 1.0)
        self.assertEqual(a["returned"], 0)
        # Signed on time (by 24:00 of the next working day): o2 (Sun → Mon), o7, o10; o3
        # (Thu → the next Monday) and o8 (Mon 23:50 → Tue 09:00 is on time) ...
        self.assertEqual(a["signed_on_time"], 4)  # o2, o7, o8, o10; not o3
        self.assertAlmostEqual(a["response_rate"], 4 / 5)
        self.assertEqual(a["replied_on_time"], 2)
        self.assertAlmostEqual(a["resolution_rate"], 2 / 5)
        self.assertEqual(a["overdue"], 3)
        self.assertAlmostEqual(a["satisfaction"], 2 / 3)
        self.assertNotIn("police", units)  # units without orders are left out

    def test_unit_score_uses_the_weights_in_force(self):
        figures = self.figures()
        a = next(row for row in figures["units"] if row["code"] == "urban")
        self.assertEqual(figures["scheme"]["version"], 1)
        expected = 100 * (0.2 * 4 / 5 + 0.4 * 2 / 5 + 0.4 * 2 / 3)
        self.assertAlmostEqual(a["score"], round(expected, 1))

    def test_one_units_figures(self):
        figures = period_figures(period=NOVEMBER, unit=self.unit_a, now=NOW)
        self.assertEqual(figures["received"], 5)  # its current orders received in November
        self.assertEqual([row["code"] for row in figures["units"]], ["urban"])
        self.assertEqual(figures["units"][0]["dispatched"], 5)

    def test_operator_figures(self):
        rows = {row["username"]: row for row in self.figures()["operators"]}
        operator = rows["operator"]
        self.assertEqual(operator["calls"], 3)
        self.assertEqual(operator["orders"], 9)
        self.assertEqual(operator["answered_at_once"], 2)
        self.assertEqual(operator["reply_checks"], 3)
        # The operator's callbacks: o2 满意, o7 基本满意; the lead's: o3 不满意.
        self.assertAlmostEqual(operator["callback_satisfaction"], 1.0)
        self.assertAlmostEqual(rows["lead"]["callback_satisfaction"], 0.0)


class StoredDaysTest(NovemberTestCase):
    def test_stored_days_give_the_same_figures_as_live_counting(self):
        live = period_figures(period=NOVEMBER, now=NOW)
        counting.stats_refresh(now=NOW)
        self.assertTrue(CountedDay.objects.filter(day=date(2026, 11, 12)).exists())
        self.assertTrue(DailyCount.objects.filter(day=date(2026, 11, 12)).exists())
        stored = period_figures(period=NOVEMBER, now=NOW)
        for key in ("received", "by_type", "figures", "units", "operators"):
            self.assertEqual(stored[key], live[key], key)

    def test_a_units_figures_from_stored_days_are_those_counted_live(self):
        for unit in (self.unit_a, self.unit_b):
            live = period_figures(period=NOVEMBER, unit=unit, now=NOW)
            counting.stats_refresh(now=NOW)
            stored = period_figures(period=NOVEMBER, unit=unit, now=NOW)
            for key in ("received", "by_type", "by_hour", "by_category", "figures", "units"):
                self.assertEqual(stored[key], live[key], (unit.code, key))
        self.assertEqual(live["units"][0]["returned"], 1)  # B's, by the last loop

    def test_a_change_after_the_refresh_is_seen_at_once(self):
        from hotline import clock
        from hotline.orders import services
        from hotline.orders.models import Satisfaction

        counting.stats_refresh(now=NOW)
        before = period_figures(period=NOVEMBER, now=NOW)["figures"]["satisfaction_rate"]
        o8 = self.orders["o8"]
        with clock.frozen_at(NOW):
            o8 = self._replied(o8)
            services.order_record_callback(
                order=o8, actor=self.operator, satisfaction=Satisfaction.SATISFIED
            )
        after = period_figures(period=NOVEMBER, now=NOW)["figures"]["satisfaction_rate"]
        self.assertAlmostEqual(before, 2 / 3)
        self.assertAlmostEqual(after, 3 / 4)
        counting.stats_refresh(now=NOW)
        self.assertAlmostEqual(
            period_figures(period=NOVEMBER, now=NOW)["figures"]["satisfaction_rate"], 3 / 4
        )

    def test_refresh_is_repeatable(self):
        counting.stats_refresh(now=NOW)
        rows = DailyCount.objects.count()
        counting.stats_refresh(now=NOW)
        counting.refresh_days([date(2026, 11, 12)], now=NOW)
        self.assertEqual(DailyCount.objects.count(), rows)


class DefinitionsTest(SimpleTestCase):
    def test_every_hotline_figure_is_in_exactly_one_group(self):
        grouped = [key for _label, keys in HOTLINE_GROUPS for key in keys]
        self.assertEqual(sorted(grouped), sorted(figure.key for figure in HOTLINE_FIGURES))

    def test_every_figure_has_a_formula_and_known_counters(self):
        known = set(order_counters(NOW)) | {
            "calls_received",
            "calls_answered",
            "calls_answered_in_target",
            "wait_total",
            "wait_calls",
            "talk_total",
            "talk_calls",
            "calls_made",
            "missed_calls",
            "missed_returned",
            "to_110",
            "incidents",
            "callback_attempts",
            "callback_reached",
        }
        for figure in HOTLINE_FIGURES:
            self.assertTrue(str(figure.formula), figure.key)
            for name in (*figure.numerator, *figure.denominator):
                self.assertIn(name.lstrip("-"), known, figure.key)

    def test_rates_are_formed_from_period_sums(self):
        figure = HOTLINE_FIGURE["connect_rate"]
        self.assertAlmostEqual(figure.value({"calls_answered": 3, "calls_received": 4}.get), 0.75)
        self.assertIsNone(figure.value({"calls_answered": 0, "calls_received": 0}.get))


class LateCommitTest(NovemberTestCase):
    def test_a_change_committed_after_the_refresh_looked_is_counted_by_the_next(self):
        from hotline.orders.models import Order
        from hotline.stats.models import Watermark

        counting.stats_refresh(now=NOW)
        began = Watermark.objects.get().started_at
        o4 = self.orders["o4"]
        # A transaction took its updated_at a minute before the refresh began and committed
        # only after it had counted 11-10: the next refresh counts the day again.
        Order.objects.filter(pk=o4.pk).update(
            request_type_id="help", updated_at=began - timedelta(minutes=1)
        )
        counting.stats_refresh(now=NOW)
        figures = period_figures(period=NOVEMBER, now=NOW)
        self.assertEqual(figures["by_type"]["help"], 6)
        # And once counted, the day is read from the store again.
        self.assertNotIn(date(2026, 11, 10), counting.stale_days(NOVEMBER.start, NOVEMBER.end, NOW))


class OperatorQualityTest(NovemberTestCase):
    def test_quality_checks_feed_the_operators_figures_and_score(self):
        from hotline.quality.services import quality_check_score, quality_sample_draw

        with clock.frozen_at(NOW):
            sample = quality_sample_draw(week_start=date(2026, 11, 2), actor=self.lead)
        full = {"greeting": 15, "record": 25, "routing": 25, "policy": 25, "manners": 10}
        checks = list(sample.checks.filter(operator=self.operator).order_by("pk"))
        # The week's three calls the operator answered and o3, the one order registered.
        self.assertEqual(len(checks), 4)
        for index, check in enumerate(checks):
            scores = dict(full, manners=0) if index == 0 else full
            with clock.frozen_at(NOW):
                quality_check_score(check=check, actor=self.lead, scores=scores, comment="")
        figures = period_figures(period=NOVEMBER, now=NOW)
        operator = next(row for row in figures["operators"] if row["username"] == "operator")
        self.assertEqual(operator["quality_checks"], 4)
        self.assertAlmostEqual(operator["quality"], (90 + 100 * 3) / 4)
        # Workload 100 (the busiest), quality 97.5, callback satisfaction 100 %.
        weights = figures["scheme"]["weights"]
        expected = (
            100 * weights["operator_workload"]
            + 97.5 * weights["operator_quality"]
            + 100 * weights["operator_satisfaction"]
        )
        self.assertAlmostEqual(operator["score"], round(expected, 1))


class SentBackTest(NovemberTestCase):
    def test_a_reply_sent_back_is_not_replied_and_falls_overdue(self):
        from hotline.orders import services as order_services

        with clock.frozen_at(aware("2026-11-16 09:00")):
            order = self.in_progress_order()
        with clock.frozen_at(aware("2026-11-17 09:00")):
            order = order_services.order_reply(order=order, actor=self.handler_a, text="已处理。")
            order = order_services.order_decide_reply(
                order=order, actor=self.manager_a, approve=True
            )
            order_services.order_check_reply(
                order=order, actor=self.operator, accept=False, reason="答复未说明处理结果。"
            )
        f = period_figures(period=NOVEMBER, now=NOW)["figures"]
        # The hand-made month had 2 of 5 on time; the sent-back order joins the overdue.
        self.assertAlmostEqual(f["on_time_rate"], 2 / 6)
        self.assertEqual(f["overdue"], 4)
