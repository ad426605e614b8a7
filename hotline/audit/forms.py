"""The audit trail's search form: bounded text, a known action and dates within 1900–2999."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.audit.models import AuditEntry
from hotline.core.forms import DateField
from hotline.orders.models import Action as OrderAction

ENTRIES, ORDER_EVENTS = "entries", "orders"

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("记录类别"),
        choices=[(ENTRIES, _("审计记录")), (ORDER_EVENTS, _("工单办理记录"))],
        required=False,
    )
    actor = forms.CharField(label=_("操作人"), max_length=150, required=False)
    action = forms.ChoiceField(
        label=_("操作"),
        choices=[
            ("", _("全部")),
            (_("审计记录"), AuditEntry.Action.choices),
            (_("工单办理记录"), OrderAction.choices),
        ],
        required=False,
    )
    target = forms.CharField(label=_("对象"), max_length=120, required=False)
    date_from = DateField(label=_("起始日期"), required=False, widget=DATE)
    date_to = DateField(label=_("截止日期"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        super().clean()
        kind = self.cleaned_data.get("kind") or ENTRIES
        self.cleaned_data["kind"] = kind
        action = self.cleaned_data.get("action")
        known = AuditEntry.Action.values if kind == ENTRIES else OrderAction.values
        if action and action not in known:
            self.add_error("action", _("所选操作不属于所选的记录类别。"))
        first, last = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return self.cleaned_data
