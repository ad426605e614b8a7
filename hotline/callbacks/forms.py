from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.core.forms import DateTimeField
from hotline.orders.models import Satisfaction


class ReachedForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("满意度"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意度。")},
    )
    note = forms.CharField(
        label=_("来电人的话（不满意时必填）"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "reached")
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["satisfaction"]).choices = Satisfaction.choices


class NotReachedForm(forms.Form):
    note = forms.CharField(
        label=_("情况"), max_length=500, required=False, help_text=_("如：无人接听、关机、空号")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "missed")
        super().__init__(*args, **kwargs)


class MissedCallForm(forms.Form):
    phone = forms.CharField(label=_("来电号码"), max_length=30)
    called_at = DateTimeField(
        label=_("来电时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class ReturnedForm(forms.Form):
    result = forms.CharField(label=_("回拨结果"), max_length=200)
