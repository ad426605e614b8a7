"""The working-day calendar: one row per day of every covered year (DESIGN §3).

The calendar is the only place that knows what a working day is. Rows come from the
maintained `chinesecalendar` package (source `package`) and from administrators' corrections
(source `admin`), which a later import never overwrites. The covered range is the first to
the last stored date; outside it the deadline clock counts weekends only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """Whether one day is a working day, per the State Council's schedule (incl. 调休)."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("节假日软件包")
        ADMIN = "admin", _("管理员录入")

    date = models.DateField(_("日期"), unique=True)
    is_working = models.BooleanField(_("工作日"))
    note = models.CharField(
        _("说明"), max_length=100, blank=True, help_text=_("例如：国庆节、调休上班")
    )
    source = models.CharField(
        _("来源"), max_length=10, choices=Source.choices, default=Source.ADMIN
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("日历日")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("工作日") if self.is_working else _("休息日")
        return f"{self.date.isoformat()} {kind}"
