"""Calls reported by the call centre (protocols/cti-events.md): one `Call` per call id and one
`CallEvent` per kind of event received for it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline.privacy.fields import EncryptedTextField


class Direction(models.TextChoices):
    IN = "in", _("呼入")
    OUT = "out", _("呼出")


class EventKind(models.TextChoices):
    NEW_CALL = "newCall", _("来电")
    ANSWER = "answer", _("接听")
    HANGUP = "hangup", _("挂机")


class Cause(models.TextChoices):
    NORMAL_CLEARING = "normalClearing", _("正常挂机")
    BUSY = "busy", _("忙")
    NO_ANSWER = "noAnswer", _("无人接听")
    CANCEL = "cancel", _("来电人放弃")
    FAILED = "failed", _("失败")


class Call(models.Model):
    """One call. The times are those the call centre reported; `answered`, `wait_seconds`
    (newCall → answer) and `talk_seconds` (answer → hangup) are derived from them whatever
    the order in which the events arrived. The citizen's number (the caller of an `in` call,
    the called party of an `out` call) is stored sealed, with a digest for look-ups."""

    call_id = models.CharField(_("话务系统呼叫号"), max_length=64, unique=True)
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    phone = EncryptedTextField(_("市民号码"), blank=True)
    phone_mask = models.CharField(_("市民号码"), max_length=20, blank=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True)
    line = models.CharField(_("热线号码"), max_length=20, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("话务员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agent_login = models.CharField(_("话务员工号"), max_length=150, blank=True)
    started_at = models.DateTimeField(_("开始时间"), db_index=True)
    rang_at = models.DateTimeField(_("来电时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("接听时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("挂机时间"), null=True, blank=True)
    cause = models.CharField(_("挂机原因"), max_length=20, choices=Cause.choices, blank=True)
    recording = models.CharField(_("录音"), max_length=255, blank=True)
    answered = models.BooleanField(_("已接听"), default=False)
    wait_seconds = models.PositiveIntegerField(_("等待时长（秒）"), null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(_("通话时长（秒）"), null=True, blank=True)
    missed_call = models.OneToOneField(
        "callbacks.MissedCall",
        verbose_name=_("未接来电"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cti_call",
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cti_calls",
    )
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)

    class Meta:
        verbose_name = _("通话")
        verbose_name_plural = _("通话")
        indexes = [
            models.Index(fields=["agent", "answered_at"], name="cti_call_agent_answered"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.phone_mask}"


class CallEvent(models.Model):
    """An event as received (without the numbers, which live sealed on the call). A repeat of
    a kind already received for the call is not stored again."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=10, choices=EventKind.choices)
    at = models.DateTimeField(_("事件时间"))
    agent_login = models.CharField(_("话务员工号"), max_length=150, blank=True)
    cause = models.CharField(_("挂机原因"), max_length=20, blank=True)
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)

    class Meta:
        verbose_name = _("话务事件")
        verbose_name_plural = _("话务事件")
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["call", "kind"], name="cti_event_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.kind}"
