"""The admin site (系统配置): open to the system and the security administrator only, by role.

`is_staff` and `is_superuser` grant nothing here: who enters is `User.may_use_admin`, and what
each may see and change is `User.has_perm`, from the roles (`accounts.roles.ADMIN_PERMISSIONS`)."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


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

    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: object = None
    ) -> HttpResponse:
        # One's own password is changed on the site's page, which keeps the audit trail.
        return redirect("password_change")
