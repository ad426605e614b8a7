"""Form fields and helpers shared by the apps' forms."""

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.core.params import EARLIEST, LATEST


def model_field(form: forms.Form, name: str) -> forms.ModelChoiceField:
    """The form's model choice field `name`, typed (to set its queryset)."""
    return cast(forms.ModelChoiceField, form.fields[name])


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """The form's choice field `name`, typed (to set its choices)."""
    return cast(forms.ChoiceField, form.fields[name])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; what may be uploaded is checked by the service that keeps
    them (`orders.attachments`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.docx"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def _check_range(day: date | None) -> None:
    if day is not None and not EARLIEST <= day <= LATEST:
        raise forms.ValidationError(
            _("请填写 %(first)d 年至 %(last)d 年之间的日期。"),
            code="out_of_range",
            params={"first": EARLIEST.year, "last": LATEST.year},
        )


class DateField(forms.DateField):
    """A date a person may mean: a far-off year (0001, 9999) is refused with a message
    instead of reaching date arithmetic or the database."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        _check_range(value)


class DateTimeField(forms.DateTimeField):
    def validate(self, value: Any) -> None:
        super().validate(value)
        _check_range(value.date() if value is not None else None)
