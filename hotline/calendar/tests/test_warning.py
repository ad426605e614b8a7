from datetime import date
from unittest import mock

from hotline.calendar.checks import calendar_coverage_check
from hotline.calendar.models import CalendarDay
from hotline.calendar.services import calendar_day_correct, calendar_warning
from hotline.calendar.tests.base import CalendarTestCase


class WarningTests(CalendarTestCase):
    def test_warns_sixty_days_before_the_end(self):
        # 2026-11-01 + 60 days = 2026-12-31, the last covered day.
        self.assertEqual(
            calendar_warning(today=date(2026, 11, 1)),
            "工作日历将于 2026-12-31 到期，请尽快录入下一年度的节假日安排",
        )

    def test_silent_sixty_one_days_before_the_end(self):
        self.assertIsNone(calendar_warning(today=date(2026, 10, 31)))

    def test_an_expired_calendar_says_so(self):
        message = calendar_warning(today=date(2027, 1, 5))
        self.assertIn("已于 2026-12-31 到期", message)

    def test_an_empty_calendar_warns(self):
        CalendarDay.objects.all().delete()
        self.assertIn("工作日历为空", calendar_warning(today=date(2025, 6, 1)))

    def test_entering_next_year_silences_the_warning(self):
        calendar_day_correct(day=date(2027, 12, 31), is_working=True)
        self.assertIsNone(calendar_warning(today=date(2026, 12, 1)))

    def test_the_system_check_reports_w001_only_when_due(self):
        with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 12, 1)):
            warnings = calendar_coverage_check(databases=["default"])
        self.assertEqual([w.id for w in warnings], ["calendar.W001"])
        self.assertIn("2026-12-31", warnings[0].msg)
        with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 6, 1)):
            self.assertEqual(calendar_coverage_check(databases=["default"]), [])
        # Without database access (a plain `check`) it stays silent.
        with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 12, 1)):
            self.assertEqual(calendar_coverage_check(databases=None), [])
