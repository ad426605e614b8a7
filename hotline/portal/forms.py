from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.catalogue.models import RequestType
from hotline.core.forms import ModelChoiceField, MultipleFileField
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
    address = forms.CharField(
        label=_("详细地址"), max_length=200, required=False, help_text=_("例如：某小区 3 号楼东侧")
    )
    content = forms.CharField(
        label=_("您要反映的事情"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("请描述您要反映的事情。"),
            "min_length": _("请至少写 10 个字，说清时间、地点和事情经过。"),
        },
    )
    caller_name = forms.CharField(label=_("您的称呼"), max_length=40, required=False)
    caller_phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
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
    number = forms.CharField(
        label=_("工单编号"),
        max_length=24,
        error_messages={"required": _("请填写工单编号。")},
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("提交时填写的手机号码"),
        max_length=20,
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
    comment = forms.CharField(
        label=_("意见或建议（选填）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["satisfaction"]).choices = Satisfaction.choices
