from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from hotline.accounts.models import ApiToken, User
from hotline.accounts.roles import Role


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        return value or []


class UserForm(forms.ModelForm):
    roles = RolesField(label=_("角色"), choices=Role.choices, required=False)

    class Meta:
        model = User
        fields = [
            "username",
            "display_name",
            "unit",
            "roles",
            "phone",
            "email",
            "is_active",
            "is_staff",
            "is_superuser",
        ]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserForm
    list_display = ["username", "display_name", "unit", "role_list", "is_active", "last_login"]
    list_filter = ["is_active", "unit__kind", "unit"]
    search_fields = ["username", "display_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("身份"), {"fields": ("display_name", "unit", "roles", "phone", "email")}),
        (
            _("状态"),
            {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")},
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(description=_("角色"))
    def role_list(self, obj: User) -> str:
        return "、".join(obj.role_labels())


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        # Tokens are issued with `hotline apitoken`, which shows the secret once.
        return False
