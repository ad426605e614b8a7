"""The API's rate limit: each account (machine token or staff session) may make
HOTLINE_API_REQUESTS_PER_WINDOW requests in HOTLINE_API_WINDOW_SECONDS; past it the answer is
429 `{"code": "rate_limited", ...}` with Retry-After, and nothing is done.

Counted in the database (`ApiCounter`), not in a cache: the project runs on SQLite or PostgreSQL
with several processes and no cache server; Django's database cache does not increment
atomically (django-ratelimit refuses it for that reason, check django_ratelimit.E003), while one
conditional UPDATE does (`core.limits.counter_take`, shared with the portal). 等保 level 3, GB/T 22239-2019 8.1.3.x resource control."""

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.api.models import ApiCounter
from hotline.core.errors import DomainError
from hotline.core.limits import counter_take


def take(account: str, *, now: datetime | None = None) -> datetime | None:
    """Count one request of `account`, or say when one may be made again (nothing counted)."""
    now = now or clock.now()
    with transaction.atomic():
        return counter_take(
            ApiCounter,
            key={"account": account},
            allowed=settings.HOTLINE_API_REQUESTS_PER_WINDOW,
            window=timedelta(seconds=settings.HOTLINE_API_WINDOW_SECONDS),
            now=now,
        )


def purge(*, now: datetime | None = None) -> int:
    """Delete counters whose window has ended."""
    now = now or clock.now()
    window = timedelta(seconds=settings.HOTLINE_API_WINDOW_SECONDS)
    deleted, _ = ApiCounter.objects.filter(started_at__lte=now - window).delete()
    return deleted


class RateLimited(DomainError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(_("请求过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": retry_after})
        self.retry_after = retry_after


def check(user: User, *, now: datetime | None = None) -> None:
    """Count a request of an authenticated account, or raise RateLimited. Called by the
    authentication schemes (hotline.api.auth) once they know the account."""
    now = now or clock.now()
    retry_at = take(str(user.pk), now=now)
    if retry_at is not None:
        raise RateLimited(retry_after=max(1, math.ceil((retry_at - now).total_seconds())))
