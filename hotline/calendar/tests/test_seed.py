import io
from datetime import date

from django.core.management import CommandError, call_command

from hotline.calendar.models import CalendarDay
from hotline.calendar.services import (
    calendar_coverage,
    calendar_day_correct,
    calendar_seed_from_package,
)
from hotline.calendar.tests.base import CalendarTestCase


class SeedTests(CalendarTestCase):
    def test_the_seed_stores_every_day_with_chinese_notes(self):
        day = CalendarDay.objects.get(date=date(2025, 10, 1))
        self.assertEqual((day.is_working, day.note, day.source), (False, "国庆节", "package"))
        tiaoxiu = CalendarDay.objects.get(date=date(2025, 10, 11))
        self.assertEqual((tiaoxiu.is_working, tiaoxiu.note), (True, "调休上班（国庆节）"))
        weekend = CalendarDay.objects.get(date=date(2025, 10, 18))
        self.assertEqual((weekend.is_working, weekend.note), (False, ""))
        self.assertEqual(CalendarDay.objects.filter(date__year=2024).count(), 366)

    def test_seeding_an_empty_table_covers_the_requested_year(self):
        CalendarDay.objects.all().delete()
        self.assertEqual(calendar_seed_from_package(years=[2025]), 365)
        self.assertEqual(calendar_coverage(), (date(2025, 1, 1), date(2025, 12, 31)))
        # 261 weekdays, less 18 weekday holidays, plus 5 调休 weekend days.
        self.assertEqual(CalendarDay.objects.filter(is_working=True).count(), 248)

    def test_seeding_again_keeps_admin_corrections_and_repairs_package_rows(self):
        calendar_day_correct(day=date(2025, 10, 11), is_working=False, note="本地调整")
        CalendarDay.objects.filter(date=date(2025, 10, 9)).update(is_working=False, note="旧数据")
        self.assertEqual(calendar_seed_from_package(years=[2025]), 1)
        corrected = CalendarDay.objects.get(date=date(2025, 10, 11))
        self.assertEqual(
            (corrected.is_working, corrected.note, corrected.source), (False, "本地调整", "admin")
        )
        repaired = CalendarDay.objects.get(date=date(2025, 10, 9))
        self.assertEqual(
            (repaired.is_working, repaired.note, repaired.source), (True, "", "package")
        )

    def test_seeding_everything_on_a_seeded_database_writes_nothing(self):
        self.assertEqual(calendar_seed_from_package(), 0)

    def test_a_year_the_package_does_not_know_is_refused(self):
        with self.assertRaises(ValueError):
            calendar_seed_from_package(years=[2030])
        with self.assertRaises(CommandError) as caught:
            call_command("calendar_seed", "--year", "2030")
        self.assertEqual(caught.exception.returncode, 2)

    def test_the_command_seeds_the_given_year(self):
        CalendarDay.objects.filter(date__year=2026).delete()
        call_command("calendar_seed", "--year", "2026", stdout=io.StringIO())
        self.assertEqual(CalendarDay.objects.filter(date__year=2026).count(), 365)
        self.assertEqual(calendar_coverage()[1], date(2026, 12, 31))
