"""The append-only audit trail for actions outside an order's own history: revealing personal
data (Art. 22), exports (Art. 24), account and configuration changes. An order's transitions
are recorded in `orders.OrderEvent`, which is the audit trail of the work order itself.

Append-only three times over (等保 level 3, 安全审计): the model refuses changes, database
triggers refuse UPDATE and DELETE (core/guards.py), and each entry carries the hash of the one
before (audit/chain.py), so that `hotline audit_verify` finds an entry edited, removed or
inserted by someone who got past both. Nothing deletes entries: they are kept at least
`HOTLINE_AUDIT_RETENTION_DAYS` (180 days or more)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline.audit.chain import entry_digest
from hotline.core.models import AppendOnlyModel


class AuditEntry(AppendOnlyModel):
    class Action(models.TextChoices):
        REVEAL_PERSONAL_DATA = "reveal_personal_data", _("查看个人信息")
        EXPORT = "export", _("数据导出")
        REPORT_PUBLISH = "report_publish", _("发布统计通报")
        ACCOUNT_CHANGE = "account_change", _("账户变更")
        ROLE_CHANGE = "role_change", _("角色变更")
        PASSWORD_CHANGE = "password_change", _("密码变更")
        CONFIG_CHANGE = "config_change", _("配置变更")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGIN_LOCKED = "login_locked", _("登录锁定")
        VIEW_CONFIDENTIAL = "view_confidential", _("查看保密工单")
        # Data release (Art. 24, hotline.releases): each names its request, `release:R-…`.
        RELEASE_REQUEST = "release_request", _("申请数据导出")
        RELEASE_APPROVE = "release_approve", _("批准数据导出")
        RELEASE_REFUSE = "release_refuse", _("驳回数据导出")
        RELEASE_WITHDRAW = "release_withdraw", _("撤回数据导出申请")
        RELEASE_DOWNLOAD = "release_download", _("下载导出数据")
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出登录")
        OTP_VERIFIED = "otp_verified", _("动态口令验证通过")
        OTP_FAILED = "otp_failed", _("动态口令错误")
        OTP_ENROLLED = "otp_enrolled", _("绑定动态口令")
        OTP_RESET = "otp_reset", _("重置动态口令")
        SESSION_EXPIRED = "session_expired", _("会话超时")
        SESSION_ENDED = "session_ended", _("强制结束会话")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=40, choices=Action.choices)
    target = models.CharField(_("对象"), max_length=120, blank=True)
    reason = models.CharField(_("事由"), max_length=500, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    # The hash chain (audit/chain.py): written once by `audit_record`, checked by
    # `hotline audit_verify`.
    seq = models.PositiveBigIntegerField(_("序号"), unique=True, editable=False)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, editable=False)
    hash = models.CharField(_("哈希"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.target}"

    def digest(self) -> str:
        """The hash this entry must carry, from its content and `prev_hash`."""
        return entry_digest(
            seq=self.seq,
            at=self.at,
            actor_id=self.actor_id,
            action=self.action,
            target=self.target,
            reason=self.reason,
            detail=self.detail,
            prev_hash=self.prev_hash,
        )
