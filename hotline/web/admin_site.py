"""The admin site (系统配置): open to the system and the security administrator only, by role.

`is_staff` and `is_superuser` grant nothing here: who enters is `User.may_use_admin`, and what
each may see and change is `User.has_perm`, from the roles (`accounts.roles.ADMIN_PERMISSIONS`)."""

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

View = TypeVar("View", bound=Callable[..., Any])


class AdminLoginForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user) -> None:
        super(AdminAuthenticationForm, self).confirm_login_allowed(user)
        if not getattr(user, "may_use_admin", False):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class HotlineAdminSite(admin.AdminSite):
    site_header = "12345市民热线平台 管理后台"
    site_title = "12345市民热线平台"
    index_title = "系统配置"
    login_form = AdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "may_use_admin", False))

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        """A signed-in person without an administrator's role is refused (403), not sent to
        sign in again as someone else (docs/access-matrix.md)."""
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied(_("系统配置只对系统管理员和安全管理员开放。"))
            return inner(request, *args, **kwargs)

        return cast(View, update_wrapper(guarded, inner))

    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: object = None
    ) -> HttpResponse:
        # One's own password is changed on the site's page, which keeps the audit trail.
        return redirect("password_change")
