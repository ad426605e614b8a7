from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TriageSuggestion(models.Model):
    """What triage suggested when an order was recorded (codes only, no text and no personal
    data): compared with what the operators finally decided, on the acceptance page and when
    retraining (issue 14)."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="triage_suggestion"
    )
    model_version = models.CharField(_("模型版本"), max_length=40)
    request_type = models.CharField(_("类型"), max_length=20)
    exclusion = models.CharField(_("不予受理原因"), max_length=40, blank=True)
    emergency_situation = models.CharField(_("紧急情形"), max_length=40, blank=True)
    rescue_lines = models.JSONField(_("救援热线"), default=list, blank=True)
    major_incident = models.CharField(_("重大突发事件"), max_length=40, blank=True)
    unit = models.CharField(_("承办单位"), max_length=40, blank=True)
    units = models.JSONField(_("备选单位"), default=list, blank=True)
    category = models.CharField(_("分类"), max_length=60, blank=True)
    confidence = models.FloatField(_("置信度"), default=0.0)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("分拨建议")
        verbose_name_plural = _("分拨建议")

    def __str__(self) -> str:
        return f"{self.order_id} {self.request_type} {self.unit}"


class TriageTraining(models.Model):
    """One run of `hotline triage_train`: the figures before and after on the held-out part,
    and whether the new model was installed (only when not worse)."""

    at = models.DateTimeField(_("时间"), default=timezone.now)
    version = models.CharField(_("模型版本"), max_length=40)
    corpus_rows = models.PositiveIntegerField(_("语料条数"), default=0)
    decision_rows = models.PositiveIntegerField(_("工单决定条数"), default=0)
    before = models.JSONField(_("训练前指标"), default=dict)
    after = models.JSONField(_("训练后指标"), default=dict)
    installed = models.BooleanField(_("已启用"), default=False)

    class Meta:
        verbose_name = _("模型训练")
        verbose_name_plural = _("模型训练")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.version} {'installed' if self.installed else 'kept'}"
