"""The local (Asia/Shanghai) calendar weeks and days that samples and figures are counted in."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

WEEK = timedelta(days=7)


def day_start(day: date) -> datetime:
    """Local midnight at the start of `day`, as an aware instant."""
    return timezone.make_aware(datetime.combine(day, time.min))


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) local, as aware instants."""
    return day_start(week_start), day_start(week_start + WEEK)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_of(moment: datetime) -> date:
    """The Monday of the local week `moment` falls in."""
    return monday_of(timezone.localdate(moment))


def last_complete_week(now: datetime) -> date:
    """The Monday of the week before the one `now` falls in."""
    return week_of(now) - WEEK
