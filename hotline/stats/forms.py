"""The period chooser of every statistics page and of a new report."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.stats.periods import (
    MONTH,
    QUARTER,
    RANGE,
    WEEK,
    YEAR,
    Period,
    PeriodError,
    period_of,
    period_range,
)

KINDS = [
    (WEEK, _("周")),
    (MONTH, _("月")),
    (QUARTER, _("季度")),
    (YEAR, _("年")),
    (RANGE, _("任意时段")),
]


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("周期"), choices=KINDS, initial=MONTH)
    day = forms.DateField(
        label=_("所在日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict:
        data = super().clean() or {}
        kind = data.get("kind") or MONTH
        try:
            if kind == RANGE:
                data["period"] = period_range(data.get("start"), data.get("end"))
            else:
                data["period"] = period_of(kind, data.get("day") or self.today)
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data

    def period_or_default(self) -> Period:
        """The chosen period; this month when nothing (or nothing valid) was chosen."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return period_of(MONTH, self.today)
