"""The forms of the order page's handling panels: revealing the caller, attachments, notes and
contact records, the assisting unit's part, written replies and the host unit's correction."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.catalogue.models import Category, RequestType
from hotline.core.forms import (
    DateTimeField,
    ModelChoiceField,
    MultipleFileField,
    choice_field,
    model_field,
    text_field,
)
from hotline.core.text import MAX_ADDRESS, MAX_REASON, MAX_SHORT, MAX_TEXT
from hotline.orders.forms.intake import GroupedPlaceField
from hotline.orders.models import Attachment, Note, Order
from hotline.units.models import Place


class RevealForm(forms.Form):
    reason = text_field(_("查看事由"), limit=MAX_SHORT)


class AttachmentForm(forms.Form):
    uploads = MultipleFileField(
        label=_("附件"), help_text=_("JPG、PNG、PDF、DOCX，单个不超过 10 MB")
    )
    kind = forms.ChoiceField(label=_("类别"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = Attachment.Kind.choices


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=(), initial="note")
    method = forms.ChoiceField(label=_("联系方式"), choices=(), required=False)
    contacted_at = DateTimeField(
        label=_("联系时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("不填为现在"),
    )
    text = text_field(_("内容"), limit=MAX_TEXT, rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = Note.Kind.choices
        choice_field(self, "method").choices = [
            ("", _("（联系诉求人时选择）")),
            *Note.Method.choices,
        ]


class AssistReplyForm(forms.Form):
    text = text_field(_("协办意见"), limit=MAX_TEXT, rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "assist")
        super().__init__(*args, **kwargs)


class WrittenReplyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = text_field(_("书面答复内容"), limit=MAX_TEXT, rows=4)
    scans = MultipleFileField(label=_("书面答复扫描件"), help_text=_("PDF 或图片"))

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["version"] = order.version
        kwargs.setdefault("prefix", "written")
        super().__init__(*args, **kwargs)


class CorrectForm(forms.Form):
    """The host unit's correction of an order's classification or place (更正)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    request_type = ModelChoiceField(
        label=_("诉求类型"), queryset=RequestType.objects.none(), required=False
    )
    category = ModelChoiceField(
        label=_("事项分类"), queryset=Category.objects.none(), required=False
    )
    place = GroupedPlaceField(label=_("社区/村"), queryset=Place.objects.none(), required=False)
    address = text_field(_("地址"), limit=MAX_ADDRESS, required=False)
    reason = text_field(_("更正理由"), limit=MAX_REASON, rows=2)

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "correct")
        kwargs.setdefault(
            "initial",
            {
                "version": order.version,
                "request_type": order.request_type_id,
                "category": order.category_id,
                "place": order.place_id,
                "address": order.address,
            },
        )
        super().__init__(*args, **kwargs)
        model_field(self, "request_type").queryset = RequestType.objects.all()
        model_field(self, "category").queryset = Category.objects.filter(
            parent__isnull=False
        ).select_related("parent")
        model_field(self, "place").queryset = Place.objects.select_related("unit")
        self.order = order

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        wanted = {
            "request_type": data["request_type"] or self.order.request_type,
            "category": data["category"],
            "place": data["place"],
            "address": data["address"],
        }
        return {name: value for name, value in wanted.items() if getattr(self.order, name) != value}
