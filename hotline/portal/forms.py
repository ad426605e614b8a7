from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.catalogue.models import RequestType
from hotline.core.forms import ModelChoiceField, MultipleFileField, text_field
from hotline.core.text import MAX_ADDRESS, MAX_NAME, MAX_NOTE, MAX_NUMBER, MAX_PHONE, MAX_TEXT
from hotline.orders.models import Satisfaction
from hotline.portal.services import WEB_REQUEST_TYPES
from hotline.privacy.personal import phone_is_valid
from hotline.units.models import Place


class PlaceChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        return f"{obj.unit.name} · {obj.name}"


class SubmitForm(forms.Form):
    request_type = ModelChoiceField(
        label=_("诉求类型"),
        queryset=RequestType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("请选择诉求类型。")},
    )
    place = PlaceChoiceField(
        label=_("所在社区/村"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("不清楚或不涉及"),
    )
    address = text_field(
        _("详细地址"), limit=MAX_ADDRESS, required=False, help_text=_("例如：某小区 3 号楼东侧")
    )
    content = text_field(
        _("您要反映的事情"),
        limit=MAX_TEXT,
        rows=6,
        min_length=10,
        error_messages={
            "required": _("请描述您要反映的事情。"),
            "min_length": _("请至少写 10 个字，说清时间、地点和事情经过。"),
        },
    )
    caller_name = text_field(_("您的称呼"), limit=MAX_NAME, required=False)
    caller_phone = text_field(
        _("手机号码"),
        limit=MAX_PHONE,
        help_text=_("用于联系您和查询办理结果，不会公开。"),
        error_messages={"required": _("请填写手机号码，以便查询办理结果。")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    attachments = MultipleFileField(
        label=_("照片或材料（选填）"),
        required=False,
        help_text=_("JPG、PNG、PDF、DOCX，最多 5 个，每个不超过 10 MB。"),
    )
    is_confidential = forms.BooleanField(
        label=_("请为我保密（不向无关人员透露我的信息）"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(ModelChoiceField, self.fields["request_type"]).queryset = RequestType.objects.filter(
            code__in=WEB_REQUEST_TYPES
        )
        cast(ModelChoiceField, self.fields["place"]).queryset = Place.objects.filter(
            is_active=True
        ).select_related("unit")

    def clean_caller_phone(self) -> str:
        phone = self.cleaned_data["caller_phone"].strip()
        if not phone_is_valid(phone):
            raise forms.ValidationError(_("手机号码格式不正确，请检查后重新填写。"))
        return phone


class LookupForm(forms.Form):
    number = text_field(
        _("工单编号"),
        limit=MAX_NUMBER,
        error_messages={"required": _("请填写工单编号。")},
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    phone = text_field(
        _("提交时填写的手机号码"),
        limit=MAX_PHONE,
        error_messages={"required": _("请填写手机号码。")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("您对办理结果是否满意"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意程度。")},
    )
    comment = text_field(_("意见或建议（选填）"), limit=MAX_NOTE, required=False, rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["satisfaction"]).choices = Satisfaction.choices
