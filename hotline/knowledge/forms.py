"""Forms of the knowledge base. Each validates the input and calls one service function; a
refused change comes back as a form error and the page keeps what was typed."""

from datetime import date, timedelta
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.accounts.models import User
from hotline.catalogue.models import Category
from hotline.core.forms import DateField, ModelChoiceField
from hotline.knowledge import permissions, services
from hotline.knowledge.models import Entry
from hotline.units.models import MEMBER_KINDS, Unit


class DateInput(forms.DateInput):
    input_type = "date"


class UsePeriodForm(forms.Form):
    """The period of the knowledge-base use page: local dates, both included; by default the
    last 30 days up to today."""

    DEFAULT_DAYS = 30
    MAX_DAYS = 366

    start = DateField(
        label=_("起始日期"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": _("请按“年-月-日”填写起始日期,如 2026-11-01。")},
    )
    end = DateField(
        label=_("截止日期"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": _("请按“年-月-日”填写截止日期,如 2026-11-30。")},
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        end = data.get("end") or self.today
        start = data.get("start") or end - timedelta(days=self.DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        if (end - start).days + 1 > self.MAX_DAYS:
            raise forms.ValidationError(
                _("统计区间最长 %(days)d 天。"), params={"days": self.MAX_DAYS}
            )
        data["start"], data["end"] = start, end
        return data


class EntryForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=services.MAX_TITLE)
    questions = forms.CharField(
        label=_("常见问法"),
        required=False,
        max_length=services.MAX_QUESTIONS,
        help_text=_("来电人可能的其他问法,每行一条,有助于检索"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer = forms.CharField(
        label=_("答复口径"),
        max_length=services.MAX_ANSWER,
        help_text=_("话务员向来电人宣读的答复:办理条件、材料、地点、时间、电话"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    unit = ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.none())
    category = ModelChoiceField(
        label=_("事项分类"), queryset=Category.objects.none(), required=False
    )
    source = forms.CharField(
        label=_("政策依据"),
        required=False,
        max_length=services.MAX_SOURCE,
        help_text=_("文件名称与文号"),
    )
    valid_from = DateField(label=_("生效日期"), required=False, widget=DateInput)
    valid_to = DateField(
        label=_("失效日期"),
        required=False,
        widget=DateInput,
        help_text=_("当日仍有效;留空表示长期有效"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, entry: Entry | None = None, **kwargs: Any) -> None:
        if entry is not None:
            kwargs.setdefault("initial", {}).update(
                {
                    "title": entry.title,
                    "questions": entry.questions,
                    "answer": entry.answer,
                    "unit": entry.unit_id,
                    "category": entry.category_id,
                    "source": entry.source,
                    "valid_from": entry.valid_from,
                    "valid_to": entry.valid_to,
                    "version": entry.version,
                }
            )
        elif user.unit_id is not None:
            kwargs.setdefault("initial", {}).setdefault("unit", user.unit_id)
        super().__init__(*args, **kwargs)
        self.user, self.entry = user, entry
        units = Unit.objects.filter(is_active=True, kind__in=MEMBER_KINDS).order_by("sort_order")
        if not user.has_role(*permissions.ANY_UNIT_EDITOR_ROLES):
            units = units.filter(pk=user.unit_id or 0)
        unit_field = self.fields["unit"]
        category_field = self.fields["category"]
        assert isinstance(unit_field, ModelChoiceField)
        assert isinstance(category_field, ModelChoiceField)
        unit_field.queryset = units
        category_field.queryset = (
            Category.objects.filter(is_active=True, parent__isnull=False)
            .select_related("parent")
            .order_by("sort_order", "code")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("失效日期不能早于生效日期。"))
        return data

    def save(self) -> Entry:
        data = self.cleaned_data
        fields = {
            "title": data["title"],
            "answer": data["answer"],
            "questions": data["questions"],
            "category": data["category"],
            "source": data["source"],
            "valid_from": data["valid_from"],
            "valid_to": data["valid_to"],
        }
        if self.entry is None:
            return services.entry_create(actor=self.user, unit=data["unit"], **fields)
        return services.entry_update(
            entry=self.entry,
            actor=self.user,
            unit=data["unit"],
            expected_version=data["version"],
            **fields,
        )


class EntryActionForm(forms.Form):
    """One transition of an entry; `action` names it (see `permissions.RULES`)."""

    action: ClassVar[str]
    label: ClassVar[Any]
    note_label: ClassVar[Any] = _("说明")
    note_required: ClassVar[bool] = False
    has_note: ClassVar[bool] = True
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, entry: Entry, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["version"] = entry.version
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.entry, self.user = entry, user
        if self.has_note:
            self.fields["note"] = forms.CharField(
                label=self.note_label,
                required=self.note_required,
                max_length=services.MAX_NOTE,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def _common(self) -> dict[str, Any]:
        return {
            "entry": self.entry,
            "actor": self.user,
            "expected_version": self.cleaned_data["version"],
        }

    def perform(self) -> Entry:
        raise NotImplementedError


class SubmitForm(EntryActionForm):
    action = "submit"
    label = _("提交发布")

    def perform(self) -> Entry:
        return services.entry_submit(note=self.cleaned_data["note"], **self._common())


class PublishForm(EntryActionForm):
    action = "publish"
    label = _("发布")

    def perform(self) -> Entry:
        return services.entry_publish(note=self.cleaned_data["note"], **self._common())


class ReturnForm(EntryActionForm):
    action = "return"
    label = _("退回草稿")
    note_label = _("退回原因")
    note_required = True

    def perform(self) -> Entry:
        return services.entry_return_to_draft(note=self.cleaned_data["note"], **self._common())


class WithdrawForm(EntryActionForm):
    action = "withdraw"
    label = _("撤回")
    note_label = _("撤回原因")
    note_required = True

    def perform(self) -> Entry:
        return services.entry_withdraw(note=self.cleaned_data["note"], **self._common())


class ReviseForm(EntryActionForm):
    action = "revise"
    label = _("创建修订稿")
    has_note = False

    def perform(self) -> Entry:
        return services.entry_revise(**self._common())


ACTION_FORMS: dict[str, type[EntryActionForm]] = {
    form.action: form for form in (SubmitForm, PublishForm, ReturnForm, WithdrawForm, ReviseForm)
}


class DirectoryForm(forms.Form):
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=services.MAX_PHONE)
    office_hours = forms.CharField(
        label=_("办公时间"), required=False, max_length=services.MAX_OFFICE_HOURS
    )
