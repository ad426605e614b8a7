"""The demo's reports: two months published for the public page, last week in draft."""

from hotline.stats.demo import stats_load_demo
from hotline.stats.models import Report
from hotline.stats.tests.base import NOW, NovemberTestCase


class StatsDemoTest(NovemberTestCase):
    def test_two_months_published_and_last_week_in_draft_once(self):
        self.assertEqual(stats_load_demo(now=NOW), 3)
        self.assertEqual(
            sorted(Report.objects.values_list("state", flat=True)),
            ["draft", "published", "published"],
        )
        november = Report.objects.get(kind="month", start__month=11)
        self.assertEqual(november.figures["received"], 9)
        self.assertEqual(stats_load_demo(now=NOW), 0)
        self.assertEqual(Report.objects.count(), 3)
