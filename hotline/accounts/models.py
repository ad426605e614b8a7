"""Accounts: every person belongs to a unit and holds roles (DESIGN §2)."""

import hashlib
import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from hotline.accounts.roles import (
    ADMIN_PERMISSIONS,
    ADMIN_ROLES,
    CENTRE_ROLES,
    MACHINE_ROLES,
    SECOND_FACTOR_ROLES,
    UNIT_ROLES,
    Role,
)


def validate_roles(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("角色必须是角色代码的列表"))
    unknown = set(value) - set(Role.values)
    if unknown:
        raise ValidationError(
            _("未知角色：%(roles)s"), params={"roles": ", ".join(sorted(unknown))}
        )


class AccountManager(UserManager["User"]):
    def create_superuser(self, *args: Any, **kwargs: Any) -> "User":
        # Separation of duties: no account holds every permission (`createsuperuser`).
        raise ValidationError(
            _(
                "本系统不设超级用户（三员分立）。请用 hotline account_add 创建系统管理员、"
                "安全管理员和审计员账户。"
            )
        )


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=40, blank=True)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    roles = models.JSONField(_("角色"), default=list, blank=True, validators=[validate_roles])
    phone = models.CharField(_("工作电话"), max_length=40, blank=True)
    is_machine = models.BooleanField(
        _("机器账户"),
        default=False,
        help_text=_(
            "供其他系统（如 110 报警服务台）通过接口令牌访问，不能用密码登录网页或管理后台"
        ),
    )

    password_change_required = models.BooleanField(
        _("须修改密码"),
        default=False,
        help_text=_("密码由管理员设置，本人下次登录时须先修改"),
    )

    objects: ClassVar[AccountManager] = AccountManager()

    class Meta:
        verbose_name = _("账户")
        verbose_name_plural = _("账户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles or ())

    def has_role(self, *roles: str) -> bool:
        return self.is_active and bool(self.role_set.intersection(roles))

    @property
    def is_centre_staff(self) -> bool:
        return self.has_role(*CENTRE_ROLES)

    @property
    def is_unit_staff(self) -> bool:
        return self.unit_id is not None and self.has_role(*UNIT_ROLES)

    @property
    def is_admin_only(self) -> bool:
        """True for accounts that may configure the system but never read orders."""
        return bool(self.role_set) and self.role_set <= ADMIN_ROLES

    @property
    def signs_in_with_password(self) -> bool:
        """False for machine accounts (and any account holding a machine role): they use API
        tokens only, never a password or a web session."""
        return not self.is_machine and not self.role_set & MACHINE_ROLES

    @property
    def needs_second_factor(self) -> bool:
        """Signs in with a TOTP code after the password (`roles.SECOND_FACTOR_ROLES`)."""
        return self.signs_in_with_password and bool(self.role_set & SECOND_FACTOR_ROLES)

    @property
    def may_use_admin(self) -> bool:
        """The system and the security administrator work in the admin (系统配置)."""
        return self.is_active and self.signs_in_with_password and bool(self.role_set & ADMIN_ROLES)

    @property
    def may_read_audit_trail(self) -> bool:
        """The auditor reads the audit trail; no one else does, the administrators included."""
        return self.signs_in_with_password and self.has_role(Role.AUDITOR)

    # Admin permissions come from the roles alone (`roles.ADMIN_PERMISSIONS`): not from
    # `is_superuser`, groups or per-user permissions, which no one may grant themselves.
    def get_all_permissions(self, obj: Any = None) -> set[str]:
        if obj is not None or not self.is_active or not self.signs_in_with_password:
            return set()
        return set().union(*(ADMIN_PERMISSIONS.get(role, ()) for role in self.role_set))

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(obj)

    def has_module_perms(self, app_label: str) -> bool:
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions())

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.__dict__.pop("role_set", None)  # the roles may have just been changed
        self.is_superuser = False  # see get_all_permissions
        # Kept for Django's own checks; who may use the admin is `may_use_admin`.
        self.is_staff = self.may_use_admin
        super().save(*args, **kwargs)

    def role_labels(self) -> list[str]:
        return [str(Role(code).label) for code in self.roles if code in Role.values]


class ApiToken(models.Model):
    """A bearer token for a machine account (the 110 desk, integrated systems).

    Only a SHA-256 digest of the token is stored; the token itself is shown once at creation.
    """

    user = models.ForeignKey(
        User, verbose_name=_("账户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=60)
    prefix = models.CharField(_("前缀"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple["ApiToken", str]:
        token = "hl_" + secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user, name=name, prefix=token[:10], digest=cls.digest_of(token)
        )
        return row, token


class SignInSession(models.Model):
    """One web session of a person, from sign-in to its end: what the security administrator
    sees of an account's sessions and ends (issue 13). The Django session holds this row's id
    (`accounts.sessions`), so a session whose key changed (a password change) is still found;
    a row with `ended_at` set refuses its session even should the session store still hold it.
    The address and browser are shown to the security administrator, never logged."""

    class EndReason(models.TextChoices):
        LOGOUT = "logout", _("本人退出")
        IDLE = "idle", _("空闲超时")
        ABSOLUTE = "absolute", _("超过会话最长时间")
        ENDED = "ended", _("安全管理员强制下线")
        DEACTIVATED = "deactivated", _("账户停用")
        DEVICE_RESET = "device_reset", _("动态口令重置")
        OTP_LOCKED = "otp_locked", _("验证码错误次数过多")

    user = models.ForeignKey(
        User, verbose_name=_("账户"), on_delete=models.CASCADE, related_name="signin_sessions"
    )
    session_key = models.CharField(max_length=40, db_index=True, editable=False)
    started_at = models.DateTimeField(_("登录时间"), editable=False)
    last_seen_at = models.DateTimeField(_("最近活动"))
    address = models.CharField(_("来源地址"), max_length=45, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=200, blank=True)
    verified_at = models.DateTimeField(_("二次验证时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(
        _("结束原因"), max_length=20, choices=EndReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"
