"""Survey pages: campaigns and their questionnaire, the target list, the operators' call
screens, the results for the commissioning unit, and the respondent's public web link."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from hotline.accounts.roles import Role
from hotline.core.errors import DomainError
from hotline.portal.display import large_type
from hotline.releases.registry import request_url
from hotline.surveys import calls, services, targets
from hotline.surveys.forms import (
    AnswerForm,
    ApproveForm,
    CallNoteForm,
    CampaignForm,
    CloseForm,
    DrawForm,
    ImportForm,
    QuestionForm,
)
from hotline.surveys.models import Campaign, CampaignStatus, Question, Target, TargetStatus
from hotline.surveys.results import campaign_results
from hotline.surveys.selectors import (
    CampaignAccess,
    CampaignNotFound,
    call_queue,
    campaign_counts,
    campaign_get_for_user,
    campaigns_visible_to,
    may_call,
    may_manage,
    may_use_surveys,
    target_get_for_caller,
)
from hotline.web.http import AuthenticatedRequest

CAMPAIGN_FIELDS = (
    "title",
    "commissioning_unit",
    "purpose",
    "starts_on",
    "ends_on",
    "max_attempts",
    "different_days",
    "web_link_enabled",
)


def _access(request: AuthenticatedRequest, pk: int) -> CampaignAccess:
    try:
        return campaign_get_for_user(user=request.user, pk=pk)
    except CampaignNotFound as exc:
        raise Http404(exc.message) from exc


def _managed(request: AuthenticatedRequest, pk: int) -> Campaign:
    access = _access(request, pk)
    if not access.can_manage:
        raise Http404(_("调查不存在或无权管理。"))
    return access.campaign


# --- campaigns ------------------------------------------------------------------------------


@login_required
def campaign_list_view(request: AuthenticatedRequest) -> HttpResponse:
    if not may_use_surveys(request.user):
        # People with nothing to do here (handlers, auditors, admins) are not shown the pages.
        raise Http404(_("页面不存在。"))
    campaigns = list(campaigns_visible_to(request.user).order_by("-created_at")[:200])
    rows = [(campaign, campaign_counts(campaign=campaign)) for campaign in campaigns]
    return render(
        request,
        "surveys/list.html",
        {
            "rows": rows,
            "can_create": may_manage(request.user),
            "can_open": may_manage(request.user) or request.user.has_role(Role.SUPERVISOR),
            "can_call": may_call(request.user),
            "show_results": not may_call(request.user) or may_manage(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create_view(request: AuthenticatedRequest) -> HttpResponse:
    if not may_manage(request.user):
        raise Http404(_("页面不存在。"))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                actor=request.user, **{name: form.cleaned_data[name] for name in CAMPAIGN_FIELDS}
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已创建调查，请添加题目和调查对象。"))
            return redirect("surveys:detail", pk=campaign.pk)
    return render(
        request,
        "surveys/campaign_form.html",
        {"form": form, "campaign": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    initial = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS}
    form = CampaignForm(
        request.POST or None,
        initial=initial,
        unit_fixed=campaign.status != CampaignStatus.DRAFT,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                campaign=campaign,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in CAMPAIGN_FIELDS},
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("surveys:detail", pk=campaign.pk)
    return render(
        request,
        "surveys/campaign_form.html",
        {"form": form, "campaign": campaign},
        status=400 if form.errors else 200,
    )


def _detail(
    request: AuthenticatedRequest,
    access: CampaignAccess,
    *,
    question_form: QuestionForm | None = None,
    approve_form: ApproveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    campaign = access.campaign
    context: dict[str, Any] = {
        "access": access,
        "campaign": campaign,
        "questions": list(campaign.questions.order_by("order")),
        "counts": campaign_counts(campaign=campaign),
        "events": campaign.events.select_related("actor").order_by("-at", "-pk")[:30],
        "question_form": question_form or QuestionForm(),
        "approve_form": approve_form or ApproveForm(),
        "close_form": CloseForm(),
        "targets": (
            Target.objects.filter(campaign=campaign)
            .select_related("assigned_operator")
            .order_by("pk")[:100]
            if access.can_manage
            else []
        ),
    }
    return render(request, "surveys/detail.html", context, status=status)


@login_required
def campaign_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    access = _access(request, pk)
    if not (access.can_manage or request.user.has_role(Role.SUPERVISOR)):
        if access.can_call:
            return redirect("surveys:calls", pk=pk)
        if access.can_see_results:
            return redirect("surveys:results", pk=pk)
        raise Http404(_("调查不存在或无权查看。"))
    return _detail(request, access)


@login_required
@require_POST
def question_add_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(campaign=campaign, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已添加题目。"))
            return redirect("surveys:detail", pk=pk)
    return _detail(request, _access(request, pk), question_form=form, status=400)


@login_required
@require_POST
def question_remove_view(request: AuthenticatedRequest, pk: int, question_pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    question = Question.objects.filter(pk=question_pk, campaign=campaign).first()
    if question is None:
        raise Http404(_("题目不存在。"))
    try:
        services.question_remove(question=question, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除题目。"))
    return redirect("surveys:detail", pk=pk)


@login_required
@require_POST
def campaign_start_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    try:
        services.campaign_start(campaign=campaign, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("调查已开始，话务员可以拨打。"))
    return redirect("surveys:detail", pk=pk)


@login_required
@require_POST
def campaign_close_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    form = CloseForm(request.POST)
    try:
        services.campaign_close(
            campaign=campaign,
            actor=request.user,
            note=form.cleaned_data["note"] if form.is_valid() else "",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("调查已结束。"))
    return redirect("surveys:detail", pk=pk)


@login_required
@require_POST
def campaign_approve_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    access = _access(request, pk)
    if not access.can_approve:
        raise Http404(_("调查不存在或无权批准。"))
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.campaign_approve_past_callers(
                campaign=access.campaign, actor=request.user, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已批准本调查使用历史来电人信息，已记入审计。"))
            return redirect("surveys:detail", pk=pk)
    return _detail(request, access, approve_form=form, status=400)


# --- the target list ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def targets_import_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = targets.targets_import_excel(
                campaign=campaign,
                actor=request.user,
                upload=upload,
                name=upload.name or "",
                size=upload.size,
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(
                request,
                _("已导入 %(created)d 个号码，跳过重复号码 %(duplicates)d 个。")
                % {"created": result.created, "duplicates": result.duplicates},
            )
            return redirect("surveys:detail", pk=pk)
    return render(
        request,
        "surveys/import.html",
        {"form": form, "campaign": campaign},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def targets_draw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    form = DrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = targets.targets_draw_from_orders(
                campaign=campaign, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "符合条件的来电人 %(matched)d 人，已加入 %(created)d 人，"
                    "已在名单中的 %(duplicates)d 人未重复加入。"
                )
                % {
                    "matched": result.matched,
                    "created": result.created,
                    "duplicates": result.duplicates,
                },
            )
            return redirect("surveys:detail", pk=pk)
    return render(
        request,
        "surveys/draw.html",
        {"form": form, "campaign": campaign},
        status=400 if form.errors else 200,
    )


# --- calling --------------------------------------------------------------------------------


@login_required
def call_queue_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    access = _access(request, pk)
    if not access.can_call:
        raise Http404(_("调查不存在或未在进行中。"))
    return render(
        request,
        "surveys/calls.html",
        {
            "campaign": access.campaign,
            "queue": call_queue(campaign=access.campaign, user=request.user),
            "counts": campaign_counts(campaign=access.campaign),
        },
    )


def _call_page(
    request: AuthenticatedRequest,
    target: Target,
    *,
    answer_form: AnswerForm,
    note_form: CallNoteForm,
    status: int = 200,
) -> HttpResponse:
    """The call screen. The number shows only to the operator who opened the call (a POST,
    audited) a moment ago; showing the page writes nothing."""
    person = None
    if calls.target_revealed_to(target=target, user=request.user):
        person = {"name": target.name, "phone": target.phone}
    return render(
        request,
        "surveys/call.html",
        {
            "campaign": target.campaign,
            "target": target,
            "person": person,
            "answer_form": answer_form,
            "note_form": note_form,
            "tries": target.tries.select_related("operator").order_by("at"),
            "web_link": calls.web_link(target) if target.campaign.web_link_enabled else "",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        target = target_get_for_caller(user=request.user, pk=pk)
    except CampaignNotFound as exc:
        raise Http404(exc.message) from exc
    questions = list(target.campaign.questions.order_by("order"))
    answer_form = AnswerForm(questions=questions)
    note_form = CallNoteForm(prefix="call")
    if request.method == "GET":
        if not calls.target_held_by(target=target, user=request.user):
            try:
                calls.target_check_callable(target=target, actor=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect("surveys:calls", pk=target.campaign_id)
        return _call_page(request, target, answer_form=answer_form, note_form=note_form)

    outcome = request.POST.get("outcome", "")
    if outcome == "open":
        try:
            calls.target_open(target=target, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("surveys:calls", pk=target.campaign_id)
        return redirect("surveys:call", pk=target.pk)
    note_form = CallNoteForm(request.POST, prefix="call")
    note = note_form.cleaned_data["note"] if note_form.is_valid() else ""
    try:
        if outcome == "answered":
            answer_form = AnswerForm(request.POST, questions=questions)
            if not answer_form.is_valid():
                return _call_page(
                    request, target, answer_form=answer_form, note_form=note_form, status=400
                )
            calls.response_record(
                target=target, actor=request.user, answers=answer_form.answers(), note=note
            )
            messages.success(request, _("已保存答卷。"))
        elif outcome == "not_reached":
            target = calls.target_not_reached(target=target, actor=request.user, note=note)
            if target.status == TargetStatus.UNREACHABLE:
                messages.success(
                    request,
                    _("已记录未接通，已拨打 %(n)d 次，标记为无法接通。") % {"n": target.attempts},
                )
            else:
                messages.success(
                    request, _("已记录未接通（第 %(n)d 次），稍后重拨。") % {"n": target.attempts}
                )
        elif outcome == "refused":
            calls.target_refused(target=target, actor=request.user, note=note)
            messages.success(request, _("已记录拒绝访问。"))
        else:
            raise Http404(_("未知的操作。"))
    except calls.AnswersInvalid as exc:
        answer_form.add_answer_errors(exc)
        return _call_page(request, target, answer_form=answer_form, note_form=note_form, status=400)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("surveys:calls", pk=target.campaign_id)


# --- results --------------------------------------------------------------------------------


@login_required
def results_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    access = _access(request, pk)
    if not access.can_see_results:
        raise Http404(_("调查不存在或无权查看结果。"))
    return render(
        request,
        "surveys/results.html",
        {"campaign": access.campaign, "results": campaign_results(campaign=access.campaign)},
    )


@login_required
@require_POST
def export_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """No file here any more: every export of results needs an approved request (Art. 24), so
    this opens the request form, filled in for this survey (`hotline.releases`)."""
    access = _access(request, pk)
    if not access.can_see_results:
        raise Http404(_("调查不存在或无权导出。"))
    messages.info(request, _("导出数据须说明用途并经主管审批，请填写导出申请。"))
    return redirect(request_url("surveys.results", campaign=access.campaign.pk))


# --- the respondent's web link (public) -----------------------------------------------------


def _public(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context["large_type"] = large_type(request)
    return render(request, template, context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def respond_view(request: HttpRequest, token: str) -> HttpResponse:
    """The respondent's own link (Art. 11(7)): answer once while the survey runs."""
    target = calls.target_from_web_token(token)
    if target is None:
        raise Http404(_("链接无效。"))
    campaign = target.campaign
    if not calls.web_link_open(target):
        closed = campaign.status == CampaignStatus.CLOSED
        return _public(
            request,
            "surveys/respond_closed.html",
            {"campaign": campaign, "closed": closed},
            status=410 if closed else 403,
        )
    if target.status == TargetStatus.COMPLETED:
        return _public(
            request,
            "surveys/respond_done.html",
            {"campaign": campaign, "again": True},
            status=409 if request.method == "POST" else 200,
        )
    questions = list(campaign.questions.order_by("order"))
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            calls.response_record_web(target=target, answers=form.answers())
        except calls.AnswersInvalid as exc:
            form.add_answer_errors(exc)
        except DomainError as exc:
            return _public(
                request,
                "surveys/respond_done.html",
                {"campaign": campaign, "again": True, "message": exc.message},
                status=409,
            )
        else:
            return _public(request, "surveys/respond_done.html", {"campaign": campaign})
    return _public(
        request,
        "surveys/respond.html",
        {"campaign": campaign, "form": form},
        status=400 if form.errors else 200,
    )
