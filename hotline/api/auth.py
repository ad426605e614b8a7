from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from hotline.accounts.models import ApiToken
from hotline.api import limits


class TokenAuth(HttpBearer):
    """Bearer tokens of machine accounts (stored as SHA-256 digests)."""

    def authenticate(self, request: HttpRequest, token: str):
        row = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        limits.check(row.user)
        return row.user


class StaffSession(SessionAuth):
    """Signed-in staff using the API from their browser session. The CSRF check applies to a
    request that has a signed-in session; one without is simply not this scheme (and is told
    401, not a CSRF failure)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = super().authenticate(request, key)
        if user:
            limits.check(request.user)  # type: ignore[arg-type]
        return user
