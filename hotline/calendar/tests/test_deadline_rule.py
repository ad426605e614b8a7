"""The Art. 14 counting rule on the official schedules of 2024, 2025 and 2026.

Every expected date below was counted by hand from the State Council's notices
(国办发明电〔2023〕7号, 〔2024〕12号, 〔2025〕7号) and agrees with chinese_calendar; the
comment on each test shows the count. The start day is never counted.
"""

from datetime import date, datetime, timedelta

from hotline.calendar.services import Deadline, deadline_compute, deadline_extend
from hotline.calendar.tests.base import SHANGHAI, UTC, CalendarTestCase, local


class DeadlineRule2024Tests(CalendarTestCase):
    def test_consult_before_spring_festival_counts_chuxi_and_tiaoxiu_sunday(self):
        # Thu 02-08 start; Fri 02-09 (除夕, a working day in 2024) 1; 02-10..17 off;
        # Sun 02-18 (调休上班) 2; Mon 02-19 3.
        self.assertDue(
            deadline_compute(start=local(2024, 2, 8, 10), working_days=3), date(2024, 2, 19)
        )

    def test_start_on_tiaoxiu_sunday_is_not_counted(self):
        # Sun 02-04 is a 调休 working day but the start day; Mon 02-05..Fri 02-09 are 1..5.
        self.assertDue(
            deadline_compute(start=local(2024, 2, 4, 9), working_days=5), date(2024, 2, 9)
        )

    def test_complaint_started_on_chuxi_resumes_on_tiaoxiu_sunday(self):
        # Fri 02-09 start; Sun 02-18 1; 02-19 2; 02-20 3; 02-21 4; 02-22 5.
        self.assertDue(
            deadline_compute(start=local(2024, 2, 9, 14), working_days=5), date(2024, 2, 22)
        )

    def test_help_started_saturday_before_national_day_uses_tiaoxiu_sunday(self):
        # Sat 09-28 start; Sun 09-29 (调休上班) 1; Mon 09-30 2.
        self.assertDue(
            deadline_compute(start=local(2024, 9, 28, 11), working_days=2), date(2024, 9, 30)
        )

    def test_consult_on_eve_of_national_day_skips_golden_week(self):
        # Mon 09-30 start; 10-01..07 off; 10-08 1; 10-09 2; 10-10 3.
        self.assertDue(
            deadline_compute(start=local(2024, 9, 30, 16), working_days=3), date(2024, 10, 10)
        )

    def test_complaint_after_national_day_counts_tiaoxiu_saturday(self):
        # Tue 10-08 start; 10-09 1; 10-10 2; 10-11 3; Sat 10-12 (调休上班) 4; Mon 10-14 5.
        self.assertDue(
            deadline_compute(start=local(2024, 10, 8, 9), working_days=5), date(2024, 10, 14)
        )

    def test_one_day_before_mid_autumn_lands_on_tiaoxiu_saturday(self):
        # Fri 09-13 start; Sat 09-14 (调休上班) 1.
        self.assertDue(
            deadline_compute(start=local(2024, 9, 13, 9), working_days=1), date(2024, 9, 14)
        )

    def test_help_from_tiaoxiu_saturday_skips_mid_autumn(self):
        # Sat 09-14 start; 09-15..17 off; Wed 09-18 1; Thu 09-19 2.
        self.assertDue(
            deadline_compute(start=local(2024, 9, 14, 9), working_days=2), date(2024, 9, 19)
        )


class DeadlineRule2025Tests(CalendarTestCase):
    def test_help_before_spring_festival_counts_tiaoxiu_sunday(self):
        # Fri 01-24 start; Sat 01-25 off; Sun 01-26 (调休上班) 1; Mon 01-27 2.
        self.assertDue(
            deadline_compute(start=local(2025, 1, 24, 15), working_days=2), date(2025, 1, 27)
        )

    def test_consult_on_eve_of_spring_festival_skips_eight_days(self):
        # Mon 01-27 start; 01-28..02-04 off; Wed 02-05 1; 02-06 2; 02-07 3.
        self.assertDue(
            deadline_compute(start=local(2025, 1, 27, 18), working_days=3), date(2025, 2, 7)
        )

    def test_one_day_after_spring_festival_lands_on_tiaoxiu_saturday(self):
        # Fri 02-07 start; Sat 02-08 (调休上班) 1.
        self.assertDue(
            deadline_compute(start=local(2025, 2, 7, 9), working_days=1), date(2025, 2, 8)
        )

    def test_the_specified_example_ends_on_tiaoxiu_saturday(self):
        # Tue 09-30 start; 10-01..08 off; 10-09 1; 10-10 2; Sat 10-11 (调休上班) 3.
        deadline = deadline_compute(start=local(2025, 9, 30, 10), working_days=3)
        self.assertEqual(
            deadline,
            Deadline(
                start=local(2025, 9, 30, 10),
                working_days=3,
                due_date=date(2025, 10, 11),
                due_at=local(2025, 10, 12),
                calendar_covered=True,
            ),
        )

    def test_one_day_from_friday_lands_on_tiaoxiu_sunday_before_national_day(self):
        # Fri 09-26 start; Sat 09-27 off; Sun 09-28 (调休上班) 1.
        self.assertDue(
            deadline_compute(start=local(2025, 9, 26, 9), working_days=1), date(2025, 9, 28)
        )

    def test_complaint_started_before_national_day_ends_after_tiaoxiu_saturday(self):
        # Mon 09-29 start; 09-30 1; 10-01..08 off; 10-09 2; 10-10 3; Sat 10-11 4; Mon 10-13 5.
        self.assertDue(
            deadline_compute(start=local(2025, 9, 29, 11), working_days=5), date(2025, 10, 13)
        )

    def test_help_before_labour_day_counts_tiaoxiu_sunday(self):
        # Fri 04-25 start; Sat 04-26 off; Sun 04-27 (调休上班) 1; Mon 04-28 2.
        self.assertDue(
            deadline_compute(start=local(2025, 4, 25, 9), working_days=2), date(2025, 4, 28)
        )

    def test_consult_on_eve_of_labour_day_skips_five_days(self):
        # Wed 04-30 start; 05-01..05 off; 05-06 1; 05-07 2; 05-08 3.
        self.assertDue(
            deadline_compute(start=local(2025, 4, 30, 9), working_days=3), date(2025, 5, 8)
        )

    def test_ordinary_week_skips_the_weekend(self):
        # Fri 03-07 start; 03-08/09 weekend; Mon 03-10..Fri 03-14 are 1..5.
        self.assertDue(
            deadline_compute(start=local(2025, 3, 7, 9), working_days=5), date(2025, 3, 14)
        )


class DeadlineRule2026Tests(CalendarTestCase):
    def test_one_day_over_new_year_lands_on_tiaoxiu_sunday(self):
        # Wed 2025-12-31 start; 01-01..03 off; Sun 01-04 (调休上班) 1.
        self.assertDue(
            deadline_compute(start=local(2025, 12, 31, 9), working_days=1), date(2026, 1, 4)
        )

    def test_one_day_before_spring_festival_lands_on_tiaoxiu_saturday(self):
        # Fri 02-13 start; Sat 02-14 (调休上班) 1.
        self.assertDue(
            deadline_compute(start=local(2026, 2, 13, 9), working_days=1), date(2026, 2, 14)
        )

    def test_consult_across_spring_festival_uses_both_tiaoxiu_days(self):
        # Thu 02-12 start; Fri 02-13 1; Sat 02-14 2; 02-15..23 off; Tue 02-24 3.
        self.assertDue(
            deadline_compute(start=local(2026, 2, 12, 9), working_days=3), date(2026, 2, 24)
        )

    def test_complaint_from_tiaoxiu_saturday_ends_on_tiaoxiu_saturday(self):
        # Sat 02-14 start; 02-15..23 off; 02-24 1; 02-25 2; 02-26 3; 02-27 4; Sat 02-28 5.
        self.assertDue(
            deadline_compute(start=local(2026, 2, 14, 10), working_days=5), date(2026, 2, 28)
        )

    def test_complaint_over_labour_day_counts_tiaoxiu_saturday(self):
        # Thu 04-30 start; 05-01..05 off; 05-06 1; 05-07 2; 05-08 3; Sat 05-09 4; Mon 05-11 5.
        self.assertDue(
            deadline_compute(start=local(2026, 4, 30, 9), working_days=5), date(2026, 5, 11)
        )

    def test_help_before_national_day_counts_tiaoxiu_sunday(self):
        # Fri 09-18 start; Sat 09-19 off; Sun 09-20 (调休上班) 1; Mon 09-21 2.
        self.assertDue(
            deadline_compute(start=local(2026, 9, 18, 9), working_days=2), date(2026, 9, 21)
        )

    def test_one_day_before_mid_autumn_skips_to_monday(self):
        # Thu 09-24 start; Fri 09-25 (中秋) and the weekend off; Mon 09-28 1.
        self.assertDue(
            deadline_compute(start=local(2026, 9, 24, 9), working_days=1), date(2026, 9, 28)
        )

    def test_consult_on_eve_of_national_day_ends_on_tiaoxiu_saturday(self):
        # Wed 09-30 start; 10-01..07 off; Thu 10-08 1; Fri 10-09 2; Sat 10-10 (调休上班) 3.
        self.assertDue(
            deadline_compute(start=local(2026, 9, 30, 9), working_days=3), date(2026, 10, 10)
        )


class DeadlineEdgeTests(CalendarTestCase):
    def test_zero_days_ends_at_midnight_of_the_start_day_even_on_a_holiday(self):
        deadline = deadline_compute(start=local(2025, 10, 1, 10), working_days=0)
        self.assertEqual(deadline.due_date, date(2025, 10, 1))
        self.assertEqual(deadline.due_at, local(2025, 10, 2))
        self.assertTrue(deadline.calendar_covered)

    def test_a_minute_before_midnight_is_still_the_start_day(self):
        # Thu 2025-09-25 23:59: Fri 09-26 is day 1. One minute later, Fri is the start day
        # and the next working day is Sun 09-28 (调休上班).
        self.assertDue(
            deadline_compute(start=local(2025, 9, 25, 23, 59), working_days=1), date(2025, 9, 26)
        )
        self.assertDue(
            deadline_compute(start=local(2025, 9, 26, 0, 0), working_days=1), date(2025, 9, 28)
        )

    def test_start_given_in_utc_is_counted_from_the_local_date(self):
        # 2025-09-28 16:30 UTC is Mon 09-29 00:30 in Shanghai: the start day is 09-29, so one
        # working day ends on Tue 09-30 (counting from the UTC date would give 09-29).
        start = datetime(2025, 9, 28, 16, 30, tzinfo=UTC)
        deadline = deadline_compute(start=start, working_days=1)
        self.assertEqual(deadline.due_date, date(2025, 9, 30))
        self.assertEqual(deadline.due_at, datetime(2025, 9, 30, 16, 0, tzinfo=UTC))
        self.assertEqual(
            deadline.due_at.utcoffset(), SHANGHAI.utcoffset(deadline.due_at.replace(tzinfo=None))
        )
        self.assertEqual(deadline.start, start)

    def test_naive_start_is_refused(self):
        with self.assertRaises(ValueError):
            deadline_compute(start=datetime(2025, 9, 30, 10), working_days=3)

    def test_negative_days_are_refused(self):
        with self.assertRaises(ValueError):
            deadline_compute(start=local(2025, 9, 30, 10), working_days=-1)

    def test_extension_adds_five_working_days_to_the_current_due_date(self):
        # Complaint from Tue 2025-09-30: due Tue 10-14 (10-09, 10-10, Sat 10-11, 10-13, 10-14);
        # extension: 10-15, 10-16, 10-17, 10-20, 10-21.
        deadline = deadline_compute(start=local(2025, 9, 30, 10), working_days=5)
        self.assertEqual(deadline.due_date, date(2025, 10, 14))
        extended = deadline_extend(deadline=deadline, working_days=5)
        self.assertEqual(extended.working_days, 10)
        self.assertEqual(extended.start, deadline.start)
        self.assertDue(extended, date(2025, 10, 21))

    def test_extension_over_spring_festival_2026(self):
        # Due Thu 2026-02-12; extension: Fri 02-13 1, Sat 02-14 2, (02-15..23 off) 02-24 3,
        # 02-25 4, 02-26 5.
        deadline = deadline_compute(start=local(2026, 2, 5, 9), working_days=5)
        self.assertEqual(deadline.due_date, date(2026, 2, 12))
        self.assertDue(deadline_extend(deadline=deadline, working_days=5), date(2026, 2, 26))


class DeadlineSweepTests(CalendarTestCase):
    def test_every_start_day_of_2024_to_2026_agrees_with_the_package(self):
        # The oracle walks day by day with chinese_calendar itself, for N = 0..15 (spans that
        # would end in 2027 are left out: the package has no schedule there).
        import chinese_calendar

        mismatches = []
        day = date(2024, 1, 1)
        while day <= date(2026, 11, 30):
            expected = [day]  # expected[n]: the n-th working day after `day`
            probe = day
            while len(expected) <= 15:
                probe += timedelta(days=1)
                if chinese_calendar.is_workday(probe):
                    expected.append(probe)
            start = datetime.combine(day, datetime.min.time(), SHANGHAI)
            for n, due_date in enumerate(expected):
                got = deadline_compute(start=start, working_days=n)
                if (got.due_date, got.calendar_covered) != (due_date, True):
                    mismatches.append((day, n, got.due_date, due_date))
            day += timedelta(days=1)
        self.assertEqual(mismatches, [])
