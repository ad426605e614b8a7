"""One form per order action. A form validates the input and calls the one service function
of its action; views stay thin (STYLE §7)."""

from typing import TYPE_CHECKING, Any, ClassVar, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.catalogue.models import (
    Category,
    EmergencySituation,
    ExclusionReason,
    MajorIncidentKind,
    RequestType,
    RescueLine,
)
from hotline.orders import services
from hotline.orders.models import Action, Order, Satisfaction
from hotline.orders.permissions import orders_visible_to
from hotline.units.models import MEMBER_KINDS, Place, Unit

if TYPE_CHECKING:
    from hotline.orders.intake import Decision, Request


def _model_field(form: forms.Form, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def member_units() -> Any:
    return Unit.objects.filter(is_active=True, kind__in=MEMBER_KINDS).order_by("sort_order")


class ActionForm(forms.Form):
    action: ClassVar[str]
    version = forms.IntegerField(widget=forms.HiddenInput)
    submit_label: ClassVar[str] = ""

    def __init__(self, *args: Any, order: Order, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["version"] = order.version
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.order, self.user = order, user

    @property
    def label(self) -> str:
        return str(Action(self.action).label)

    def perform(self) -> Order:
        raise NotImplementedError

    def _common(self) -> dict[str, Any]:
        return {
            "order": self.order,
            "actor": self.user,
            "expected_version": self.cleaned_data["version"],
        }


def _reason(label: "StrOrPromise", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class UnitsMixin(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=Unit.objects.none())
    assisting_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def _setup_units(self) -> None:
        _model_field(self, "lead_unit").queryset = member_units()
        _model_field(self, "assisting_units").queryset = member_units()


class AcceptForm(ActionForm):
    action = Action.ACCEPT

    def perform(self) -> Order:
        return services.order_accept(**self._common())


class NotAcceptForm(ActionForm):
    action = Action.NOT_ACCEPT
    exclusion = forms.ModelChoiceField(
        label=_("不予受理情形（第十二条）"), queryset=ExclusionReason.objects.all()
    )
    note = _reason(_("说明"), required=False)

    def perform(self) -> Order:
        return services.order_not_accept(
            exclusion=self.cleaned_data["exclusion"],
            note=self.cleaned_data["note"],
            **self._common(),
        )


class AnswerForm(ActionForm):
    action = Action.ANSWER
    answer = forms.CharField(
        label=_("答复内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def perform(self) -> Order:
        return services.order_answer(answer=self.cleaned_data["answer"], **self._common())


class MergeForm(ActionForm):
    action = Action.MERGE
    into = forms.CharField(label=_("并入工单编号"), max_length=24)
    note = _reason(_("说明"), required=False)

    def clean_into(self) -> Order:
        number = self.cleaned_data["into"].strip()
        target = orders_visible_to(self.user).filter(number=number).first()
        if target is None:
            raise forms.ValidationError(_("找不到工单 %(number)s。"), params={"number": number})
        return target

    def perform(self) -> Order:
        return services.order_merge(
            into=self.cleaned_data["into"], note=self.cleaned_data["note"], **self._common()
        )


class SubmitReviewForm(ActionForm):
    action = Action.SUBMIT_REVIEW
    opinion = _reason(_("初步意见"))
    proposed_unit = forms.ModelChoiceField(
        label=_("建议承办单位"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "proposed_unit").queryset = member_units()
        if self.order.category and self.order.category.lead_unit_id:
            self.fields["proposed_unit"].initial = self.order.category.lead_unit_id

    def perform(self) -> Order:
        return services.order_submit_for_review(
            opinion=self.cleaned_data["opinion"],
            proposed_unit=self.cleaned_data["proposed_unit"],
            **self._common(),
        )


class ReviewApproveForm(ActionForm, UnitsMixin):
    action = Action.REVIEW_APPROVE
    note = _reason(_("审核意见"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_units()
        proposed = self.order.events.filter(action=Action.SUBMIT_REVIEW).order_by("-at").first()
        code = (proposed.data or {}).get("proposed_unit") if proposed else None
        if code:
            self.fields["lead_unit"].initial = (
                Unit.objects.filter(code=code).values_list("pk", flat=True).first()
            )

    def perform(self) -> Order:
        data = self.cleaned_data
        return services.order_review_approve(
            lead_unit=data["lead_unit"],
            assisting_units=list(data["assisting_units"]),
            note=data["note"],
            **self._common(),
        )


class ReviewSendBackForm(ActionForm):
    action = Action.REVIEW_SEND_BACK
    note = _reason(_("退回意见"))

    def perform(self) -> Order:
        return services.order_review_send_back(note=self.cleaned_data["note"], **self._common())


class DispatchForm(ActionForm, UnitsMixin):
    action = Action.DISPATCH
    reason = _reason(_("派单说明"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_units()
        if self.order.category and self.order.category.lead_unit_id:
            self.fields["lead_unit"].initial = self.order.category.lead_unit_id

    def perform(self) -> Order:
        data = self.cleaned_data
        return services.order_dispatch(
            lead_unit=data["lead_unit"],
            assisting_units=list(data["assisting_units"]),
            reason=data["reason"],
            **self._common(),
        )


class SignForm(ActionForm):
    action = Action.SIGN
    handler = forms.ModelChoiceField(
        label=_("承办人"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(unit=self.order.lead_unit, is_active=True)
        _model_field(self, "handler").queryset = User.objects.filter(
            pk__in=[u.pk for u in staff if u.has_role(Role.HANDLER)]
        )

    def perform(self) -> Order:
        return services.order_sign(handler=self.cleaned_data["handler"], **self._common())


class ReturnForm(ActionForm):
    action = Action.RETURN
    reason = _reason(_("退单理由"))
    suggested_unit = forms.ModelChoiceField(
        label=_("建议承办单位"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "suggested_unit").queryset = member_units()

    def perform(self) -> Order:
        return services.order_return(
            reason=self.cleaned_data["reason"],
            suggested_unit=self.cleaned_data["suggested_unit"],
            **self._common(),
        )


class ReturnUpheldForm(ActionForm, UnitsMixin):
    action = Action.RETURN_UPHELD
    reason = _reason(_("审核意见"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_units()
        event = self.order.events.filter(action=Action.RETURN).order_by("-at").first()
        code = (event.data or {}).get("suggested_unit") if event else None
        if code:
            self.fields["lead_unit"].initial = (
                Unit.objects.filter(code=code).values_list("pk", flat=True).first()
            )

    def perform(self) -> Order:
        data = self.cleaned_data
        return services.order_decide_return(
            uphold=True,
            lead_unit=data["lead_unit"],
            assisting_units=list(data["assisting_units"]),
            reason=data["reason"],
            **self._common(),
        )


class ReturnRefusedForm(ActionForm):
    action = Action.RETURN_REFUSED
    reason = _reason(_("驳回理由"))

    def perform(self) -> Order:
        return services.order_decide_return(
            uphold=False, reason=self.cleaned_data["reason"], **self._common()
        )


class RedispatchForm(ActionForm, UnitsMixin):
    action = Action.REDISPATCH
    reason = _reason(_("改派理由"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_units()

    def perform(self) -> Order:
        data = self.cleaned_data
        return services.order_redispatch(
            lead_unit=data["lead_unit"],
            assisting_units=list(data["assisting_units"]),
            reason=data["reason"],
            **self._common(),
        )


class ExtensionRequestForm(ActionForm):
    action = Action.EXTENSION_REQUEST
    reason = _reason(_("延期理由"))

    def perform(self) -> Order:
        return services.order_request_extension(
            reason=self.cleaned_data["reason"], **self._common()
        )


class ExtensionApproveForm(ActionForm):
    action = Action.EXTENSION_APPROVED
    reason = _reason(_("审批意见"), required=False)

    def perform(self) -> Order:
        return services.order_decide_extension(
            approve=True, reason=self.cleaned_data["reason"], **self._common()
        )


class ExtensionDenyForm(ActionForm):
    action = Action.EXTENSION_DENIED
    reason = _reason(_("不批准理由"))

    def perform(self) -> Order:
        return services.order_decide_extension(
            approve=False, reason=self.cleaned_data["reason"], **self._common()
        )


class ReplyForm(ActionForm):
    action = Action.REPLY
    text = forms.CharField(
        label=_("答复内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def perform(self) -> Order:
        return services.order_reply(text=self.cleaned_data["text"], **self._common())


class ReplyApproveForm(ActionForm):
    action = Action.REPLY_APPROVED
    reason = _reason(_("审批意见"), required=False)

    def perform(self) -> Order:
        return services.order_decide_reply(
            approve=True, reason=self.cleaned_data["reason"], **self._common()
        )


class ReplyRejectForm(ActionForm):
    action = Action.REPLY_REJECTED
    reason = _reason(_("退回理由"))

    def perform(self) -> Order:
        return services.order_decide_reply(
            approve=False, reason=self.cleaned_data["reason"], **self._common()
        )


class ReplyAcceptForm(ActionForm):
    action = Action.REPLY_ACCEPTED
    reason = _reason(_("审查意见"), required=False)

    def perform(self) -> Order:
        return services.order_check_reply(
            accept=True, reason=self.cleaned_data["reason"], **self._common()
        )


class ReplySendBackForm(ActionForm):
    action = Action.REPLY_SENT_BACK
    reason = _reason(_("退回重办理由"))

    def perform(self) -> Order:
        return services.order_check_reply(
            accept=False, reason=self.cleaned_data["reason"], **self._common()
        )


class CallbackForm(ActionForm):
    action = Action.CALLBACK
    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    note = _reason(_("回访记录（不满意时必填）"), required=False)

    def perform(self) -> Order:
        return services.order_record_callback(
            satisfaction=self.cleaned_data["satisfaction"],
            note=self.cleaned_data["note"],
            **self._common(),
        )


class ReopenForm(ActionForm):
    action = Action.REOPEN
    reason = _reason(_("重办理由"))

    def perform(self) -> Order:
        return services.order_reopen(reason=self.cleaned_data["reason"], **self._common())


class CloseForm(ActionForm):
    action = Action.CLOSE
    reason = _reason(_("办结说明"))

    def perform(self) -> Order:
        return services.order_close(reason=self.cleaned_data["reason"], **self._common())


class UrgeForm(ActionForm):
    action = Action.URGE
    note = _reason(_("催办内容"))

    def perform(self) -> Order:
        return services.order_urge(note=self.cleaned_data["note"], **self._common())


class SuperviseForm(ActionForm):
    action = Action.SUPERVISE
    note = _reason(_("督办意见"))

    def perform(self) -> Order:
        return services.order_supervise(note=self.cleaned_data["note"], **self._common())


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        AcceptForm,
        NotAcceptForm,
        AnswerForm,
        MergeForm,
        SubmitReviewForm,
        ReviewApproveForm,
        ReviewSendBackForm,
        DispatchForm,
        SignForm,
        ReturnForm,
        ReturnUpheldForm,
        ReturnRefusedForm,
        RedispatchForm,
        ExtensionRequestForm,
        ExtensionApproveForm,
        ExtensionDenyForm,
        ReplyForm,
        ReplyApproveForm,
        ReplyRejectForm,
        ReplyAcceptForm,
        ReplySendBackForm,
        CallbackForm,
        ReopenForm,
        CloseForm,
        UrgeForm,
        SuperviseForm,
    )
}


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看事由"), max_length=200)


class GroupedPlaceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:  # type: ignore[override]
        return f"{obj.name}（{obj.unit.name}）"


class IntakeForm(forms.Form):
    """The operator's intake screen: the request and the decision, validated together."""

    caller_phone = forms.CharField(label=_("来电号码"), max_length=30, required=False)
    caller_name = forms.CharField(label=_("姓名"), max_length=40, required=False)
    request_type = forms.ModelChoiceField(
        label=_("诉求类型"),
        queryset=RequestType.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    supervision_channel = forms.ChoiceField(
        label=_("监督渠道（第十八条）"), choices=(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("事项分类"), queryset=Category.objects.none(), required=False
    )
    place = GroupedPlaceField(
        empty_label=_("（未选择）"),
        label=_("社区/村"),
        queryset=Place.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "refresh"}),
    )
    address = forms.CharField(label=_("详细地址"), max_length=200, required=False)
    content = forms.CharField(
        label=_("诉求内容"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("请记录诉求内容。")},
    )
    is_confidential = forms.BooleanField(label=_("来电人要求保密"), required=False)
    emergency_situation = forms.ModelChoiceField(
        label=_("紧急联动情形（第十三条）"),
        queryset=EmergencySituation.objects.none(),
        required=False,
    )
    rescue_lines = forms.MultipleChoiceField(
        label=_("已引导拨打"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    major_incident = forms.ModelChoiceField(
        label=_("重大突发事件（第十七条）"),
        queryset=MajorIncidentKind.objects.none(),
        required=False,
    )

    outcome = forms.ChoiceField(
        label=_("处理方式"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择处理方式。")},
    )
    answer = forms.CharField(
        label=_("答复内容"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    knowledge_ref = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
    exclusion = forms.ModelChoiceField(
        label=_("不予受理情形（第十二条）"), queryset=ExclusionReason.objects.none(), required=False
    )
    exclusion_note = forms.CharField(label=_("说明"), max_length=500, required=False)
    merge_into = forms.CharField(label=_("并入工单编号"), max_length=24, required=False)
    related = forms.CharField(
        label=_("关联工单编号"), max_length=400, required=False, help_text=_("多个编号用空格分隔")
    )
    lead_unit = forms.ModelChoiceField(
        label=_("主办单位"), queryset=Unit.objects.none(), required=False
    )
    assisting_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    override_reason = forms.CharField(
        label=_("不采用派单建议的理由"), max_length=500, required=False
    )
    opinion = forms.CharField(
        label=_("初步意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        from hotline.orders.intake import Outcome
        from hotline.orders.models import SupervisionChannel

        super().__init__(*args, **kwargs)
        self.user = user
        _model_field(self, "request_type").queryset = RequestType.objects.all()
        _model_field(self, "category").queryset = Category.objects.filter(
            is_active=True, parent__isnull=False
        ).select_related("parent")
        _model_field(self, "place").queryset = Place.objects.filter(is_active=True).select_related(
            "unit"
        )
        _model_field(self, "emergency_situation").queryset = EmergencySituation.objects.all()
        _model_field(self, "major_incident").queryset = MajorIncidentKind.objects.all()
        _model_field(self, "exclusion").queryset = ExclusionReason.objects.all()
        _model_field(self, "lead_unit").queryset = member_units()
        _model_field(self, "assisting_units").queryset = member_units()
        _choice_field(self, "rescue_lines").choices = [
            (line.code, str(line)) for line in RescueLine.objects.all()
        ]
        _choice_field(self, "outcome").choices = Outcome.choices
        _choice_field(self, "supervision_channel").choices = SupervisionChannel.choices

    def clean_caller_phone(self) -> str:
        from hotline.privacy.personal import phone_is_valid

        phone = self.cleaned_data["caller_phone"].strip()
        if phone and not phone_is_valid(phone):
            raise forms.ValidationError(_("号码格式不正确，请输入 7–13 位数字。"))
        return phone

    def _visible_order(self, number: str) -> Order:
        target = orders_visible_to(self.user).filter(number=number.strip().upper()).first()
        if target is None:
            raise forms.ValidationError(_("找不到工单 %(number)s。"), params={"number": number})
        return target

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
        }.get(outcome or "", [])
        messages = {
            "answer": _("请填写答复内容。"),
            "exclusion": _("请选择不予受理的情形。"),
            "merge_into": _("请填写要并入的工单编号。"),
            "lead_unit": _("请选择主办单位。"),
            "opinion": _("请填写初步意见。"),
        }
        for name in required:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, messages[name])
        return data

    def to_request(self) -> "Request":
        from hotline.orders.intake import Request

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
        )

    def to_decision(self) -> "Decision":
        from hotline.orders.intake import Decision

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
            related=data["related"],
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the type and size checks are in `orders.attachments`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.docx"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:  # type: ignore[override]
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class AttachmentForm(forms.Form):
    uploads = MultipleFileField(
        label=_("附件"), help_text=_("JPG、PNG、PDF、DOCX，单个不超过 10 MB")
    )
    kind = forms.ChoiceField(label=_("类别"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from hotline.orders.models import Attachment

        super().__init__(*args, **kwargs)
        _choice_field(self, "kind").choices = Attachment.Kind.choices


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=(), initial="note")
    method = forms.ChoiceField(label=_("联系方式"), choices=(), required=False)
    contacted_at = forms.DateTimeField(
        label=_("联系时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("不填为现在"),
    )
    text = forms.CharField(
        label=_("内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from hotline.orders.models import Note

        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)
        _choice_field(self, "kind").choices = Note.Kind.choices
        _choice_field(self, "method").choices = [
            ("", _("（联系诉求人时选择）")),
            *Note.Method.choices,
        ]


class AssistReplyForm(forms.Form):
    text = forms.CharField(
        label=_("协办意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "assist")
        super().__init__(*args, **kwargs)


class WrittenReplyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("书面答复内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    scans = MultipleFileField(label=_("书面答复扫描件"), help_text=_("PDF 或图片"))

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["version"] = order.version
        kwargs.setdefault("prefix", "written")
        super().__init__(*args, **kwargs)


class CorrectForm(forms.Form):
    """The host unit's correction of an order's classification or place (更正)."""

    request_type = forms.ModelChoiceField(
        label=_("诉求类型"), queryset=RequestType.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("事项分类"), queryset=Category.objects.none(), required=False
    )
    place = GroupedPlaceField(label=_("社区/村"), queryset=Place.objects.none(), required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    reason = forms.CharField(label=_("更正理由"), max_length=500)

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "correct")
        kwargs.setdefault(
            "initial",
            {
                "request_type": order.request_type_id,
                "category": order.category_id,
                "place": order.place_id,
                "address": order.address,
            },
        )
        super().__init__(*args, **kwargs)
        _model_field(self, "request_type").queryset = RequestType.objects.all()
        _model_field(self, "category").queryset = Category.objects.filter(
            parent__isnull=False
        ).select_related("parent")
        _model_field(self, "place").queryset = Place.objects.select_related("unit")
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
