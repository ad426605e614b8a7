"""Failed sign-ins and locks in the audit trail (connected in `AccountsConfig.ready`).

The row names the account only when it exists (a mistyped name may be someone's password) and
never the password; the address is kept for the auditor, never in a log line."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from hotline.accounts.login_guard import lock_minutes
from hotline.accounts.models import User
from hotline.audit.models import AuditEntry
from hotline.audit.services import audit_record


def _account(username: Any) -> User | None:
    if not isinstance(username, str) or not username or len(username) > 150:
        return None
    return User.objects.filter(username=username).first()


def _address(request: HttpRequest | None) -> str:
    return getattr(request, "axes_ip_address", None) or (
        request.META.get("REMOTE_ADDR", "") if request is not None else ""
    )


def _while_locked(request: HttpRequest | None) -> bool:
    """Refused by the lock before the password was checked: axes marks the request locked in
    its backend and counts nothing, so the failure count is still unset."""
    return bool(
        getattr(request, "axes_locked_out", False)
        and getattr(request, "axes_failures_since_start", None) is None
    )


def record_login_failed(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    account = _account(credentials.get("username"))
    while_locked = _while_locked(request)
    if while_locked:
        reason = _("锁定期间的登录尝试（未校验密码）")
    elif account is None:
        reason = _("账户不存在")
    elif not account.signs_in_with_password:
        reason = _("机器账户不能用密码登录")
    elif not account.is_active:
        reason = _("账户已停用")
    else:
        reason = _("密码错误")
    detail: dict[str, Any] = {
        "address": _address(request),
        "path": getattr(request, "path", ""),
        "while_locked": while_locked,
    }
    if account is None:
        detail["unknown_account"] = True
    audit_record(
        actor=None,
        action=AuditEntry.Action.LOGIN_FAILED,
        target=f"account:{account.username}" if account else "",
        reason=reason,
        **detail,
    )


def record_locked_out(
    sender: Any, request: HttpRequest | None = None, username: Any = None, **kwargs: Any
) -> None:
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return  # an attempt during a lock: recorded as a failed sign-in, not a new lock
    account = _account(username)
    audit_record(
        actor=None,
        action=AuditEntry.Action.LOGIN_LOCKED,
        target=f"account:{account.username}" if account else "",
        reason=_("连续登录失败，暂停登录 %(minutes)d 分钟") % {"minutes": lock_minutes()},
        address=_address(request),
        path=getattr(request, "path", ""),
        minutes=lock_minutes(),
        **({} if account else {"unknown_account": True}),
    )
