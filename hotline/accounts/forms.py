"""The account forms of the admin: one per duty, so that each administrator's form holds only
the fields that administrator may change (a field sent that is not on the form is ignored)."""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.accounts.services import UNIT_CHANGE_REFUSED, check_roles
from hotline.core.errors import InvalidInput
from hotline.core.forms import ModelChoiceField
from hotline.units.models import Unit


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value: Any) -> Any:
        return value or []


def _unit_field() -> ModelChoiceField:
    return ModelChoiceField(
        label=_("所属单位"), queryset=Unit.objects.order_by("code"), required=False
    )


class AccountCreateForm(forms.ModelForm):
    """The system administrator's new account: particulars and a first password, no roles."""

    unit = _unit_field()
    password1 = forms.CharField(
        label=_("初始密码"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("确认初始密码"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("本人首次登录时须修改此密码。机器账户不设密码。"),
    )

    class Meta:
        model = User
        fields = ["username", "display_name", "unit", "phone", "email", "is_machine"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, second = data.get("password1") or "", data.get("password2") or ""
        if data.get("is_machine"):
            if first or second:
                self.add_error("password1", _("机器账户不设密码，只用接口令牌访问。"))
            return data
        if not first:
            self.add_error("password1", _("请设置初始密码。"))
        elif first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        else:
            probe = User(
                username=data.get("username") or "",
                display_name=data.get("display_name") or "",
                email=data.get("email") or "",
            )
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ProfileForm(forms.ModelForm):
    """The system administrator's change of an account: its particulars only."""

    unit = _unit_field()

    class Meta:
        model = User
        fields = ["display_name", "unit", "phone", "email", "is_active"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "unit" in data and data["unit"] != self.instance.unit and self.instance.roles:
            self.add_error("unit", str(UNIT_CHANGE_REFUSED))
            return data
        try:
            check_roles(
                self.instance.roles, unit=data.get("unit"), is_machine=self.instance.is_machine
            )
        except InvalidInput as exc:
            self.add_error("unit", exc.message)
        return data


class RolesForm(forms.ModelForm):
    """The security administrator's change of an account: its roles only."""

    roles = RolesField(label=_("角色"), choices=Role.choices, required=False)

    class Meta:
        model = User
        fields = ["roles"]

    def clean_roles(self) -> list[str]:
        try:
            return check_roles(
                self.cleaned_data.get("roles") or [],
                unit=self.instance.unit,
                is_machine=self.instance.is_machine,
            )
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc


class AdminSetPasswordForm(SetPasswordForm):
    """A temporary password for another person, through the password rules."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("临时密码")
        self.fields["new_password2"].label = _("确认临时密码")
        self.fields["new_password2"].help_text = _("本人下次登录时须修改此密码。")
