from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.test import TestCase

from hotline.calendar.index import index_invalidate

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


class CalendarTestCase(TestCase):
    """Runs on the calendar the data migration seeded (2004–2026 from chinesecalendar).

    Each test's writes are rolled back without signals, so the in-memory index is dropped
    before and after every test to keep tests independent.
    """

    def setUp(self) -> None:
        super().setUp()
        index_invalidate()
        self.addCleanup(index_invalidate)

    def assertDue(self, deadline, due_date: date, *, covered: bool = True) -> None:
        self.assertEqual(deadline.due_date, due_date)
        self.assertEqual(
            deadline.due_at,
            datetime.combine(
                date.fromordinal(due_date.toordinal() + 1), datetime.min.time(), tzinfo=SHANGHAI
            ),
        )
        self.assertEqual(deadline.calendar_covered, covered)
