"""The countdown 还剩 N 个工作日 H 小时 for a limit due at 2025-10-12 00:00 (due date Sat
2025-10-11, a 调休 working day)."""

from hotline.calendar.services import TimeLeft, working_time_left
from hotline.calendar.tests.base import UTC, CalendarTestCase, local

DUE_AT = local(2025, 10, 12)


class TimeLeftTests(CalendarTestCase):
    def test_on_a_working_day_counts_the_days_after_today_and_todays_hours(self):
        # Tue 09-30 10:00: 10-09, 10-10, 10-11 remain, and 14 hours of today.
        left = working_time_left(now=local(2025, 9, 30, 10), due_at=DUE_AT)
        self.assertEqual(left, TimeLeft(working_days=3, hours=14.0, overdue=False))
        self.assertEqual(left.label, "还剩 3 个工作日 14 小时")

    def test_on_a_holiday_no_hours_are_left_today(self):
        self.assertEqual(
            working_time_left(now=local(2025, 10, 3, 12), due_at=DUE_AT), TimeLeft(3, 0.0, False)
        )

    def test_on_the_due_day_only_hours_remain(self):
        left = working_time_left(now=local(2025, 10, 11, 20), due_at=DUE_AT)
        self.assertEqual(left, TimeLeft(0, 4.0, False))

    def test_now_in_utc_is_read_in_local_time(self):
        # 2025-10-10 22:00 UTC is Sat 10-11 06:00 local: 18 hours of the due day remain.
        left = working_time_left(now=local(2025, 10, 10, 22).replace(tzinfo=UTC), due_at=DUE_AT)
        self.assertEqual(left, TimeLeft(0, 18.0, False))

    def test_overdue_at_the_deadline_instant(self):
        left = working_time_left(now=DUE_AT, due_at=DUE_AT)
        self.assertTrue(left.overdue)
        self.assertEqual((left.working_days, left.hours), (0, 0.0))

    def test_overdue_counts_working_time_since_the_deadline(self):
        # Mon 10-13 09:30: Sun 10-12 was a day off; 9.5 working hours of today elapsed.
        left = working_time_left(now=local(2025, 10, 13, 9, 30), due_at=DUE_AT)
        self.assertEqual(left, TimeLeft(0, -9.5, True))
        self.assertEqual(left.label, "已超期 0 个工作日 9 小时")
        # Wed 10-15 06:00: Mon 10-13 and Tue 10-14 elapsed in full.
        self.assertEqual(
            working_time_left(now=local(2025, 10, 15, 6), due_at=DUE_AT), TimeLeft(-2, -6.0, True)
        )
