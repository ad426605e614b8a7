"""The periods of the statistics: a week (Monday to Sunday), a month, a quarter, a year, or any
range of local dates, inclusive."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

WEEK, MONTH, QUARTER, YEAR, RANGE = "week", "month", "quarter", "year", "range"
# The longest range a page or a report may span (the figures are summed over daily counts).
MAX_DAYS = 366 * 3
# The dates statistics may be asked for.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


class PeriodError(ValueError):
    """A period that cannot be: the message says why, in the UI's language."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: str = RANGE

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return _("%(year)d年%(month)d月") % {"year": self.start.year, "month": self.start.month}
        if self.kind == QUARTER:
            return _("%(year)d年第%(q)d季度") % {
                "year": self.start.year,
                "q": (self.start.month - 1) // 3 + 1,
            }
        if self.kind == YEAR:
            return _("%(year)d年") % {"year": self.start.year}
        if self.kind == WEEK:
            iso = self.start.isocalendar()
            return _("%(year)d年第%(week)d周（%(start)s 至 %(end)s）") % {
                "year": iso.year,
                "week": iso.week,
                "start": f"{self.start:%m-%d}",
                "end": f"{self.end:%m-%d}",
            }
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    def previous(self) -> "Period":
        if self.kind in (MONTH, QUARTER, YEAR, WEEK):
            return period_of(self.kind, self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def _check(day: date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PeriodError(_("统计日期须在 2000 年至 2099 年之间。"))


def period_of(kind: str, day: date) -> "Period":
    """The week, month, quarter or year that holds `day`."""
    _check(day)
    if kind == WEEK:
        start = day - timedelta(days=day.weekday())
        return Period(start, start + timedelta(days=6), WEEK)
    if kind == MONTH:
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return Period(start, following - timedelta(days=1), MONTH)
    if kind == QUARTER:
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        following = (start + timedelta(days=95)).replace(day=1)
        return Period(start, following - timedelta(days=1), QUARTER)
    if kind == YEAR:
        return Period(date(day.year, 1, 1), date(day.year, 12, 31), YEAR)
    raise PeriodError(_("未知的统计周期。"))


def period_range(start: date | None, end: date | None) -> Period:
    """Any range of days; the same checks for every page, report and command."""
    if start is None or end is None:
        raise PeriodError(_("请填写起止日期。"))
    _check(start)
    _check(end)
    if end < start:
        raise PeriodError(_("截止日期不能早于起始日期。"))
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError(_("统计时段最长 %(days)d 天。") % {"days": MAX_DAYS})
    return Period(start, end, RANGE)


def parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None
