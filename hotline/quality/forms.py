from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.core.forms import DateField, text_field
from hotline.core.text import MAX_TEXT
from hotline.quality.models import Sheet

SCORE_PREFIX = "score_"


class ScoreForm(forms.Form):
    """One whole number per item of the sheet, and an optional comment; the service checks
    the points again and says what is wrong in Chinese."""

    comment = text_field(_("评语"), limit=MAX_TEXT, required=False, rows=3)

    def __init__(self, *args: Any, sheet: Sheet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        items = {
            f"{SCORE_PREFIX}{item['code']}": forms.IntegerField(
                label=f"{item['label']}（0–{item['max_points']} 分）",
                min_value=0,
                max_value=item["max_points"],
            )
            for item in sheet.items
        }
        self.fields = {**items, "comment": self.fields["comment"]}

    def scores(self) -> dict[str, int]:
        return {
            name.removeprefix(SCORE_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(SCORE_PREFIX)
        }


class DrawForm(forms.Form):
    day = DateField(label=_("抽检周（该周任一天）"))
