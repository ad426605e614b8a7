from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.catalogue.models import MajorIncidentKind
from hotline.core.forms import text_field
from hotline.core.text import MAX_ADDRESS, MAX_NUMBER, MAX_TEXT
from hotline.units.models import HOST_UNIT_CODE, Place, Unit


class LinkForm(forms.Form):
    number = text_field(_("工单编号"), limit=MAX_NUMBER, required=False)


class RespondForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("参与处置的责任单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["units"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Unit.objects.filter(is_active=True).exclude(code=HOST_UNIT_CODE)


class CloseForm(forms.Form):
    # Required by the service, which says so in Chinese and changes nothing.
    summary = text_field(_("处置总结"), limit=MAX_TEXT, required=False, rows=4)


class SuggestForm(forms.Form):
    """What the intake screen sends to look for open incidents; nothing is required."""

    major_incident = forms.ModelChoiceField(
        queryset=MajorIncidentKind.objects.all(), required=False
    )
    place = forms.ModelChoiceField(queryset=Place.objects.all(), required=False)
    address = text_field(_("详细地址"), limit=MAX_ADDRESS, required=False)
