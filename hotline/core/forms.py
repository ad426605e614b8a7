"""Form fields and helpers shared by the apps' forms."""

from typing import Any, cast

from django import forms


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
