"""Brute-force protection of the password sign-in (/login/ and /admin/login/), with
django-axes: failed attempts are counted per account *and* address together, so that someone
elsewhere can slow down a sign-in to an account but not lock its holder out; a lock lasts
`AXES_COOLOFF_TIME` (15 minutes) and ends at once on the security administrator's unlock. An
address trying many accounts is locked too, after `HOTLINE_LOGIN_ADDRESS_FAILURE_LIMIT`
failures over all of them. Every failed sign-in and every lock is written to the audit trail,
without the password; log lines name neither the account nor the address."""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Exists, OuterRef, Sum
from django.http import HttpRequest
from django.utils import timezone

from hotline.accounts.models import User


class LoginGuardHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The failures of this account from this address, or of this address over every
        account scaled to the account limit, whichever is nearer its limit."""
        failures = super().get_failures(request, credentials)
        limit = settings.HOTLINE_LOGIN_ADDRESS_FAILURE_LIMIT
        address = getattr(request, "axes_ip_address", None)
        if not limit or not address:
            return failures
        from_address = (
            AccessAttempt.objects.filter(
                ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        return max(failures, from_address * get_failure_limit(request, credentials) // limit)


def lock_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def _locked_attempts() -> Any:
    return AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
    )


def locked_exists() -> Exists:
    """For a queryset of accounts: whether the account is locked from some address."""
    return Exists(_locked_attempts().filter(username=OuterRef("username")))


def is_locked(user: User) -> bool:
    return _locked_attempts().filter(username=user.username).exists()


def unlock(user: User) -> int:
    """Forget the account's failed attempts from every address; the number of rows dropped."""
    count, _ = AccessAttempt.objects.filter(username=user.username).delete()
    return count
