"""The demo's statistics: the daily counts stored, last month's report published by the
supervising unit (so the public page has one) and this month's report in draft."""

from datetime import datetime, timedelta

from hotline import clock
from hotline.accounts.models import User
from hotline.stats.counting import local_day, stats_refresh
from hotline.stats.models import Report
from hotline.stats.periods import MONTH, WEEK, period_of
from hotline.stats.services import report_draft, report_publish


def stats_load_demo(*, now: datetime | None = None) -> int:
    """Count the demo's days and write its reports; running it again adds no report."""
    now = now or clock.now()
    stats_refresh(now=now)
    if Report.objects.exists():
        return 0
    reviewer = User.objects.get(username="reviewer")
    supervisor = User.objects.get(username="supervisor")
    today = local_day(now)
    last_month = period_of(MONTH, today.replace(day=1) - timedelta(days=1))
    made = 0
    for period in (period_of(MONTH, last_month.start - timedelta(days=1)), last_month):
        report = report_draft(actor=reviewer, period=period, now=now)
        report_publish(actor=supervisor, report=report)
        made += 1
    last_week = period_of(WEEK, today - timedelta(days=7))
    report_draft(actor=reviewer, period=last_week, now=now)
    return made + 1
