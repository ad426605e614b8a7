"""Form fields and helpers shared by the apps' forms."""

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.core.params import EARLIEST, LATEST, MAX_ID
from hotline.core.text import normalize_newlines


def model_field(form: forms.Form, name: str) -> forms.ModelChoiceField:
    """The form's model choice field `name`, typed (to set its queryset)."""
    return cast(forms.ModelChoiceField, form.fields[name])


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """The form's choice field `name`, typed (to set its choices)."""
    return cast(forms.ChoiceField, form.fields[name])


class LimitedCharField(forms.CharField):
    """Free text with a limit (`hotline.core.text`). The limit is rendered as `data-maxlength`,
    not `maxlength`: a browser's `maxlength` cuts a paste without a word, while the site's
    `web/text.js` shows a live counter ("123 / 4000") and the server refuses what is too long
    with a message saying by how much (the text stays in the field to be shortened)."""

    def __init__(self, *, limit: int, rows: int | None = None, **kwargs: Any) -> None:
        if rows is not None:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        messages = kwargs.pop("error_messages", {})
        kwargs["error_messages"] = {
            "max_length": _(
                "不能超过 %(limit_value)d 个字（现在 %(show_value)d 个字），请删减后再提交。"
            ),
            **messages,
        }
        super().__init__(max_length=limit, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = normalize_newlines(value)
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if "maxlength" in attrs:
            attrs["data-maxlength"] = attrs.pop("maxlength")
        return attrs


def text_field(
    label: Any, *, limit: int, required: bool = True, rows: int | None = None, **kwargs: Any
) -> LimitedCharField:
    """A limited free-text field: a textarea of `rows` rows, or a one-line input."""
    return LimitedCharField(label=label, limit=limit, required=required, rows=rows, **kwargs)


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


def _key_in_range(value: Any) -> bool:
    """A submitted key the databases' integer keys can hold (a huge number would reach the
    database and fail there); keys that are not numbers are left to the field."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return True
    return -MAX_ID <= number <= MAX_ID


class ModelChoiceField(forms.ModelChoiceField):
    """A choice of a row: an out-of-range key is an invalid choice, not a database error."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _key_in_range(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        values = value if isinstance(value, (list, tuple)) else [value] if value else []
        for item in values:
            if not _key_in_range(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super().clean(value)
