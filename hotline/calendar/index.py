"""The process-wide working-day index behind the deadline clock (Art. 14).

The index holds the covered range (first and last stored day, as ordinals) and the sorted
ordinals of its working days, so "the Nth working day after D" and "working days between
D1 and D2" are a `bisect` each, O(log n), never a walk day by day. Outside the covered
range Monday to Friday are working days; those counts are arithmetic, O(1). A day missing
inside the covered range also follows the weekday rule.

The index is loaded lazily from `CalendarDay`. It is dropped when a row is saved or
deleted in this process (signals; bulk writes call `index_invalidate()` themselves), and
compared with the database at most every `RECHECK_SECONDS` (row count and latest
`updated_at`) to pick up other processes' changes.
"""

from bisect import bisect_right
from dataclasses import dataclass

from django.db.models import Count, Max

from hotline.calendar.models import CalendarDay
from hotline.core.cache import CachedIndex

RECHECK_SECONDS = 60.0


def weekdays_through(ordinal: int) -> int:
    """Number of Mondays to Fridays from 0001-01-01 (a Monday, ordinal 1) to `ordinal`."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def weekday_ordinal(count: int) -> int:
    """Ordinal of the `count`-th Monday-to-Friday day from 0001-01-01; inverse of the above."""
    weeks, rest = divmod(count - 1, 5)
    return weeks * 7 + rest + 1


@dataclass(frozen=True, slots=True)
class WorkingDayIndex:
    first: int | None  # ordinal of the first covered day, None when the calendar is empty
    last: int | None
    working: list[int]  # sorted ordinals of the working days in [first, last]
    fingerprint: tuple[int, object]  # (row count, latest updated_at) at load

    def covers(self, ordinal: int) -> bool:
        first, last = self.first, self.last
        return first is not None and last is not None and first <= ordinal <= last

    def is_working(self, ordinal: int) -> bool:
        if self.covers(ordinal):
            k = bisect_right(self.working, ordinal)
            return k > 0 and self.working[k - 1] == ordinal
        return (ordinal - 1) % 7 < 5

    def nth_after(self, ordinal: int, n: int) -> tuple[int, bool]:
        """The `n`-th (n ≥ 1) working day strictly after `ordinal`, and whether every day
        counted lies inside the covered range."""
        first, last = self.first, self.last
        if first is None or last is None:
            return weekday_ordinal(weekdays_through(ordinal) + n), False
        covered = True
        if ordinal < first - 1:
            # Days before the calendar begins count by weekday.
            before = weekdays_through(first - 1) - weekdays_through(ordinal)
            if before >= n:
                return weekday_ordinal(weekdays_through(ordinal) + n), False
            n -= before
            ordinal = first - 1
            covered = False
        if ordinal < last:
            working = self.working
            k = bisect_right(working, ordinal) + n - 1
            if k < len(working):
                return working[k], covered
            n = k - len(working) + 1
            ordinal = last
        # Past the calendar's end: weekends only.
        return weekday_ordinal(weekdays_through(ordinal) + n), False

    def count_between(self, after: int, through: int) -> int:
        """Working days in the ordinals (after, through]; 0 when through ≤ after."""
        if through <= after:
            return 0
        first, last = self.first, self.last
        if first is None or last is None:
            return weekdays_through(through) - weekdays_through(after)
        total = 0
        if after < first - 1:
            total += weekdays_through(min(through, first - 1)) - weekdays_through(after)
        low, high = max(after, first - 1), min(through, last)
        if low < high:
            total += bisect_right(self.working, high) - bisect_right(self.working, low)
        if through > last:
            total += weekdays_through(through) - weekdays_through(max(after, last))
        return total


_EMPTY = WorkingDayIndex(None, None, [], (0, None))


def _fingerprint() -> tuple[int, object]:
    row = CalendarDay.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    return row["count"], row["latest"]


def _load() -> WorkingDayIndex:
    rows = list(
        CalendarDay.objects.order_by("date").values_list("date", "is_working", "updated_at")
    )
    if not rows:
        return _EMPTY
    first, last = rows[0][0].toordinal(), rows[-1][0].toordinal()
    stored = {day.toordinal(): is_working for day, is_working, _ in rows}
    working = [
        ordinal for ordinal in range(first, last + 1) if stored.get(ordinal, (ordinal - 1) % 7 < 5)
    ]
    latest = max(updated_at for _, _, updated_at in rows)
    return WorkingDayIndex(first, last, working, (len(rows), latest))


_cached = CachedIndex(
    build=_load,
    fingerprint=_fingerprint,
    fingerprint_of=lambda index: index.fingerprint,
    recheck_seconds=RECHECK_SECONDS,
)
# The current index, loaded on first use and re-checked at most every `RECHECK_SECONDS`.
index_get = _cached.get
# Drop the index so the next use reloads it (connected to CalendarDay's signals).
index_invalidate = _cached.invalidate
