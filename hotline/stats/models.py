"""Statistics (Art. 19–21): the daily counts the figures are summed from, the assessment
weights in force, and the periodic reports the supervising unit publishes."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline.core.models import AppendOnlyModel


class DailyCount(models.Model):
    """One additive count of one local (jurisdiction time zone) day: e.g. the orders received
    on 2026-11-03 of type `complaint` (counter `received`, dimension `type`, key `complaint`).
    Written only by `counting.refresh_days`, which replaces a day's rows as a whole."""

    day = models.DateField()
    counter = models.CharField(max_length=40)
    dimension = models.CharField(max_length=20, blank=True)
    key = models.CharField(max_length=60, blank=True)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dimension", "counter", "key"], name="dailycount_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.counter} {self.dimension}:{self.key}={self.value}"


class CountedDay(models.Model):
    """A day whose counts are stored, and when they were computed: the later changes of its
    orders (seen by their `updated_at`) make it counted again."""

    day = models.DateField(primary_key=True)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} @ {self.computed_at:%Y-%m-%d %H:%M}"


def _weight(label: Any, default: str) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=4,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )


class AssessmentScheme(AppendOnlyModel):
    """The weights of the assessments (Art. 20, 21): of member units — response, resolution
    and satisfaction rates — and of operators. Never changed: a new version is added and the
    newest is in force; every report names the version it used."""

    version = models.PositiveIntegerField(_("版本"), unique=True, editable=False)
    unit_response = _weight(_("单位：响应率权重"), "0.20")
    unit_resolution = _weight(_("单位：按时办结率权重"), "0.40")
    unit_satisfaction = _weight(_("单位：满意率权重"), "0.40")
    operator_workload = _weight(_("话务员：工作量权重"), "0.30")
    operator_quality = _weight(_("话务员：质检得分权重"), "0.40")
    operator_satisfaction = _weight(_("话务员：回访满意率权重"), "0.30")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("生效时间"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"

    UNIT_FIELDS = ("unit_response", "unit_resolution", "unit_satisfaction")
    OPERATOR_FIELDS = ("operator_workload", "operator_quality", "operator_satisfaction")

    def clean(self) -> None:
        for fields, label in ((self.UNIT_FIELDS, _("单位")), (self.OPERATOR_FIELDS, _("话务员"))):
            total = sum((getattr(self, name) or Decimal(0)) for name in fields)
            if total != Decimal("1.00"):
                raise ValidationError(
                    _("%(who)s考核的三项权重之和须为 1（现为 %(total)s）。")
                    % {"who": label, "total": total}
                )

    def weights(self) -> dict[str, float]:
        return {
            name: float(getattr(self, name)) for name in (*self.UNIT_FIELDS, *self.OPERATOR_FIELDS)
        }


class Report(models.Model):
    """A periodic report (通报) of the hotline's figures (Art. 19): drafted with the figures
    as they stood, approved by the supervising unit, then published — and from then on never
    changed (the figures are a snapshot; only the draft may be recomputed)."""

    class Kind(models.TextChoices):
        WEEK = "week", _("周报")
        MONTH = "month", _("月报")
        QUARTER = "quarter", _("季报")
        YEAR = "year", _("年报")
        RANGE = "range", _("专题（任意时段）")

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("截止日期"))
    title = models.CharField(_("标题"), max_length=120)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    figures = models.JSONField(_("统计数据"), default=dict, editable=False)
    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核权重版本"), on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField(_("统计时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("统计通报")
        verbose_name_plural = _("统计通报")
        ordering = ["-end", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class Watermark(models.Model):
    """How far the stored days are up to date (one row). `started_at`: when the last refresh
    began — a reader counts live the days changed after it. `valid_at`: a few minutes before
    that — where the next refresh looks from, so that a change written before the refresh
    began but committed after it looked is counted next time."""

    valid_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.valid_at:%Y-%m-%d %H:%M:%S}"
