"""Web sessions: their limits, their record, and their end by the security administrator
(issue 13; 等保 level 3, 身份鉴别 and 访问控制: 登录连接超时自动退出, 会话可被终止).

- A session ends `HOTLINE_IDLE_TIMEOUT_MINUTES` (30) after its last request, and at the latest
  `SESSION_COOKIE_AGE` (12 h) after its sign-in however busy it is: the limit is fixed at
  sign-in (`set_expiry` with an instant, so neither the cookie nor the stored session is ever
  renewed) and checked here against `hotline.clock`.
- Every sign-in opens a `SignInSession` row (when, from which address and browser); its id and
  times are kept in the session itself, so a request costs no query (the row's last activity
  is brought up to date at most once a minute).
- The security administrator sees an account's open sessions and ends them (`session_end`,
  `sessions_end_for_user`); a deactivated account's sessions end with it.

Sign-in, sign-out and each expiry or forced end are written to the audit trail; the address
is kept there for the auditor and shown to the security administrator, never in a log line."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts import permissions
from hotline.accounts.models import SignInSession, User
from hotline.audit.models import AuditEntry
from hotline.audit.services import audit_record
from hotline.core.errors import NotAllowed

ROW_KEY = "hotline_signin_id"
STARTED_KEY = "hotline_signin_at"
SEEN_KEY = "hotline_seen_at"
KEY_KEY = "hotline_session_key"
# The row's last activity is written at most this often (the idle limit is counted from the
# session's own timestamp, which is exact to this step too).
SEEN_STEP = timedelta(seconds=60)

Reason = SignInSession.EndReason

# Set by the test client's force_login (hotline.testing): a shortcut, not a sign-in to record.
_quiet: ContextVar[bool] = ContextVar("hotline_sessions_quiet", default=False)


@contextmanager
def unrecorded() -> Iterator[None]:
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def idle_limit() -> timedelta:
    return timedelta(minutes=settings.HOTLINE_IDLE_TIMEOUT_MINUTES)


def absolute_limit() -> timedelta:
    return timedelta(seconds=settings.SESSION_COOKIE_AGE)


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def _target(user: User) -> str:
    return f"account:{user.username}"


def _store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


# --- signals (connected in AccountsConfig.ready) ------------------------------------------


def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """A sign-in: open its row, fix the session's absolute end, record it."""
    if request is None or not hasattr(request, "session"):
        return
    now = clock.now()
    session = request.session
    row = SignInSession.objects.create(
        user=user,
        session_key=session.session_key or "",
        started_at=now,
        last_seen_at=now,
        address=_address(request),
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:200],
    )
    session[ROW_KEY] = row.pk
    session[STARTED_KEY] = now.timestamp()
    session[SEEN_KEY] = now.timestamp()
    session[KEY_KEY] = session.session_key or ""
    # An instant, not an age: Django then never moves the session's end (not sliding).
    session.set_expiry(timezone.now() + absolute_limit())
    if _quiet.get():
        return
    audit_record(
        actor=user,
        action=AuditEntry.Action.LOGIN,
        target=_target(user),
        reason=_("密码验证通过，待动态口令验证") if user.needs_second_factor else _("登录"),
        address=_address(request),
        path=request.path,
        session=row.pk,
        second_factor_pending=user.needs_second_factor,
    )


def on_logged_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if request is None or user is None or not getattr(user, "is_authenticated", False):
        return
    row_id = request.session.get(ROW_KEY)
    _close(row_id, Reason.LOGOUT)
    if _quiet.get():
        return
    audit_record(
        actor=user,
        action=AuditEntry.Action.LOGOUT,
        target=_target(user),
        reason=_("退出登录"),
        session=row_id,
    )


def _close(row_id: Any, reason: str) -> None:
    if isinstance(row_id, int):
        SignInSession.objects.filter(pk=row_id, ended_at__isnull=True).update(
            ended_at=clock.now(), end_reason=reason
        )


# --- the limits (SessionLimitsMiddleware) -------------------------------------------------


def _instant(value: Any) -> datetime | None:
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=timezone.get_current_timezone())
    return None


def session_check(request: HttpRequest) -> str | None:
    """For a signed-in request: the reason its session has ended (idle, absolute), or None —
    and then the request counts as activity."""
    session = request.session
    now = clock.now()
    started, seen = _instant(session.get(STARTED_KEY)), _instant(session.get(SEEN_KEY))
    if started is None or seen is None:
        # A session from before these limits: its limits start now.
        session[STARTED_KEY] = session[SEEN_KEY] = now.timestamp()
        session.set_expiry(timezone.now() + absolute_limit())
        return None
    if now - started >= absolute_limit():
        return Reason.ABSOLUTE
    if now - seen >= idle_limit():
        return Reason.IDLE
    rekeyed = session.session_key and session.get(KEY_KEY) != session.session_key
    # A page's own polling (alarms, screen pop: `X-Hotline-Poll`) is not the person's
    # activity: an open page left alone still times out.
    polled = request.headers.get("X-Hotline-Poll") == "1"
    if (now - seen >= SEEN_STEP and not polled) or rekeyed:
        session[SEEN_KEY] = now.timestamp()
        session[KEY_KEY] = session.session_key
        row_id = session.get(ROW_KEY)
        if isinstance(row_id, int):
            SignInSession.objects.filter(pk=row_id).update(
                last_seen_at=now, session_key=session.session_key or ""
            )
    return None


@transaction.atomic
def session_expire(*, request: HttpRequest, reason: str) -> None:
    """End the request's session for `reason` (idle or absolute), recorded."""
    user = request.user
    row_id = request.session.get(ROW_KEY)
    _close(row_id, reason)
    audit_record(
        actor=user if isinstance(user, User) else None,
        action=AuditEntry.Action.SESSION_EXPIRED,
        target=_target(user) if isinstance(user, User) else "",
        reason=str(Reason(reason).label),
        session=row_id,
        limit_minutes=(
            settings.HOTLINE_IDLE_TIMEOUT_MINUTES
            if reason == Reason.IDLE
            else settings.SESSION_COOKIE_AGE // 60
        ),
    )
    # Not auth.logout: that is the person's own sign-out, recorded as such.
    request.session.flush()
    request.user = AnonymousUser()


# --- what the security administrator sees and does ---------------------------------------


def sessions_open(user: User) -> list[SignInSession]:
    """The account's sessions still open (their stored session exists and has not expired)."""
    store = _store()
    rows = list(SignInSession.objects.filter(user=user, ended_at__isnull=True))
    now = clock.now()
    open_rows = []
    for row in rows:
        if now - row.started_at >= absolute_limit() or now - row.last_seen_at >= idle_limit():
            continue  # over a limit: ends at its next request, shown no more
        if row.session_key and store().exists(row.session_key):
            open_rows.append(row)
    return open_rows


def _end_row(row: SignInSession, reason: str) -> None:
    if row.session_key:
        _store()().delete(row.session_key)
    row.ended_at = clock.now()
    row.end_reason = reason
    row.save(update_fields=["ended_at", "end_reason"])


@transaction.atomic
def session_end(*, actor: User, row: SignInSession) -> bool:
    """End one session of another person at once (their next request finds it gone). Only the
    security administrator, never on their own account. False when it had already ended."""
    row = SignInSession.objects.select_for_update().select_related("user").get(pk=row.pk)
    if not permissions.may_end_sessions(actor, row.user):
        raise NotAllowed(_("只有安全管理员可以结束他人的会话。"))
    if row.ended_at is not None:
        return False
    _end_row(row, Reason.ENDED)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.SESSION_ENDED,
        target=_target(row.user),
        reason=_("安全管理员强制结束会话"),
        session=row.pk,
        started_at=row.started_at.isoformat(),
        address=row.address,
    )
    return True


@transaction.atomic
def sessions_end_for_user(*, actor: User | None, user: User, reason: str) -> int:
    """End every open session of `user` (forced by the security administrator, the account
    deactivated or its second factor reset); one audit row naming how many. An actor is
    checked for forced ends only: the other reasons come from a service that checked it."""
    if reason == Reason.ENDED and (actor is None or not permissions.may_end_sessions(actor, user)):
        raise NotAllowed(_("只有安全管理员可以结束他人的会话。"))
    rows = list(SignInSession.objects.select_for_update().filter(user=user, ended_at__isnull=True))
    for row in rows:
        _end_row(row, reason)
    if rows or reason == Reason.ENDED:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.SESSION_ENDED,
            target=_target(user),
            reason=str(Reason(reason).label),
            sessions=[row.pk for row in rows],
            count=len(rows),
        )
    return len(rows)
