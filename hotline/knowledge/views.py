"""Staff pages of the knowledge base: search (with an htmx partial the operator workbench
embeds), entry detail with history and actions, maintenance list and forms, unit directory."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline.core.errors import DomainError
from hotline.knowledge import permissions, services
from hotline.knowledge.forms import ACTION_FORMS, DirectoryForm, EntryForm, UsePeriodForm
from hotline.knowledge.models import EntryState
from hotline.knowledge.search import MAX_QUERY, knowledge_search
from hotline.knowledge.selectors import (
    EntryAccess,
    EntryNotFound,
    directory_units,
    entries_manageable,
    entries_pending_review,
    entry_get_for_user,
    entry_history,
    knowledge_gaps,
    knowledge_use,
)
from hotline.units.models import Unit
from hotline.web.http import AuthenticatedRequest

RESULTS = 20


def _require_search(request: AuthenticatedRequest) -> None:
    if not permissions.may_search(request.user):
        raise PermissionDenied(_("无权使用知识库。"))


def _access_or_404(request: AuthenticatedRequest, pk: int) -> EntryAccess:
    try:
        return entry_get_for_user(user=request.user, pk=pk)
    except EntryNotFound as exc:
        raise Http404(_("没有这个知识条目。")) from exc


def _search_context(request: AuthenticatedRequest) -> dict:
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    unit = request.GET.get("unit", "").strip()
    hits = (
        knowledge_search(query=query, limit=RESULTS, unit_codes=[unit] if unit else None)
        if query
        else []
    )
    return {"query": query, "unit": unit, "hits": hits}


@login_required
@require_GET
def search_view(request: AuthenticatedRequest) -> HttpResponse:
    _require_search(request)
    context = _search_context(request)
    context["may_draft"] = permissions.may_draft(request.user)
    context["may_view_use"] = permissions.may_view_use(request.user)
    return render(request, "knowledge/search.html", context)


@login_required
@require_GET
def search_results_view(request: AuthenticatedRequest) -> HttpResponse:
    """The result list alone (`knowledge/_results.html`), for htmx; a plain request goes to
    the search page."""
    _require_search(request)
    if not request.htmx:  # type: ignore[attr-defined]  # set by django-htmx's middleware
        params = {key: request.GET[key] for key in ("q", "unit") if request.GET.get(key)}
        url = reverse("knowledge:search")
        return redirect(f"{url}?{urlencode(params)}" if params else url)
    return render(request, "knowledge/_results.html", _search_context(request))


def _detail_context(
    request: AuthenticatedRequest, access: EntryAccess, bound: dict | None = None
) -> dict:
    entry = access.entry
    forms = bound or {}
    action_forms = [
        forms.get(action) or form_class(entry=entry, user=request.user)
        for action, form_class in ACTION_FORMS.items()
        # A refused form is shown again with its error even if the action is no longer open.
        if action in access.actions or action in forms
    ]
    editor = permissions.may_edit(request.user, entry)
    return {
        "entry": entry,
        "actions": access.actions,
        "action_forms": action_forms,
        "history": entry_history(entry=entry)
        if editor or permissions.may_publish(request.user)
        else None,
        "revisions": entry.revisions.order_by("-pk") if editor else None,
        "is_valid_today": entry.is_valid_on(services.local_today()),
    }


@login_required
@require_GET
def entry_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    access = _access_or_404(request, pk)
    return render(request, "knowledge/entry_detail.html", _detail_context(request, access))


@login_required
@require_POST
def entry_action_view(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    access = _access_or_404(request, pk)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404(_("未知操作。"))
    rule = permissions.RULES[action]
    if not rule.who(request.user, access.entry):
        # Refused before the form is read (docs/access-matrix.md).
        raise PermissionDenied(str(rule.refused))
    form = form_class(request.POST, entry=access.entry, user=request.user)
    status = 400
    if form.is_valid():
        try:
            result = form.perform()
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = (
                409 if exc.code == "entry_changed" else 403 if exc.code == "not_allowed" else 400
            )
        else:
            messages.success(request, _("已完成:%(action)s。") % {"action": form.label})
            return redirect("knowledge:detail", pk=result.pk)
    messages.error(request, _("操作未完成:%(action)s。") % {"action": form.label})
    access = _access_or_404(request, pk)
    return render(
        request,
        "knowledge/entry_detail.html",
        _detail_context(request, access, {action: form}),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_create_view(request: AuthenticatedRequest) -> HttpResponse:
    if not permissions.may_draft(request.user):
        raise PermissionDenied(_("无权起草知识条目。"))
    form = EntryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = form.save()
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("草稿已保存。"))
            return redirect("knowledge:detail", pk=entry.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "knowledge/entry_form.html", {"form": form, "entry": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    access = _access_or_404(request, pk)
    if "edit" not in access.actions:
        raise PermissionDenied(_("此条目当前不能修改。"))
    form = EntryForm(request.POST or None, user=request.user, entry=access.entry)
    if request.method == "POST" and form.is_valid():
        try:
            entry = form.save()
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("knowledge:detail", pk=entry.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "knowledge/entry_form.html", {"form": form, "entry": access.entry}, status=status
    )


@login_required
@require_GET
def manage_view(request: AuthenticatedRequest) -> HttpResponse:
    if not permissions.may_manage(request.user):
        raise PermissionDenied(_("无权维护知识库。"))
    state = request.GET.get("state", "")
    q = request.GET.get("q", "").strip()[:60]
    entries = entries_manageable(user=request.user, state=state, q=q)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    params = {key: value for key, value in (("state", state), ("q", q)) if value}
    return render(
        request,
        "knowledge/manage.html",
        {
            "page": page,
            "state": state,
            "q": q,
            "states": EntryState.choices,
            "queue": entries_pending_review(user=request.user),
            "query": urlencode(params),
            "today": services.local_today(),
            "may_view_use": permissions.may_view_use(request.user),
        },
    )


@login_required
@require_GET
def directory_view(request: AuthenticatedRequest) -> HttpResponse:
    _require_search(request)
    return render(request, "knowledge/directory.html", {"units": directory_units()})


@login_required
@require_http_methods(["GET", "POST"])
def unit_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_search(request)
    unit = get_object_or_404(Unit, pk=pk, is_active=True)
    may_edit = permissions.may_edit_directory(request.user, unit)
    form = None
    status = 200
    if may_edit:
        form = DirectoryForm(
            request.POST or None, initial={"phone": unit.phone, "office_hours": unit.office_hours}
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("无权修改单位联系方式。"))
        if form.is_valid():
            try:
                services.unit_directory_update(unit=unit, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("联系方式已更新。"))
                return redirect("knowledge:unit", pk=unit.pk)
        status = 400
    entries = unit.knowledge_entries.filter(state=EntryState.PUBLISHED).order_by("title")
    return render(
        request,
        "knowledge/unit.html",
        {"unit": unit, "form": form, "entries": entries},
        status=status,
    )


@login_required
@require_GET
def use_view(request: AuthenticatedRequest) -> HttpResponse:
    """知识库使用与缺口 (Art. 10, 14(1)): how often calls were answered from the knowledge base,
    with which entries, and what operators searched for in vain, by theme and responsible
    unit. The host unit's reviewers and the supervising unit only."""
    if not permissions.may_view_use(request.user):
        raise PermissionDenied(_("无权查看知识库使用情况。"))
    form = UsePeriodForm(request.GET or {}, today=services.local_today())
    context: dict = {"form": form}
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        context.update(
            start=start,
            end=end,
            use=knowledge_use(start=start, end=end),
            gaps=knowledge_gaps(start=start, end=end),
        )
    return render(request, "knowledge/use.html", context, status=200 if form.is_valid() else 400)
