"""Accounts in the admin, one form per duty (等保 三员; `accounts.permissions`):

- the system administrator adds accounts (particulars and a first password, no roles), changes
  particulars and sets a temporary password — never on their own account nor on the accounts of
  the three administrators;
- the security administrator assigns roles and revokes API tokens — never on their own account;
- nobody deletes an account (it is deactivated), sees or enters a password hash, or makes an
  account a superuser or staff (permissions come from the roles alone).

Every change goes through `accounts.services`, which writes the audit trail."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hotline.accounts import login_guard, otp, permissions, sessions
from hotline.accounts.forms import (
    AccountCreateForm,
    AdminSetPasswordForm,
    ProfileForm,
    RolesForm,
)
from hotline.accounts.models import ApiToken, SignInSession, User
from hotline.accounts.services import (
    PROFILE_FIELDS,
    account_assign_roles,
    account_create,
    account_set_password,
    account_unlock,
    account_update,
    api_token_revoke,
)
from hotline.core.errors import DomainError

# Roles and permissions are this project's own (`accounts.roles`); Django's groups grant nothing.
admin.site.unregister(Group)


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class LockFilter(admin.SimpleListFilter):
    title = _("登录锁定")
    parameter_name = "locked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1", gettext("已锁定")), ("0", gettext("未锁定"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("0", "1"):
            return queryset.filter(locked=self.value() == "1")
        return queryset


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    audited = True  # every change through accounts.services
    list_display = [
        "username",
        "display_name",
        "unit",
        "role_list",
        "is_active",
        "is_machine",
        "lock_state",
        "last_login",
    ]
    list_filter = [LockFilter, "is_active", "is_machine", "unit__kind", "unit"]
    actions = ["unlock_accounts"]
    search_fields = ["username", "display_name"]
    list_select_related = ["unit"]
    ordering = ["username"]
    change_form_template = "admin/accounts/user/change_form.html"
    SHOWN = (
        "username",
        "password_state",
        "display_name",
        "unit",
        "phone",
        "email",
        "role_list",
        "is_active",
        "is_machine",
        "lock_state",
        "last_login",
        "date_joined",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(locked=login_guard.locked_exists())

    @admin.display(description=_("登录锁定"), boolean=False)
    def lock_state(self, obj: User) -> str:
        return gettext("已锁定") if getattr(obj, "locked", False) else "—"

    @admin.display(description=_("角色"))
    def role_list(self, obj: User) -> str:
        return "、".join(obj.role_labels()) or "—"

    @admin.display(description=_("密码"))
    def password_state(self, obj: User) -> str:
        if not obj.signs_in_with_password:
            return gettext("机器账户，不设密码，只用接口令牌访问")
        if not obj.has_usable_password():
            return gettext("未设置，不能用密码登录")
        if obj.password_change_required:
            return gettext("已设置临时密码，本人下次登录时须修改")
        return gettext("已设置")

    # --- which form, for whom ---

    def _form_class(self, request: HttpRequest, obj: User | None) -> type[forms.ModelForm]:
        if obj is None:
            return AccountCreateForm
        if permissions.may_assign_roles(_actor(request), obj):
            return RolesForm
        # The system administrator's form; read-only to whoever may not change the account.
        return ProfileForm

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [
                (None, {"fields": ["username", "password1", "password2"]}),
                (
                    _("身份"),
                    {"fields": ["display_name", "unit", "phone", "email", "is_machine"]},
                ),
            ]
        roles = "roles" if permissions.may_assign_roles(_actor(request), obj) else "role_list"
        return [
            (None, {"fields": ["username", "password_state"]}),
            (_("身份"), {"fields": ["display_name", "unit", "phone", "email"]}),
            (_("角色"), {"fields": [roles]}),
            (
                _("状态"),
                {"fields": ["is_active", "is_machine", "lock_state", "last_login", "date_joined"]},
            ),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        editable = set(self._form_class(request, obj)._meta.fields or ())
        if not self.has_change_permission(request, obj):
            editable = set()
        return [name for name in self.SHOWN if name not in editable]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        kwargs["form"] = self._form_class(request, obj)
        return super().get_form(request, obj, change=change, **kwargs)

    # --- who may do what ---

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.may_create_accounts(_actor(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return super().has_change_permission(request)
        actor = _actor(request)
        return permissions.may_assign_roles(actor, obj) or permissions.may_edit_profile(actor, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted: the trail refers to them

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return permissions.may_unlock(_actor(request))

    @admin.action(description=_("解除所选账户的登录锁定"), permissions=["unlock"])
    def unlock_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        unlocked = [
            user.username for user in queryset if account_unlock(actor=_actor(request), user=user)
        ]
        if unlocked:
            self.message_user(
                request,
                gettext("已解除登录锁定：%(accounts)s") % {"accounts": "、".join(unlocked)},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, gettext("所选账户均未被锁定。"), messages.INFO)

    # --- saving through the services ---

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        actor, data = _actor(request), form.cleaned_data
        try:
            if not change:
                created = account_create(
                    actor=actor,
                    username=data["username"],
                    unit=data.get("unit"),
                    display_name=data.get("display_name", ""),
                    phone=data.get("phone", ""),
                    email=data.get("email", ""),
                    machine=bool(data.get("is_machine")),
                    password=data.get("password1") or None,
                )
                obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db
            elif isinstance(form, RolesForm):
                account_assign_roles(actor=actor, user=obj, roles=data["roles"])
            else:
                account_update(
                    actor=actor,
                    user=obj,
                    **{name: data[name] for name in PROFILE_FIELDS if name in data},
                )
        except DomainError as exc:
            raise PermissionDenied(exc.message) from exc

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # no related rows: groups and per-user permissions are not used

    # --- a temporary password ---

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/password/",
                self.admin_site.admin_view(self.password_view),
                name="accounts_user_password",
            ),
            path(
                "<path:object_id>/signin/",
                self.admin_site.admin_view(self.signin_view),
                name="accounts_user_signin",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> HttpResponse:  # fmt: skip
        obj = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "may_set_password": obj is not None
            and permissions.may_set_password(_actor(request), obj),
            "may_manage_signin": obj is not None
            and permissions.may_end_sessions(_actor(request), obj),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def password_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        account = self.get_object(request, object_id)
        if account is None:
            raise Http404(gettext("账户不存在。"))
        if not permissions.may_set_password(_actor(request), account):
            raise PermissionDenied(gettext("您不能为此账户设置密码。"))
        form = AdminSetPasswordForm(account, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                account_set_password(
                    actor=_actor(request),
                    user=account,
                    password=form.cleaned_data["new_password1"],
                )
            except DomainError as exc:
                raise PermissionDenied(exc.message) from exc
            self.log_change(request, account, gettext("设置临时密码"))
            messages.success(
                request,
                gettext("已为 %(account)s 设置临时密码，本人下次登录时须修改。")
                % {"account": account},
            )
            return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[account.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("设置临时密码：%(account)s") % {"account": account.username},
            "form": form,
            "original": account,
            "opts": self.opts,
        }
        return render(
            request,
            "admin/accounts/user/password.html",
            context,
            status=400 if request.method == "POST" else 200,
        )

    def signin_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The security administrator's page of an account's sign-in (issue 13): its open
        sessions (when, from where), ended one by one or all at once, and its TOTP device,
        reset when the phone is lost. Never for one's own account."""
        account = self.get_object(request, object_id)
        if account is None:
            raise Http404(gettext("账户不存在。"))
        actor = _actor(request)
        if not permissions.may_end_sessions(actor, account):
            raise PermissionDenied(gettext("只有安全管理员可以管理他人的会话和动态口令。"))
        if request.method == "POST":
            action = request.POST.get("action")
            try:
                if action == "reset_otp":
                    otp.otp_device_reset(actor=actor, user=account)
                    messages.success(request, gettext("动态口令已重置，会话已全部结束。"))
                elif action == "end_all":
                    count = sessions.sessions_end_for_user(
                        actor=actor, user=account, reason=SignInSession.EndReason.ENDED
                    )
                    messages.success(
                        request, gettext("已结束 %(count)d 个会话。") % {"count": count}
                    )
                elif action == "end":
                    row_id = _int(request.POST.get("session"))
                    row = (
                        SignInSession.objects.filter(pk=row_id, user=account).first()
                        if row_id is not None
                        else None
                    )
                    if row is None or not sessions.session_end(actor=actor, row=row):
                        messages.warning(request, gettext("该会话已结束。"))
                    else:
                        messages.success(request, gettext("会话已结束。"))
                else:
                    messages.error(request, gettext("未知操作。"))
            except DomainError as exc:
                raise PermissionDenied(exc.message) from exc
            return HttpResponseRedirect(reverse("admin:accounts_user_signin", args=[account.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("登录与会话：%(account)s") % {"account": account.username},
            "original": account,
            "opts": self.opts,
            "device": otp.confirmed_device(account),
            "rows": sessions.sessions_open(account),
        }
        response = render(request, "admin/accounts/user/signin.html", context)
        response["Cache-Control"] = "no-store"
        return response


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `hotline apitoken`, which shows the secret once; here they are
    listed (never their digest) and revoked by the security administrator."""

    audited = True  # revoking goes through accounts.services
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    fields = readonly_fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke_tokens"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return permissions.may_revoke_tokens(_actor(request))

    @admin.action(description=_("吊销所选接口令牌"), permissions=["revoke"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(actor=_actor(request), token=token)
        self.message_user(request, gettext("所选接口令牌已吊销。"), messages.SUCCESS)
