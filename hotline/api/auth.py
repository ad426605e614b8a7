from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from hotline.accounts.models import ApiToken
from hotline.api import limits
from hotline.core.errors import NotAllowed


def _gate(user, roles: frozenset[str] | None):
    """The signed-in caller, refused (403 `not_allowed`) before the body is read when the
    endpoint is for other roles (docs/access-matrix.md)."""
    if user is not None and roles is not None and not user.has_role(*roles):
        raise NotAllowed(_("您的账户无权使用此接口。"))
    return user


class TokenAuth(HttpBearer):
    """Bearer tokens of machine accounts (stored as SHA-256 digests); with `roles`, only for
    accounts holding one of them."""

    def __init__(self, *, roles: frozenset[str] | None = None) -> None:
        super().__init__()
        self.roles = roles

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
        user = _gate(row.user, self.roles)
        limits.check(user)
        return user


class StaffSession(SessionAuth):
    """Signed-in staff using the API from their browser session. The CSRF check applies to a
    request that has a signed-in session; one without is simply not this scheme (and is told
    401, not a CSRF failure)."""

    def __init__(self, *, roles: frozenset[str] | None = None) -> None:
        super().__init__()
        self.roles = roles

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = _gate(super().authenticate(request, key), self.roles)
        if user:
            limits.check(request.user)  # type: ignore[arg-type]
        return user
