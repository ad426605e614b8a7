from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.core.forms import LimitedCharField
from hotline.releases.services import MAX_NOTE, MAX_PURPOSE, MIN_PURPOSE

# The fields of the request form that are not the export's parameters.
FORM_FIELDS = frozenset({"csrfmiddlewaretoken", "kind", "purpose", "personal_data"})


class RequestForm(forms.Form):
    purpose = LimitedCharField(
        label=_("用途"),
        limit=MAX_PURPOSE,
        rows=3,
        min_length=MIN_PURPOSE,
        error_messages={
            "required": _("请说明导出用途（至少 10 个字）。"),
            "min_length": _("请说明导出用途（至少 10 个字）。"),
        },
        help_text=_("说明导出给谁、做什么用，至少 10 个字。"),
    )
    personal_data = forms.BooleanField(
        label=_("申请导出未遮盖的个人信息（姓名、电话）"),
        required=False,
        help_text=_("不勾选时，导出文件中的个人信息一律遮盖。须经主管明确批准。"),
    )


class DecisionForm(forms.Form):
    note = LimitedCharField(label=_("审批意见"), limit=MAX_NOTE, rows=2, required=False)
    grant_personal_data = forms.BooleanField(label=_("同意导出未遮盖的个人信息"), required=False)
