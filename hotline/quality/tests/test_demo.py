"""The demo's quality checks: every past week with work drawn, the latest partly scored."""

from hotline.quality.demo import quality_load_demo
from hotline.quality.models import Sample, State
from hotline.quality.tests.base import QualityTestCase
from hotline.testing import aware

NOW = aware("2026-12-02 10:00")


class DemoTests(QualityTestCase):
    def setUp(self) -> None:
        for day in ("2026-11-03", "2026-11-04", "2026-11-18", "2026-11-25", "2026-11-26"):
            for n in range(4):
                self.call(agent=self.operator, at=aware(f"{day} 10:0{n}"))
                self.order_by(self.operator2, at=aware(f"{day} 11:0{n}"))
        # This week is not over: no sample.
        self.order_by(self.operator, at=aware("2026-12-01 10:00"))

    def test_every_past_week_with_work_is_drawn_and_most_of_it_scored(self):
        scored = quality_load_demo(now=NOW)
        weeks = [s.week_start.isoformat() for s in Sample.objects.order_by("week_start")]
        self.assertEqual(weeks, ["2026-11-02", "2026-11-16", "2026-11-23"])
        for sample in Sample.objects.exclude(week_start="2026-11-23"):
            self.assertFalse(sample.checks.filter(state=State.PENDING).exists())
        latest = Sample.objects.get(week_start="2026-11-23").checks
        self.assertEqual(latest.count(), 6)
        self.assertEqual(latest.filter(state=State.SCORED).count(), 3)
        self.assertEqual(scored, 15)
        totals = set(Sample.objects.values_list("checks__total", flat=True)) - {None}
        self.assertGreater(len(totals), 1)
        self.assertTrue(all(0 <= t <= 100 for t in totals))

    def test_running_it_again_adds_nothing(self):
        quality_load_demo(now=NOW)
        self.assertEqual(quality_load_demo(now=NOW), 0)
        self.assertEqual(Sample.objects.count(), 3)

    def test_weeks_not_over_before_now_are_not_drawn(self):
        self.assertEqual(quality_load_demo(now=aware("2026-11-08 10:00")), 0)
        self.assertFalse(Sample.objects.exists())
