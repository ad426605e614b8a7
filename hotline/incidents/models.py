"""Major incidents reported to the host unit (Art. 17), their alerts to the duty list and
their timeline.

第十七条: 重大灾情、疫情、环境污染、食品安全、特种设备安全、群体事件等紧急信息 are reported to
the host unit at once; the host unit takes measures and, where needed, starts the special
emergency response with the responsible units. An `Incident` gathers the calls about one such
event; `IncidentEvent` is its append-only timeline and audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core.models import AppendOnlyModel


class State(models.TextChoices):
    OPEN = "open", _("已上报")
    RESPONDING = "responding", _("应急响应中")
    CLOSED = "closed", _("已结束")


class Incident(models.Model):
    kind = models.ForeignKey(
        "catalogue.MajorIncidentKind", verbose_name=_("类别"), on_delete=models.PROTECT
    )
    title = models.CharField(_("标题"), max_length=120)
    place = models.ForeignKey(
        "units.Place", verbose_name=_("地点"), null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(_("上报时间"), db_index=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_order = models.ForeignKey(
        "orders.Order", verbose_name=_("首个工单"), on_delete=models.PROTECT, related_name="+"
    )
    response_started_at = models.DateTimeField(_("启动应急响应时间"), null=True, blank=True)
    response_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("启动人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    units_engaged = models.ManyToManyField(
        "units.Unit", verbose_name=_("参与处置单位"), blank=True, related_name="+"
    )
    summary = models.TextField(_("处置总结"), blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结束人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("重大突发事件")
        verbose_name_plural = _("重大突发事件")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.kind.name}：{self.title}"


class IncidentOrder(models.Model):
    """A call about the incident. An order belongs to one incident at most."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links")
    order = models.OneToOneField(
        "orders.Order", verbose_name=_("工单"), on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("关联时间"))
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["linked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.order_id}"


class DutyContact(models.Model):
    """The host unit's duty list: alerts go to the first active contact, and on to the next
    when one is not acknowledged in time."""

    position = models.PositiveSmallIntegerField(_("顺序"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("值班人员"), on_delete=models.PROTECT
    )
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("值班名单")
        verbose_name_plural = _("值班名单")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.user}"


class IncidentAlert(models.Model):
    """One alert of the duty list: level 0 is the first one, each escalation adds the next."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="alerts")
    # None when the duty list had no one (left): the host reviewers are still told in the app.
    contact = models.ForeignKey(
        DutyContact, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(_("升级层级"), default=0)
    alerted_at = models.DateTimeField(_("提醒时间"), db_index=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set once, by the tick that escalated it: the compare-and-swap that makes it run once.
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)

    class Meta:
        ordering = ["alerted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.level}"


class EventKind(models.TextChoices):
    OPENED = "opened", _("事件上报")
    ALERTED = "alerted", _("提醒值班人员")
    ACKNOWLEDGED = "acknowledged", _("确认收到")
    ESCALATED = "escalated", _("未及时确认，升级提醒")
    ORDER_LINKED = "order_linked", _("关联来电")
    RESPONSE_STARTED = "response_started", _("启动专项应急响应")
    CLOSED = "closed", _("事件结束")


class IncidentEvent(AppendOnlyModel):
    """The incident's timeline: every change of an incident writes one row, with who and when."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), db_index=True)
    kind = models.CharField(_("事件"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.CharField(_("说明"), max_length=2000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
