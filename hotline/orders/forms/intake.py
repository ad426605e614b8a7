"""The operator's intake screen: the request and the decision, validated together."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.accounts.models import User
from hotline.catalogue.models import (
    Category,
    EmergencySituation,
    ExclusionReason,
    MajorIncidentKind,
    RequestType,
    RescueLine,
)
from hotline.core.forms import (
    ModelChoiceField,
    ModelMultipleChoiceField,
    choice_field,
    model_field,
    text_field,
)
from hotline.core.text import MAX_ADDRESS, MAX_NAME, MAX_REASON, MAX_TEXT
from hotline.knowledge.searchlog import SearchRecord, searches_parse
from hotline.orders.models import Order, SupervisionChannel
from hotline.orders.rules import orders_visible_to
from hotline.orders.services import Decision, Outcome, Request
from hotline.privacy.personal import phone_is_valid
from hotline.units.models import Place, Unit
from hotline.units.selectors import member_units


class GroupedPlaceField(ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        return f"{obj.name}（{obj.unit.name}）"


class IntakeForm(forms.Form):
    """The operator's intake screen: the request and the decision, validated together."""

    caller_phone = forms.CharField(label=_("来电号码"), max_length=30, required=False)
    caller_name = text_field(_("姓名"), limit=MAX_NAME, required=False)
    request_type = ModelChoiceField(
        label=_("诉求类型"),
        queryset=RequestType.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    supervision_channel = forms.ChoiceField(
        label=_("监督渠道（第十八条）"), choices=(), required=False
    )
    category = ModelChoiceField(
        label=_("事项分类"), queryset=Category.objects.none(), required=False
    )
    place = GroupedPlaceField(
        empty_label=_("（未选择）"),
        label=_("社区/村"),
        queryset=Place.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "refresh"}),
    )
    address = text_field(_("详细地址"), limit=MAX_ADDRESS, required=False)
    content = text_field(
        _("诉求内容"),
        limit=MAX_TEXT,
        rows=6,
        error_messages={"required": _("请记录诉求内容。")},
    )
    is_confidential = forms.BooleanField(label=_("来电人要求保密"), required=False)
    emergency_situation = ModelChoiceField(
        label=_("紧急联动情形（第十三条）"),
        queryset=EmergencySituation.objects.none(),
        required=False,
    )
    rescue_lines = forms.MultipleChoiceField(
        label=_("已引导拨打"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    major_incident = ModelChoiceField(
        label=_("重大突发事件（第十七条）"),
        queryset=MajorIncidentKind.objects.none(),
        required=False,
    )
    incident = forms.IntegerField(required=False)  # 关联到此事件, from hotline.incidents

    outcome = forms.ChoiceField(
        label=_("处理方式"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择处理方式。")},
    )
    answer = text_field(_("答复内容"), limit=MAX_TEXT, required=False, rows=4)
    knowledge_ref = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
    # The settled knowledge searches of this call, kept by the intake script (a JSON list);
    # bounded and checked by `searches_parse`, which drops what is malformed.
    kb_searches = forms.CharField(required=False, widget=forms.HiddenInput)
    exclusion = ModelChoiceField(
        label=_("不予受理情形（第十二条）"), queryset=ExclusionReason.objects.none(), required=False
    )
    exclusion_note = text_field(_("说明"), limit=MAX_REASON, required=False)
    merge_into = forms.CharField(label=_("并入工单编号"), max_length=24, required=False)
    related = forms.CharField(
        label=_("关联工单编号"), max_length=400, required=False, help_text=_("多个编号用空格分隔")
    )
    lead_unit = ModelChoiceField(label=_("主办单位"), queryset=Unit.objects.none(), required=False)
    assisting_units = ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    override_reason = text_field(_("不采用派单建议的理由"), limit=MAX_REASON, required=False)
    opinion = text_field(_("初步意见"), limit=MAX_REASON, required=False, rows=3)
    police_reason = text_field(_("移交110的理由"), limit=MAX_REASON, required=False, rows=2)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        model_field(self, "request_type").queryset = RequestType.objects.all()
        model_field(self, "category").queryset = Category.objects.filter(
            is_active=True, parent__isnull=False
        ).select_related("parent")
        model_field(self, "place").queryset = Place.objects.filter(is_active=True).select_related(
            "unit"
        )
        model_field(self, "emergency_situation").queryset = EmergencySituation.objects.all()
        model_field(self, "major_incident").queryset = MajorIncidentKind.objects.all()
        model_field(self, "exclusion").queryset = ExclusionReason.objects.all()
        model_field(self, "lead_unit").queryset = member_units()
        model_field(self, "assisting_units").queryset = member_units()
        choice_field(self, "rescue_lines").choices = [
            (line.code, str(line)) for line in RescueLine.objects.all()
        ]
        choice_field(self, "outcome").choices = Outcome.choices
        choice_field(self, "supervision_channel").choices = SupervisionChannel.choices

    def clean_caller_phone(self) -> str:
        phone = self.cleaned_data["caller_phone"].strip()
        if phone and not phone_is_valid(phone):
            raise forms.ValidationError(_("号码格式不正确，请输入 7–13 位数字。"))
        return phone

    def _visible_order(self, number: str) -> Order:
        target = orders_visible_to(self.user).filter(number=number.strip().upper()).first()
        if target is None:
            raise forms.ValidationError(_("找不到工单 %(number)s。"), params={"number": number})
        return target

    def clean_kb_searches(self) -> list[SearchRecord]:
        return searches_parse(self.cleaned_data["kb_searches"])

    def clean_merge_into(self) -> Order | None:
        number = self.cleaned_data["merge_into"].strip()
        return self._visible_order(number) if number else None

    def clean_related(self) -> list[Order]:
        return [
            self._visible_order(number) for number in self.cleaned_data["related"].split() if number
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        required = {
            "answer": ["answer"],
            "not_accept": ["exclusion"],
            "merge": ["merge_into"],
            "dispatch": ["lead_unit"],
            "review": ["opinion"],
            "police": ["police_reason"],
        }.get(outcome or "", [])
        messages = {
            "answer": _("请填写答复内容。"),
            "exclusion": _("请选择不予受理的情形。"),
            "merge_into": _("请填写要并入的工单编号。"),
            "lead_unit": _("请选择主办单位。"),
            "opinion": _("请填写初步意见。"),
            "police_reason": _("请填写移交110的理由（涉及哪类警务事项）。"),
        }
        for name in required:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, messages[name])
        self._clean_emergency(data)
        return data

    def _clean_emergency(self, data: dict[str, Any]) -> None:
        """An emergency names its Art. 13 situation, and the operator records the rescue
        lines the caller was guided to (Art. 14(3)) — the 紧急求助 type asks for both, a
        situation chosen under another type makes it an emergency too."""
        rtype = data.get("request_type")
        emergency_type = rtype is not None and rtype.is_emergency
        if (
            emergency_type
            and not data.get("emergency_situation")
            and "emergency_situation" not in self.errors
        ):
            self.add_error("emergency_situation", _("紧急求助须选择紧急联动情形（第十三条）。"))
        emergency = emergency_type or data.get("emergency_situation")
        if emergency and not data.get("rescue_lines") and "rescue_lines" not in self.errors:
            self.add_error(
                "rescue_lines", _("请勾选已引导来电人拨打的救援热线（第十四条第三项）。")
            )

    def to_request(self) -> Request:

        data = self.cleaned_data
        return Request(
            request_type=data["request_type"],
            content=data["content"],
            caller_phone=data["caller_phone"],
            caller_name=data["caller_name"],
            category=data["category"],
            place=data["place"],
            address=data["address"],
            is_confidential=data["is_confidential"],
            supervision_channel=data["supervision_channel"] or "",
            emergency_situation=data["emergency_situation"],
            rescue_lines=data["rescue_lines"],
            major_incident=data["major_incident"],
            incident=data["incident"],
        )

    def to_decision(self) -> Decision:

        data = self.cleaned_data
        return Decision(
            outcome=data["outcome"],
            answer=data["answer"],
            knowledge_ref=data["knowledge_ref"],
            exclusion=data["exclusion"],
            exclusion_note=data["exclusion_note"],
            merge_into=data["merge_into"],
            lead_unit=data["lead_unit"],
            assisting_units=list(data["assisting_units"]),
            override_reason=data["override_reason"],
            opinion=data["opinion"],
            police_reason=data["police_reason"],
            related=data["related"],
        )

    def to_searches(self) -> list[SearchRecord]:
        return self.cleaned_data["kb_searches"]
