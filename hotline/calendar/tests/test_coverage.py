"""Beyond the calendar: weekends only and `calendar_covered=False`; corrections reload."""

import time
from datetime import date, timedelta
from unittest import mock

from django.utils import timezone

from hotline.calendar.index import RECHECK_SECONDS
from hotline.calendar.models import CalendarDay
from hotline.calendar.services import (
    calendar_coverage,
    calendar_day_correct,
    deadline_compute,
    deadline_extend,
    is_working_day,
    working_day_after,
    working_days_between,
)
from hotline.calendar.tests.base import CalendarTestCase, local


class BeyondCoverageTests(CalendarTestCase):
    def test_the_migration_seeded_2004_to_2026(self):
        self.assertEqual(calendar_coverage(), (date(2004, 1, 1), date(2026, 12, 31)))
        self.assertEqual(CalendarDay.objects.count(), (date(2027, 1, 1) - date(2004, 1, 1)).days)

    def test_after_the_calendar_only_weekends_are_days_off(self):
        # Mon 2027-03-01 start; Tue..Fri 03-02..05 are 1..4; Mon 03-08 5.
        self.assertDue(
            deadline_compute(start=local(2027, 3, 1, 9), working_days=5),
            date(2027, 3, 8),
            covered=False,
        )

    def test_fifteen_days_after_the_calendar_span_three_weekends(self):
        # Wed 2027-01-06 start; 01-07, 01-08 (2); 01-11..15 (7); 01-18..22 (12); 01-25, 26, 27 (15).
        self.assertDue(
            deadline_compute(start=local(2027, 1, 6, 9), working_days=15),
            date(2027, 1, 27),
            covered=False,
        )

    def test_span_starting_inside_and_ending_outside_the_calendar(self):
        # Wed 2026-12-23 start; 12-24, 12-25, 12-28, 12-29, 12-30, 12-31 (6, all working in
        # the calendar); then weekdays only: Fri 2027-01-01 7, 01-04 8, 01-05 9, 01-06 10.
        self.assertDue(
            deadline_compute(start=local(2026, 12, 23, 9), working_days=10),
            date(2027, 1, 6),
            covered=False,
        )

    def test_span_ending_on_the_last_covered_day_is_covered(self):
        # Tue 2026-12-29 start; 12-30 1; 12-31 2.
        self.assertDue(
            deadline_compute(start=local(2026, 12, 29, 9), working_days=2), date(2026, 12, 31)
        )

    def test_span_starting_before_the_calendar(self):
        # Mon 2003-12-29 start; 12-30, 12-31 by weekday (2); 2004-01-01 元旦 off in the
        # calendar; Fri 01-02 3; Mon 01-05 4; Tue 01-06 5.
        self.assertDue(
            deadline_compute(start=local(2003, 12, 29, 9), working_days=5),
            date(2004, 1, 6),
            covered=False,
        )

    def test_zero_days_outside_the_calendar(self):
        deadline = deadline_compute(start=local(2027, 1, 1, 9), working_days=0)
        self.assertEqual((deadline.due_date, deadline.calendar_covered), (date(2027, 1, 1), False))

    def test_extension_leaving_the_calendar_is_not_covered(self):
        # Mon 2026-12-21 start; due Mon 12-28 (12-22, 23, 24, 25, 28); extension 12-29, 30,
        # 31, Fri 2027-01-01, Mon 01-04.
        deadline = deadline_compute(start=local(2026, 12, 21, 9), working_days=5)
        self.assertDue(deadline, date(2026, 12, 28))
        self.assertDue(
            deadline_extend(deadline=deadline, working_days=5), date(2027, 1, 4), covered=False
        )

    def test_weekday_arithmetic_matches_counting_mondays_to_fridays(self):
        # An independent oracle: walk the days after the calendar one by one.
        def walk(day: date, n: int) -> date:
            while n:
                day += timedelta(days=1)
                n -= day.weekday() < 5
            return day

        for offset in range(1, 15):  # every weekday as a start, 2027-01-01 (Fri) onwards
            start = date(2026, 12, 31) + timedelta(days=offset)
            for n in range(16):
                with self.subTest(start=start, n=n):
                    self.assertEqual(
                        working_day_after(day=start, working_days=n), (walk(start, n), False)
                    )
                    self.assertEqual(working_days_between(after=start, through=walk(start, n)), n)

    def test_working_day_helpers_agree_across_the_boundary(self):
        self.assertEqual(
            working_day_after(day=date(2025, 9, 30), working_days=3), (date(2025, 10, 11), True)
        )
        self.assertEqual(
            working_day_after(day=date(2026, 12, 31), working_days=1), (date(2027, 1, 1), False)
        )
        self.assertTrue(is_working_day(day=date(2025, 10, 11)))
        self.assertFalse(is_working_day(day=date(2025, 10, 8)))
        self.assertFalse(is_working_day(day=date(2027, 1, 2)))
        # (2026-12-23, 2027-01-06]: six calendar days in December and four weekdays after.
        self.assertEqual(
            working_days_between(after=date(2026, 12, 23), through=date(2027, 1, 6)), 10
        )
        # (2025-09-30, 2025-10-11]: 10-09, 10-10, 10-11.
        self.assertEqual(
            working_days_between(after=date(2025, 9, 30), through=date(2025, 10, 11)), 3
        )
        self.assertEqual(
            working_days_between(after=date(2025, 10, 11), through=date(2025, 9, 30)), 0
        )

    def test_an_empty_calendar_counts_weekends_only(self):
        CalendarDay.objects.all().delete()
        self.assertEqual(calendar_coverage(), (None, None))
        # Tue 2025-09-30 start; 10-01, 10-02, 10-03 by weekday, ignoring National Day.
        self.assertDue(
            deadline_compute(start=local(2025, 9, 30, 10), working_days=3),
            date(2025, 10, 3),
            covered=False,
        )


class CorrectionTests(CalendarTestCase):
    def test_declaring_a_day_off_moves_the_due_date(self):
        start = local(2025, 3, 7, 9)
        self.assertDue(deadline_compute(start=start, working_days=5), date(2025, 3, 14))
        calendar_day_correct(day=date(2025, 3, 10), is_working=False, note="临时停工")
        # Mon 03-10 is now off: 03-11..14 are 1..4, Mon 03-17 5.
        self.assertDue(deadline_compute(start=start, working_days=5), date(2025, 3, 17))
        row = CalendarDay.objects.get(date=date(2025, 3, 10))
        self.assertEqual(
            (row.source, row.note, row.is_working), (CalendarDay.Source.ADMIN, "临时停工", False)
        )

    def test_a_new_year_entered_by_hand_extends_the_calendar(self):
        calendar_day_correct(day=date(2027, 1, 1), is_working=False, note="元旦")
        self.assertEqual(calendar_coverage(), (date(2004, 1, 1), date(2027, 1, 1)))
        # Thu 2026-12-31 start; 2027-01-01 is now a covered day off; Mon 01-04 1 (weekday rule).
        self.assertDue(
            deadline_compute(start=local(2026, 12, 31, 9), working_days=1),
            date(2027, 1, 4),
            covered=False,
        )
        self.assertDue(
            deadline_compute(start=local(2026, 12, 30, 9), working_days=1), date(2026, 12, 31)
        )

    def test_deleting_a_day_reloads_the_index(self):
        start = local(2025, 9, 30, 10)
        self.assertDue(deadline_compute(start=start, working_days=3), date(2025, 10, 11))
        # Without its row, Sat 10-11 inside the calendar falls back to the weekday rule.
        CalendarDay.objects.get(date=date(2025, 10, 11)).delete()
        self.assertDue(deadline_compute(start=start, working_days=3), date(2025, 10, 13))

    def test_a_change_made_elsewhere_is_seen_after_the_recheck_interval(self):
        start = local(2025, 3, 7, 9)
        self.assertDue(deadline_compute(start=start, working_days=5), date(2025, 3, 14))
        # Another process's write: no signal reaches this one.
        CalendarDay.objects.filter(date=date(2025, 3, 10)).update(
            is_working=False, updated_at=timezone.now() + timedelta(seconds=1)
        )
        self.assertDue(deadline_compute(start=start, working_days=5), date(2025, 3, 14))
        later = time.monotonic() + RECHECK_SECONDS + 1
        with mock.patch("hotline.core.cache.time.monotonic", return_value=later):
            self.assertDue(deadline_compute(start=start, working_days=5), date(2025, 3, 17))
