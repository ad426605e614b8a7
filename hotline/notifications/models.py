"""The notification outbox. A transition writes its notifications here inside its own
transaction; a task delivers each one and retries until the gateway accepts it, so a crash
never loses a message and a rolled-back transition sends none (DESIGN §3, transactional outbox)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Channel(models.TextChoices):
        INAPP = "inapp", _("站内消息")
        SMS = "sms", _("短信")
        MAIL = "mail", _("邮件")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    kind = models.CharField(_("事件"), max_length=40)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    recipient_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("接收单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # An SMS to the caller of this order: the number is decrypted only when it is sent.
    to_caller = models.BooleanField(_("发给诉求人"), default=False)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("工单"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient_unit", "channel", "read_at"], name="notif_unit_inbox"),
            models.Index(fields=["recipient_user", "channel", "read_at"], name="notif_user_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.kind}"
