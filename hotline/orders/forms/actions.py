"""One form per transition on the order page. A form validates the input and calls the one
service function of its action; views stay thin (STYLE §7). Which forms a user is offered is
decided by `rules.available_actions`, never here."""

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.catalogue.models import Category, ExclusionReason
from hotline.core.forms import (
    LimitedCharField,
    ModelChoiceField,
    ModelMultipleChoiceField,
    model_field,
    text_field,
)
from hotline.core.text import MAX_NUMBER, MAX_REASON, MAX_TEXT
from hotline.orders import services
from hotline.orders.models import Action, CallParty, Order, Satisfaction
from hotline.orders.rules import orders_visible_to, tracker_candidates
from hotline.orders.selectors import return_request, review_proposal
from hotline.units.models import Unit
from hotline.units.selectors import member_units


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

    def facts(self) -> list[tuple[str, str]]:
        """What the user must read beside the form to decide (label, text)."""
        return []

    def perform(self) -> Order:
        raise NotImplementedError

    def _common(self) -> dict[str, Any]:
        return {
            "order": self.order,
            "actor": self.user,
            "expected_version": self.cleaned_data["version"],
        }


def _reason(label: "StrOrPromise", required: bool = True) -> LimitedCharField:
    return text_field(label, limit=MAX_REASON, required=required, rows=2)


class MissingCategoryMixin(forms.Form):
    """Where the order has no category yet (e.g. from the web), the dispatch sets one."""

    category = ModelChoiceField(
        label=_("事项分类（工单尚未分类）"), queryset=Category.objects.none(), required=False
    )

    def _setup_category(self, order: Order) -> None:
        if order.category_id is not None:
            del self.fields["category"]
            return
        model_field(self, "category").queryset = Category.objects.filter(
            is_active=True, parent__isnull=False
        ).select_related("parent")

    def chosen_category(self) -> Category | None:
        return self.cleaned_data.get("category")


class UnitsMixin(forms.Form):
    lead_unit = ModelChoiceField(label=_("主办单位"), queryset=Unit.objects.none())
    assisting_units = ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def _setup_units(self) -> None:
        model_field(self, "lead_unit").queryset = member_units()
        model_field(self, "assisting_units").queryset = member_units()


class AcceptForm(ActionForm):
    action = Action.ACCEPT

    def perform(self) -> Order:
        return services.order_accept(**self._common())


class NotAcceptForm(ActionForm):
    action = Action.NOT_ACCEPT
    exclusion = ModelChoiceField(
        label=_("不予受理情形（第十二条）"), queryset=ExclusionReason.objects.all()
    )
    note = _reason(_("说明"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        proposal = review_proposal(order=self.order)
        if proposal.get("exclusion"):
            self.fields["exclusion"].initial = (
                ExclusionReason.objects.filter(code=proposal["exclusion"])
                .values_list("pk", flat=True)
                .first()
            )

    def perform(self) -> Order:
        return services.order_not_accept(
            exclusion=self.cleaned_data["exclusion"],
            note=self.cleaned_data["note"],
            **self._common(),
        )


class AnswerForm(ActionForm):
    action = Action.ANSWER
    answer = text_field(_("答复内容"), limit=MAX_TEXT, rows=4)

    def perform(self) -> Order:
        return services.order_answer(answer=self.cleaned_data["answer"], **self._common())


class MergeForm(ActionForm):
    action = Action.MERGE
    into = text_field(_("并入工单编号"), limit=MAX_NUMBER)
    note = _reason(_("说明"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].initial = review_proposal(order=self.order).get("merge_into", "")

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
    proposed_unit = ModelChoiceField(
        label=_("建议承办单位"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "proposed_unit").queryset = member_units()
        if self.order.category and self.order.category.lead_unit_id:
            self.fields["proposed_unit"].initial = self.order.category.lead_unit_id

    def perform(self) -> Order:
        return services.order_submit_for_review(
            opinion=self.cleaned_data["opinion"],
            proposed_unit=self.cleaned_data["proposed_unit"],
            **self._common(),
        )


class ReviewApproveForm(ActionForm, MissingCategoryMixin, UnitsMixin):
    action = Action.REVIEW_APPROVE
    note = _reason(_("审核意见"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_units()
        self._setup_category(self.order)
        code = review_proposal(order=self.order).get("proposed_unit")
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
            category=self.chosen_category(),
            **self._common(),
        )


class ReviewSendBackForm(ActionForm):
    action = Action.REVIEW_SEND_BACK
    note = _reason(_("退回意见"))

    def perform(self) -> Order:
        return services.order_review_send_back(note=self.cleaned_data["note"], **self._common())


class DispatchForm(ActionForm, MissingCategoryMixin, UnitsMixin):
    action = Action.DISPATCH
    reason = _reason(_("派单说明"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_units()
        self._setup_category(self.order)
        if self.order.category and self.order.category.lead_unit_id:
            self.fields["lead_unit"].initial = self.order.category.lead_unit_id

    def perform(self) -> Order:
        data = self.cleaned_data
        return services.order_dispatch(
            lead_unit=data["lead_unit"],
            assisting_units=list(data["assisting_units"]),
            reason=data["reason"],
            category=self.chosen_category(),
            **self._common(),
        )


class SignForm(ActionForm):
    action = Action.SIGN
    handler = ModelChoiceField(label=_("承办人"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(unit=self.order.lead_unit, is_active=True)
        model_field(self, "handler").queryset = User.objects.filter(
            pk__in=[u.pk for u in staff if u.has_role(Role.HANDLER)]
        )

    def perform(self) -> Order:
        return services.order_sign(handler=self.cleaned_data["handler"], **self._common())


class ReturnForm(ActionForm):
    action = Action.RETURN
    reason = _reason(_("退单理由"))
    suggested_unit = ModelChoiceField(
        label=_("建议承办单位"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "suggested_unit").queryset = member_units()

    def perform(self) -> Order:
        return services.order_return(
            reason=self.cleaned_data["reason"],
            suggested_unit=self.cleaned_data["suggested_unit"],
            **self._common(),
        )


class ReturnDecisionForm(ActionForm):
    """Deciding a return: the unit's reason and suggested unit are shown beside the form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = return_request(order=self.order)

    def facts(self) -> list[tuple[str, str]]:
        if self.request is None:
            return []
        unit = self.request.unit.name if self.request.unit else "—"
        suggested = self.request.suggested_unit
        return [
            (str(_("退单单位")), unit),
            (str(_("退单理由")), self.request.reason),
            (str(_("建议承办单位")), suggested.name if suggested else str(_("未提出"))),
        ]


class ReturnUpheldForm(ReturnDecisionForm, UnitsMixin):
    action = Action.RETURN_UPHELD
    reason = _reason(_("审核意见"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_units()
        if self.request is not None and self.request.suggested_unit is not None:
            self.fields["lead_unit"].initial = self.request.suggested_unit.pk

    def perform(self) -> Order:
        data = self.cleaned_data
        return services.order_decide_return(
            uphold=True,
            lead_unit=data["lead_unit"],
            assisting_units=list(data["assisting_units"]),
            reason=data["reason"],
            **self._common(),
        )


class ReturnRefusedForm(ReturnDecisionForm):
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
    text = text_field(_("答复内容"), limit=MAX_TEXT, rows=5)

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


class ThreePartyCallForm(ActionForm):
    action = Action.THREE_PARTY_CALL
    party = forms.ChoiceField(label=_("三方通话对方"), choices=CallParty.choices)
    outcome = _reason(_("通话结果"))

    def perform(self) -> Order:
        return services.order_record_three_party_call(
            party=self.cleaned_data["party"], outcome=self.cleaned_data["outcome"], **self._common()
        )


class AssignTrackerForm(ActionForm):
    action = Action.ASSIGN_TRACKER
    tracker = ModelChoiceField(label=_("跟踪人"), queryset=User.objects.none())
    reason = _reason(_("指派说明（更换跟踪人时必填）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "tracker").queryset = tracker_candidates()

    def facts(self) -> list[tuple[str, str]]:
        current = self.order.tracker
        return [(str(_("当前跟踪人")), str(current) if current else str(_("尚未指派")))]

    def perform(self) -> Order:
        return services.order_assign_tracker(
            tracker=self.cleaned_data["tracker"],
            reason=self.cleaned_data["reason"],
            **self._common(),
        )


class TransferPoliceForm(ActionForm):
    """A police matter handed to the 110 desk (国办发〔2022〕12号)."""

    action = Action.TRANSFER_POLICE
    reason = _reason(_("移交理由"))

    def perform(self) -> Order:
        return services.order_transfer_to_police(
            reason=self.cleaned_data["reason"], **self._common()
        )


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
        AssignTrackerForm,
        ThreePartyCallForm,
        TransferPoliceForm,
    )
}
