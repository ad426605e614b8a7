"""Quality checks of the operating centre's calls and orders (质检; Art. 20: the host unit
assesses the operating centre by business ability, service quality and workload).

A `Sheet` is one version of the scoring sheet (评分表); an edit saves the next version, so a
check keeps the version it was scored on. A `Sample` is one week's random draw (抽检) of the
operators' answered calls and registered orders; each drawn call or order is one `Check`,
scored once by an operator lead."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Every sheet's items add up to this, so a check's total reads as a score out of 100.
SHEET_TOTAL = 100
MAX_ITEMS = 20
MAX_LABEL = 40


def sheet_items_problem(items: Any) -> str | None:
    """What is wrong with a sheet's items, in Chinese, or None when they are well-formed: a
    list of {"code", "label", "max_points"} with distinct codes (letters, digits, _),
    a label, whole positive points, adding up to SHEET_TOTAL."""
    if not isinstance(items, list) or not items:
        return _(
            '评分项须为非空列表，每项形如 {"code": "greeting", "label": "服务用语", "max_points": 15}。'
        )
    if len(items) > MAX_ITEMS:
        return _("评分项不能超过 %(n)d 项。") % {"n": MAX_ITEMS}
    codes: set[str] = set()
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict) or set(item) != {"code", "label", "max_points"}:
            return _("第 %(n)d 项须且只须包含 code、label、max_points 三个字段。") % {"n": position}
        code, label, points = item["code"], item["label"], item["max_points"]
        if not isinstance(code, str) or not code.isascii() or not code.replace("_", "").isalnum():
            return _("第 %(n)d 项的代码须由英文字母、数字或下划线组成。") % {"n": position}
        if len(code) > MAX_LABEL:
            return _("第 %(n)d 项的代码过长。") % {"n": position}
        if code in codes:
            return _("评分项代码“%(code)s”重复。") % {"code": code}
        codes.add(code)
        if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL:
            return _("第 %(n)d 项须有名称（不超过 %(limit)d 个字）。") % {
                "n": position,
                "limit": MAX_LABEL,
            }
        if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
            return _("“%(label)s”的分值须为正整数。") % {"label": label}
    total = sum(item["max_points"] for item in items)
    if total != SHEET_TOTAL:
        return _("各评分项分值合计须为 %(total)d 分（现在 %(now)d 分）。") % {
            "total": SHEET_TOTAL,
            "now": total,
        }
    return None


class Sheet(models.Model):
    """One version of the scoring sheet. Rows are never changed: the admin saves an edit as
    the next version (`services.quality_sheet_save`); the highest version is the current one."""

    version = models.PositiveIntegerField(gettext_lazy("版本"), unique=True, editable=False)
    name = models.CharField(gettext_lazy("名称"), max_length=60, default="话务质检评分表")
    items = models.JSONField(
        gettext_lazy("评分项"),
        help_text=gettext_lazy(
            '列表，每项形如 {"code": "greeting", "label": "服务用语", "max_points": 15}；'
            "分值合计须为 100 分。修改后保存为新版本，已评分的质检仍按原版本显示。"
        ),
    )
    created_at = models.DateTimeField(gettext_lazy("启用时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("质检评分表")
        verbose_name_plural = gettext_lazy("质检评分表")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    def clean(self) -> None:
        problem = sheet_items_problem(self.items)
        if problem:
            raise ValidationError({"items": problem})

    @property
    def total(self) -> int:
        return sum(item["max_points"] for item in self.items)


class Sample(models.Model):
    """One week's draw (Monday–Sunday, local dates). The seed of the random generator is kept
    so that anyone can repeat the draw and see it was not chosen by hand."""

    week_start = models.DateField(gettext_lazy("周一"), unique=True)
    seed = models.CharField(gettext_lazy("随机种子"), max_length=40)
    calls_per_operator = models.PositiveSmallIntegerField(gettext_lazy("每人抽取通话数"))
    orders_per_operator = models.PositiveSmallIntegerField(gettext_lazy("每人抽取工单数"))
    drawn_at = models.DateTimeField(gettext_lazy("抽取时间"))
    # None: drawn by the scheduled tick.
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("抽取人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = gettext_lazy("质检抽样")
        verbose_name_plural = gettext_lazy("质检抽样")
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return f"{self.week_start:%Y-%m-%d}"


class Kind(models.TextChoices):
    CALL = "call", gettext_lazy("通话")
    ORDER = "order", gettext_lazy("工单")


class State(models.TextChoices):
    PENDING = "pending", gettext_lazy("待评分")
    SCORED = "scored", gettext_lazy("已评分")


class Check(models.Model):
    """One drawn call or order of one operator, and its score once a lead gave it."""

    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="checks")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("话务员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(gettext_lazy("类别"), max_length=10, choices=Kind.choices)
    call = models.ForeignKey(
        "cti.Call", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the call began or the order was registered: the statistics count a check on its
    # local date.
    at = models.DateTimeField(gettext_lazy("发生时间"), db_index=True)
    state = models.CharField(
        gettext_lazy("状态"), max_length=10, choices=State.choices, default=State.PENDING
    )
    sheet = models.ForeignKey(
        Sheet,
        verbose_name=gettext_lazy("评分表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scores = models.JSONField(gettext_lazy("各项得分"), default=dict, blank=True)
    total = models.PositiveSmallIntegerField(gettext_lazy("总分"), null=True, blank=True)
    comment = models.TextField(gettext_lazy("评语"), blank=True)
    scored_at = models.DateTimeField(gettext_lazy("评分时间"), null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("评分人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = gettext_lazy("质检")
        verbose_name_plural = gettext_lazy("质检")
        ordering = ["operator_id", "kind", "at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "call"], name="quality_call_once"),
            models.UniqueConstraint(fields=["sample", "order"], name="quality_order_once"),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="call", call__isnull=False, order__isnull=True)
                    | models.Q(kind="order", order__isnull=False, call__isnull=True)
                ),
                name="quality_check_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["state", "at"], name="quality_state_at")]

    def __str__(self) -> str:
        return f"{self.sample} {self.get_kind_display()} #{self.pk}"

    @property
    def is_scored(self) -> bool:
        return self.state == State.SCORED

    @property
    def is_call(self) -> bool:
        return self.kind == Kind.CALL

    def lines(self) -> list[tuple[str, int | None, int]]:
        """(label, points, max) per item of the sheet it was scored on."""
        if self.sheet is None:
            return []
        return [
            (item["label"], self.scores.get(item["code"]), item["max_points"])
            for item in self.sheet.items
        ]
