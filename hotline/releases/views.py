"""The pages of data release (Art. 24): my requests and the request form (each export button
opens it filled in), the supervisor's queue, every request for the supervisor and the auditor,
one request with its decision and its download. Thin views: `rules` say who may, `services`
change, `selectors` read. Writes are POSTs; a refused download changes nothing."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline import clock
from hotline.core.errors import DomainError, NotFound
from hotline.core.params import page_param
from hotline.releases import rules, selectors, services
from hotline.releases.forms import FORM_FIELDS, DecisionForm, RequestForm
from hotline.releases.models import ReleaseRequest
from hotline.releases.registry import KINDS, kind_of
from hotline.web.http import AuthenticatedRequest

PAGE_SIZE = 50


def _user_may_use(request: AuthenticatedRequest) -> None:
    if not rules.may_use(request.user):
        raise PermissionDenied(_("您无权使用数据导出。"))


def _release(request: AuthenticatedRequest, pk: int) -> ReleaseRequest:
    try:
        return selectors.release_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _rows(releases: Any) -> list[dict[str, Any]]:
    now = clock.now()
    return [
        {
            "release": release,
            "status": release.shown_status(now),
            "kind": KINDS[release.kind].label if release.kind in KINDS else release.kind,
            "what": KINDS[release.kind].describe(release.params) if release.kind in KINDS else "",
            "valid": release.is_valid_at(now),
        }
        for release in releases
    ]


def _list(request: AuthenticatedRequest, queryset: Any, title: str, template: str) -> HttpResponse:
    page = Paginator(queryset, PAGE_SIZE).get_page(page_param(request.GET.get("page")))
    return render(
        request,
        template,
        {
            "title": title,
            "page": page,
            "rows": _rows(page.object_list),
            "may_decide": rules.may_decide(request.user),
            "may_read_all": rules.may_read_all(request.user),
        },
    )


@login_required
@require_GET
def release_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """我的导出申请."""
    _user_may_use(request)
    return _list(
        request, selectors.releases_of(request.user), _("我的导出申请"), "releases/list.html"
    )


@login_required
@require_GET
def release_queue_view(request: AuthenticatedRequest) -> HttpResponse:
    """待审批导出: the supervisor's queue (their own requests are not in it)."""
    if not rules.may_decide(request.user):
        raise PermissionDenied(_("只有主管可以审批导出申请。"))
    return _list(
        request, selectors.releases_pending_for(request.user), _("待审批导出"), "releases/list.html"
    )


@login_required
@require_GET
def release_all_view(request: AuthenticatedRequest) -> HttpResponse:
    """全部导出申请: for the supervisor and the auditor."""
    if not rules.may_read_all(request.user):
        raise PermissionDenied(_("您无权查看全部导出申请。"))
    return _list(
        request, selectors.releases_all(request.user), _("全部导出申请"), "releases/list.html"
    )


def _params_from(data: Any) -> dict[str, str]:
    return {key: data.get(key, "") for key in data if key not in FORM_FIELDS and key != "page"}


@login_required
@require_http_methods(["GET", "POST"])
def release_new_view(request: AuthenticatedRequest) -> HttpResponse:
    """The request form, filled in by the export button that opened it (kind and parameters
    in the query); the parameters are checked against what the requester may read."""
    _user_may_use(request)
    data = request.POST if request.method == "POST" else request.GET
    params = _params_from(data)
    context: dict[str, Any] = {"params": params, "kind_code": data.get("kind", "")}
    try:
        export = kind_of(str(data.get("kind", "")))
        kept = export.clean(request.user, params)
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "releases/new.html", context, status=exc.http_status)
    context.update(export=export, what=export.describe(kept), params=kept)
    form = RequestForm(request.POST if request.method == "POST" else None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            release = services.release_request(
                actor=request.user,
                kind=export.code,
                params=kept,
                purpose=form.cleaned_data["purpose"],
                personal_data=form.cleaned_data["personal_data"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("导出申请 %(number)s 已提交，待主管审批。") % {"number": release.number}
            )
            return redirect("releases:detail", pk=release.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "releases/new.html", context, status=status)


def _detail(
    request: AuthenticatedRequest, release: ReleaseRequest, *, status: int = 200, error: str = ""
) -> HttpResponse:
    now = clock.now()
    user = request.user
    return render(
        request,
        "releases/detail.html",
        {
            "release": release,
            "row": _rows([release])[0],
            "may_decide": rules.may_decide(user, release) and release.status == "pending",
            "own_pending": release.requester_id == user.pk
            and rules.may_decide(user)
            and release.status == "pending",
            "may_withdraw": rules.may_withdraw(user, release),
            "may_download": rules.may_download(user, release) and release.is_valid_at(now),
            "decision_form": DecisionForm(),
            "error": error,
        },
        status=status,
    )


@login_required
@require_GET
def release_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, _release(request, pk))


def _decide(request: AuthenticatedRequest, pk: int, approve: bool) -> HttpResponse:
    release = _release(request, pk)
    if not rules.may_decide(request.user):
        raise PermissionDenied(_("只有主管可以审批导出申请。"))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(
            request,
            release,
            status=400,
            error=" ".join(str(e) for e in form.errors.get("note", [])),
        )
    try:
        if approve:
            services.release_approve(
                actor=request.user,
                release=release,
                note=form.cleaned_data["note"],
                grant_personal_data=form.cleaned_data["grant_personal_data"],
            )
            messages.success(request, _("已批准导出申请 %(n)s。") % {"n": release.number})
        else:
            services.release_refuse(
                actor=request.user, release=release, note=form.cleaned_data["note"]
            )
            messages.success(request, _("已驳回导出申请 %(n)s。") % {"n": release.number})
    except DomainError as exc:
        return _detail(request, release, status=exc.http_status, error=exc.message)
    return redirect("releases:detail", pk=release.pk)


@login_required
@require_POST
def release_approve_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@login_required
@require_POST
def release_refuse_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)


@login_required
@require_POST
def release_withdraw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    release = _release(request, pk)
    try:
        services.release_withdraw(actor=request.user, release=release)
    except DomainError as exc:
        return _detail(request, release, status=exc.http_status, error=exc.message)
    messages.success(request, _("导出申请已撤回。"))
    return redirect("releases:detail", pk=release.pk)


@login_required
@require_POST
def release_download_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The file, for the requester while the approval holds; expired or used up: 410 with a
    Chinese message. A POST: every download counts and is audited."""
    release = _release(request, pk)
    try:
        released = services.release_download(actor=request.user, release=release)
    except DomainError as exc:
        return _detail(request, release, status=exc.http_status, error=exc.message)
    response = HttpResponse(released.content, content_type=released.content_type)
    response["Content-Disposition"] = f'attachment; filename="{released.filename}"'
    response["Cache-Control"] = "no-store"
    return response
