"""The satisfaction callback queue (Art. 16: 对已办结诉求件进行满意度回访) and missed calls."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline.core.text import MAX_REASON, MAX_SHORT
from hotline.privacy.fields import EncryptedTextField


class CallbackPolicy(models.Model):
    """Which orders must be called back (one row, edited in the admin)."""

    required_types = models.JSONField(
        _("必须回访的诉求类型"),
        default=list,
        help_text=_("诉求类型代码列表，如 complaint、report、help"),
    )
    sample_percent = models.PositiveSmallIntegerField(
        _("其他类型抽样回访比例（%）"), default=20, help_text=_("0–100；按工单编号稳定抽样")
    )
    max_attempts = models.PositiveSmallIntegerField(_("未接通最多尝试次数"), default=3)
    distinct_days = models.BooleanField(_("每天最多计一次未接通"), default=True)
    auto_close_days = models.PositiveSmallIntegerField(
        _("无需回访的工单自动办结天数"),
        default=3,
        help_text=_("答复审查通过后，市民未在网上评价的，满此天数按规则办结"),
    )

    class Meta:
        verbose_name = _("回访规则")
        verbose_name_plural = _("回访规则")

    def __str__(self) -> str:
        return str(_("回访规则"))


class CallbackTask(models.Model):
    """An order waiting for its satisfaction callback."""

    class Outcome(models.TextChoices):
        OPEN = "", _("待回访")
        RATED = "rated", _("已评价")
        UNREACHABLE = "unreachable", _("无法联系")
        AUTO_CLOSED = "auto_closed", _("按规则办结")
        CLOSED = "closed", _("班长办结")

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="callback_task"
    )
    required = models.BooleanField(_("必须回访"))
    basis = models.CharField(_("依据"), max_length=100)
    opened_at = models.DateTimeField(_("进入回访"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("未接通次数"), default=0)
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=20, choices=Outcome.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("回访任务")
        verbose_name_plural = _("回访任务")
        indexes = [
            models.Index(fields=["required", "closed_at", "opened_at"], name="callback_queue")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.get_outcome_display()}"


class CallbackAttempt(models.Model):
    """One try to reach the caller."""

    task = models.ForeignKey(CallbackTask, on_delete=models.CASCADE, related_name="tries")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    reached = models.BooleanField(_("已接通"))
    note = models.CharField(_("记录"), max_length=MAX_REASON, blank=True)

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.at:%Y-%m-%d %H:%M}"


class MissedCall(models.Model):
    """A call that was not answered, to be called back (国办函〔2025〕66号). Fed by the call
    centre's events once the CTI link exists; entered by hand until then."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("人工登记")
        CTI = "cti", _("话务系统")

    phone = EncryptedTextField(_("来电号码"))
    phone_mask = models.CharField(_("来电号码"), max_length=20)
    phone_digest = models.CharField(max_length=64, db_index=True)
    called_at = models.DateTimeField(_("来电时间"))
    source = models.CharField(
        _("来源"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(_("回拨时间"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("回拨结果"), max_length=MAX_SHORT, blank=True)

    class Meta:
        verbose_name = _("未接来电")
        verbose_name_plural = _("未接来电")
        ordering = ["called_at"]
        indexes = [models.Index(fields=["returned_at", "called_at"], name="missed_open")]

    def __str__(self) -> str:
        return f"{self.phone_mask} {self.called_at:%m-%d %H:%M}"
