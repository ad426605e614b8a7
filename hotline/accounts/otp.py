"""The second factor: a TOTP code (RFC 6238) from a phone app, with django-otp (issue 13;
等保 level 3, 身份鉴别: 采用两种或两种以上组合的鉴别技术).

Accounts holding a role of `roles.SECOND_FACTOR_ROLES` sign in in two steps: the password,
then a 6-digit code (`SecondFactorMiddleware` sends every other page to the code step until
then). Without a confirmed device the person enrols one right after the password: the page
shows the secret as a QR code (an SVG drawn on the server) and as base32 text, and one right
code confirms it. Guessing is bounded three ways: each wrong code counts as a failed sign-in
toward the django-axes lock of the account and address (5 in 15 minutes end the session and
lock the password step too); django-otp's throttle on the device doubles the wait after each
wrong code until a right one; and a code once used is refused (the device keeps `last_t`).
The security administrator resets a person's device (a lost phone), never their own."""

import base64
import enum
import hashlib
import time
from dataclasses import dataclass

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from hotline import clock
from hotline.accounts import permissions, sessions
from hotline.accounts.models import SignInSession, User
from hotline.audit.models import AuditEntry
from hotline.audit.services import audit_record
from hotline.core.errors import NotAllowed

DEVICE_NAME = "手机动态口令"


class Outcome(enum.Enum):
    VERIFIED = "verified"
    MALFORMED = "malformed"  # not six digits: nothing guessed, nothing counted
    WRONG = "wrong"
    THROTTLED = "throttled"  # the device's wait after wrong codes is not over
    LOCKED = "locked"  # this wrong code reached the lock: the session has ended


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.VERIFIED


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (drawn here: closed network)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def code_at(device: TOTPDevice, *, step: int | None = None) -> str:
    """The 6-digit code of `device` for time step `step` (the current one by default): for
    the demo's `demo_otp` and the tests."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if step is not None:
        totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


def current_step(device: TOTPDevice) -> int:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.t()


def _normalized(token: str) -> str | None:
    token = (token or "").replace(" ", "").strip()
    return token if len(token) == 6 and token.isascii() and token.isdigit() else None


def _row(request: HttpRequest) -> int | None:
    row_id = request.session.get(sessions.ROW_KEY)
    return row_id if isinstance(row_id, int) else None


def _check(request: HttpRequest, device: TOTPDevice, token: str, *, stage: str) -> Result:
    """The one place a code is tried: throttle, verify (refusing a used step), count a wrong
    code toward the lock, record."""
    user: User = request.user  # type: ignore[assignment]
    normalized = _normalized(token)
    if normalized is None:
        return Result(Outcome.MALFORMED)
    allowed, info = device.verify_is_allowed()
    if not allowed:
        until = (info or {}).get("locked_until")
        wait = int((until - timezone.now()).total_seconds()) + 1 if until else 1
        return Result(Outcome.THROTTLED, wait_seconds=wait)
    if device.verify_token(normalized):
        return Result(Outcome.VERIFIED)
    audit_record(
        actor=user,
        action=AuditEntry.Action.OTP_FAILED,
        target=f"account:{user.username}",
        reason=_("动态口令错误"),
        stage=stage,
        address=str(request.META.get("REMOTE_ADDR", "")),
        session=_row(request),
        failures=device.throttling_failure_count,
    )
    # A wrong code is a failed sign-in of this account from this address (django-axes): the
    # lock that stops password guessing stops code guessing too. Called on axes directly, not
    # through the user_login_failed signal, which would record a wrong *password*.
    AxesProxyHandler.user_login_failed(
        sender=__name__, credentials={"username": user.username}, request=request
    )
    if getattr(request, "axes_locked_out", False):
        sessions.sessions_end_for_user(
            actor=None, user=user, reason=SignInSession.EndReason.OTP_LOCKED
        )
        request.session.flush()
        return Result(Outcome.LOCKED)
    return Result(Outcome.WRONG)


@transaction.atomic
def otp_verify(*, request: HttpRequest, token: str) -> Result:
    """The code step of a signed-in person holding a second-factor role and a confirmed
    device: a right code marks the session verified (django_otp.login) and is recorded."""
    user: User = request.user  # type: ignore[assignment]
    device = confirmed_device(user)
    if device is None:
        raise NotAllowed(_("尚未绑定动态口令。"))
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    result = _check(request, device, token, stage="verify")
    if result.ok:
        _verified(request, device, AuditEntry.Action.OTP_VERIFIED, _("动态口令验证通过"))
    return result


def otp_enrol_device(*, user: User) -> TOTPDevice:
    """The device being enrolled: the account's unconfirmed one, or a new random secret."""
    if confirmed_device(user) is not None:
        raise NotAllowed(_("已绑定动态口令；如需更换，请联系安全管理员重置。"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def otp_enrol_confirm(*, request: HttpRequest, token: str) -> Result:
    """Confirm the device being enrolled with one right code: it becomes the account's device,
    the session is verified, and the enrolment is recorded. Wrong codes count as on the code
    step."""
    user: User = request.user  # type: ignore[assignment]
    device = TOTPDevice.objects.select_for_update().get(pk=otp_enrol_device(user=user).pk)
    result = _check(request, device, token, stage="enrol")
    if result.ok:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        _verified(request, device, AuditEntry.Action.OTP_ENROLLED, _("本人绑定动态口令"))
    return result


def _verified(request: HttpRequest, device: TOTPDevice, action: str, reason: str) -> None:
    """The session passed its code on `device`: marked verified, and recorded as `action`."""
    user: User = request.user  # type: ignore[assignment]
    otp_login(request, device)
    _mark_verified(request)
    audit_record(
        actor=user,
        action=action,
        target=f"account:{user.username}",
        reason=reason,
        session=_row(request),
    )


def _mark_verified(request: HttpRequest) -> None:
    row_id = _row(request)
    if row_id is not None:
        SignInSession.objects.filter(pk=row_id).update(verified_at=clock.now())


@transaction.atomic
def otp_device_reset(*, actor: User, user: User) -> int:
    """Remove every TOTP device of `user` (a lost or replaced phone) and end their sessions:
    at the next sign-in they enrol a new device. Only the security administrator, never on
    their own account. The number of devices removed (0: nothing recorded)."""
    if not permissions.may_reset_second_factor(actor, user):
        raise NotAllowed(_("只有安全管理员可以重置他人的动态口令，且不能重置自己的。"))
    count, _deleted = TOTPDevice.objects.filter(user=user).delete()
    if not count:
        return 0
    audit_record(
        actor=actor,
        action=AuditEntry.Action.OTP_RESET,
        target=f"account:{user.username}",
        reason=_("安全管理员重置动态口令"),
        devices=count,
    )
    sessions.sessions_end_for_user(
        actor=actor, user=user, reason=SignInSession.EndReason.DEVICE_RESET
    )
    return count


# --- fixed secrets: the demo and the tests ------------------------------------------------


def fixed_key(username: str, *, purpose: str) -> str:
    """A 20-byte key (hex, as TOTPDevice stores it) derived from the name: the same on every
    run, so the demo can print it. Never for a real installation."""
    return hashlib.sha256(f"hotline-{purpose}-totp:{username}".encode()).hexdigest()[:40]


def fixed_device(user: User, *, purpose: str) -> TOTPDevice:
    """The account's confirmed device with its fixed key (created when missing)."""
    device = confirmed_device(user)
    if device is None:
        device = TOTPDevice.objects.create(
            user=user,
            name=DEVICE_NAME,
            confirmed=True,
            key=fixed_key(user.username, purpose=purpose),
        )
    return device
