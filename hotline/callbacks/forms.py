from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.core.forms import DateTimeField, text_field
from hotline.core.text import MAX_NOTE, MAX_PHONE, MAX_REASON, MAX_SHORT
from hotline.orders.models import Satisfaction


class ReachedForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("满意度"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意度。")},
    )
    note = text_field(_("来电人的话（不满意时必填）"), limit=MAX_REASON, required=False, rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "reached")
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["satisfaction"]).choices = Satisfaction.choices


class NotReachedForm(forms.Form):
    note = text_field(
        _("情况"), limit=MAX_NOTE, required=False, help_text=_("如：无人接听、关机、空号")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "missed")
        super().__init__(*args, **kwargs)


class MissedCallForm(forms.Form):
    phone = text_field(_("来电号码"), limit=MAX_PHONE)
    called_at = DateTimeField(
        label=_("来电时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class ReturnedForm(forms.Form):
    result = text_field(_("回拨结果"), limit=MAX_SHORT)
