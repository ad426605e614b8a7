"""Forms of the survey pages. A form checks what was typed (and keeps it when it is refused);
the service it feeds decides (STYLE §7)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.catalogue.models import Category, RequestType
from hotline.core.forms import DateField, ModelChoiceField
from hotline.surveys.calls import AnswersInvalid
from hotline.surveys.models import Question, QuestionKind
from hotline.surveys.services import MAX_ATTEMPTS_LIMIT, commissioning_units
from hotline.units.models import Unit
from hotline.units.selectors import member_units

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REQUIRED = _("请填写此项。")


class CampaignForm(forms.Form):
    title = forms.CharField(
        label=_("调查名称"), max_length=120, error_messages={"required": _("请填写调查名称。")}
    )
    commissioning_unit = ModelChoiceField(
        label=_("委托单位"),
        queryset=Unit.objects.none(),
        empty_label=_("请选择委托单位"),
        error_messages={
            "required": _("请选择委托单位。"),
            "invalid_choice": _("请从列表中选择委托单位。"),
        },
    )
    purpose = forms.CharField(
        label=_("调查目的"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("委托事项与用途，将显示在网页答卷的开头。"),
    )
    starts_on = DateField(
        label=_("计划开始日期"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("请输入正确的日期。")},
    )
    ends_on = DateField(
        label=_("计划结束日期"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("请输入正确的日期。")},
    )
    max_attempts = forms.IntegerField(
        label=_("未接通最多拨打次数"),
        initial=3,
        min_value=1,
        max_value=MAX_ATTEMPTS_LIMIT,
        error_messages={
            "required": _("请填写最多拨打次数。"),
            "invalid": _("请填写整数。"),
            "min_value": _("至少拨打 1 次。"),
            "max_value": _("最多 %(limit_value)s 次。"),
        },
    )
    different_days = forms.BooleanField(
        label=_("未接通的号码改日再拨（每天最多拨打一次）"), required=False, initial=True
    )
    web_link_enabled = forms.BooleanField(label=_("允许调查对象通过网页链接答卷"), required=False)

    def __init__(self, *args: Any, unit_fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = cast(ModelChoiceField, self.fields["commissioning_unit"])
        unit.queryset = commissioning_units().order_by("sort_order", "code")
        if unit_fixed:
            # Once the survey runs, its results belong to this unit.
            unit.disabled = True
            unit.help_text = _("调查开始后不能更换委托单位。")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("计划结束日期不能早于开始日期。"))
        return data


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("题型"),
        choices=QuestionKind.choices,
        initial=QuestionKind.SINGLE,
        error_messages={"required": _("请选择题型。")},
    )
    text = forms.CharField(
        label=_("题目"), max_length=300, error_messages={"required": _("请填写题目。")}
    )
    choices = forms.CharField(
        label=_("选项（每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("单选、多选题填写"),
    )
    scale_min = forms.IntegerField(label=_("最低分"), initial=1, required=False)
    scale_max = forms.IntegerField(label=_("最高分"), initial=5, required=False)
    scale_min_label = forms.CharField(
        label=_("最低分含义"), max_length=20, required=False, help_text=_("如：很不满意")
    )
    scale_max_label = forms.CharField(
        label=_("最高分含义"), max_length=20, required=False, help_text=_("如：非常满意")
    )
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "q")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        lines = [line.strip() for line in (data.get("choices") or "").splitlines()]
        data["choices"] = [line for line in lines if line]
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(data["choices"]) < 2:
            self.add_error("choices", _("选择题至少需要两个选项。"))
        if kind == QuestionKind.SCALE:
            low = data.get("scale_min")
            high = data.get("scale_max")
            data["scale_min"] = 1 if low is None else low
            data["scale_max"] = 5 if high is None else high
            if data["scale_min"] >= data["scale_max"]:
                self.add_error("scale_max", _("最高分须大于最低分。"))
        else:
            data["scale_min"], data["scale_max"] = 1, 5
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("名单文件（.xlsx）"),
        help_text=_("第一行为表头，须有“电话”或“手机”列，可有“姓名”列；不超过 5 MB。"),
        error_messages={
            "required": _("请选择要导入的 Excel 文件。"),
            "empty": _("文件是空的。"),
        },
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class DrawForm(forms.Form):
    created_from = DateField(
        label=_("受理日期自"),
        widget=DATE_WIDGET,
        error_messages={"required": _("请填写起始日期。"), "invalid": _("请输入正确的日期。")},
    )
    created_to = DateField(
        label=_("至"),
        widget=DATE_WIDGET,
        error_messages={"required": _("请填写结束日期。"), "invalid": _("请输入正确的日期。")},
    )
    request_type = ModelChoiceField(
        label=_("诉求类型"),
        queryset=RequestType.objects.none(),
        required=False,
        empty_label=_("全部"),
    )
    category = ModelChoiceField(
        label=_("事项分类"), queryset=Category.objects.none(), required=False, empty_label=_("全部")
    )
    unit = ModelChoiceField(
        label=_("主办单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部")
    )
    limit = forms.IntegerField(
        label=_("最多抽取人数"),
        required=False,
        min_value=1,
        max_value=20_000,
        help_text=_("留空则全部抽取（最多 20000 人），按受理时间从新到旧"),
        error_messages={"min_value": _("至少 1 人。"), "max_value": _("最多 20000 人。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(ModelChoiceField, self.fields["request_type"]).queryset = RequestType.objects.all()
        cast(ModelChoiceField, self.fields["category"]).queryset = Category.objects.filter(
            is_active=True
        ).order_by("code")
        cast(ModelChoiceField, self.fields["unit"]).queryset = member_units()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", _("结束日期不能早于起始日期。"))
        return data


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("批准意见"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写批准意见。")},
    )


class CloseForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class CallNoteForm(forms.Form):
    """The note of a call that did not end in answers (not reached, refused)."""

    note = forms.CharField(
        label=_("情况"),
        max_length=500,
        required=False,
        help_text=_("如：无人接听、关机、空号、不愿参加"),
    )


def _question_field(question: Question) -> forms.Field:
    label = f"{question.order}. {question.text}"
    required_message = _("此题必答。")
    if question.kind == QuestionKind.SINGLE:
        return forms.ChoiceField(
            label=label,
            required=question.required,
            choices=[(choice, choice) for choice in question.choices],
            widget=forms.RadioSelect,
            error_messages={
                "required": required_message,
                "invalid_choice": _("请从选项中选择。"),
            },
        )
    if question.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(
            label=label,
            required=question.required,
            choices=[(choice, choice) for choice in question.choices],
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": required_message,
                "invalid_choice": _("请从选项中选择。"),
            },
        )
    if question.kind == QuestionKind.SCALE:
        choices = []
        for value in question.scale_values:
            text = str(value)
            if value == question.scale_min and question.scale_min_label:
                text += f"（{question.scale_min_label}）"
            if value == question.scale_max and question.scale_max_label:
                text += f"（{question.scale_max_label}）"
            choices.append((str(value), text))
        return forms.TypedChoiceField(
            label=label,
            required=question.required,
            choices=choices,
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages={
                "required": required_message,
                "invalid_choice": _("请选择一个分值。"),
            },
        )
    return forms.CharField(
        label=label,
        required=question.required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": required_message,
            "max_length": _("回答不能超过 %(limit_value)d 个字。"),
        },
    )


class AnswerForm(forms.Form):
    """One field per question of the campaign, named `q<question id>`."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "a")
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = _question_field(question)

    def answers(self) -> dict[int, Any]:
        return {
            question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions
        }

    def add_answer_errors(self, exc: AnswersInvalid) -> None:
        for question_id, message in exc.errors.items():
            name = f"q{question_id}"
            if name in self.fields:
                self.add_error(name, message)
            else:
                self.add_error(None, message)
