"""Data release (Art. 24: 未经批准不得对外提供热线数据): every export of hotline data is a
request with a purpose, approved by the supervising unit (主管) and downloaded by its requester
while it is valid. The request, the decision and each download are written to the audit trail."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReleaseStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已驳回")
    EXPIRED = "expired", _("已过期")
    WITHDRAWN = "withdrawn", _("已撤回")


class ReleaseRequest(models.Model):
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="release_requests",
    )
    kind = models.CharField(_("导出内容"), max_length=40)
    params = models.JSONField(_("导出条件"), default=dict, blank=True)
    purpose = models.CharField(_("用途"), max_length=500)
    personal_data = models.BooleanField(_("申请导出未遮盖的个人信息"), default=False)
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ReleaseStatus.choices, default=ReleaseStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)
    # Granted only by the approver's explicit tick; otherwise personal data stays masked.
    personal_data_approved = models.BooleanField(_("批准导出未遮盖的个人信息"), default=False)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    download_count = models.PositiveIntegerField(_("已下载次数"), default=0)
    max_downloads = models.PositiveIntegerField(_("最多下载次数"), default=3)

    class Meta:
        verbose_name = _("数据导出申请")
        verbose_name_plural = _("数据导出申请")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The number the watermark and the audit trail name: R-<date>-<id>."""
        day = timezone.localtime(self.requested_at).strftime("%Y%m%d")
        return f"R-{day}-{self.pk or 0:05d}"

    def is_valid_at(self, now: datetime) -> bool:
        """Approved, not past its expiry and with downloads left."""
        return (
            self.status == ReleaseStatus.APPROVED
            and self.expires_at is not None
            and now < self.expires_at
            and self.download_count < self.max_downloads
        )

    def shown_status(self, now: datetime) -> str:
        """The status people read: an approval past its time or its downloads is 已过期."""
        if self.status == ReleaseStatus.APPROVED and not self.is_valid_at(now):
            return str(ReleaseStatus.EXPIRED.label)
        return str(self.get_status_display())
