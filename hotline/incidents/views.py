"""The incident list, one incident's page and its actions (Art. 17). Thin views: the
selectors decide what is seen, the services what is done."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline.core.errors import DomainError, NotFound
from hotline.core.params import id_param
from hotline.incidents import rules, selectors, services
from hotline.incidents.forms import CloseForm, LinkForm, RespondForm, SuggestForm
from hotline.incidents.selectors import IncidentPage
from hotline.web.http import AuthenticatedRequest


def _page(request: AuthenticatedRequest, pk: int) -> IncidentPage:
    try:
        return selectors.incident_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def list_view(request: AuthenticatedRequest) -> HttpResponse:
    if not rules.may_see_incidents(request.user):
        raise Http404(_("找不到该页面。"))
    incidents = selectors.incidents_list(user=request.user)
    return render(request, "incidents/list.html", {"incidents": incidents})


@login_required
@require_GET
def suggest_view(request: AuthenticatedRequest) -> HttpResponse:
    """The intake screen's part: open incidents of the chosen kind, same place first."""
    if not rules.may_suggest(request.user):
        raise Http404(_("找不到该页面。"))
    form = SuggestForm(request.GET)
    incidents = []
    if form.is_valid() and form.cleaned_data["major_incident"] is not None:
        incidents = selectors.incidents_suggested(
            user=request.user,
            kind=form.cleaned_data["major_incident"],
            place=form.cleaned_data["place"],
            address=form.cleaned_data["address"],
        )
    # The incident the operator had chosen stays chosen when a refused submit shows the form again.
    chosen = id_param(request.GET.get("chosen"))
    if chosen not in {i.pk for i in incidents}:
        chosen = None
    return render(request, "incidents/_suggest.html", {"incidents": incidents, "chosen": chosen})


@login_required
def detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    return render(
        request,
        "incidents/detail.html",
        {
            "page": page,
            "incident": page.incident,
            "link_form": LinkForm(),
            "respond_form": RespondForm(),
            "close_form": CloseForm(),
        },
    )


@login_required
@require_POST
def action_view(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    incident = _page(request, pk).incident
    user = request.user
    try:
        if action == "acknowledge":
            services.incident_acknowledge(incident=incident, actor=user)
            messages.success(request, _("已确认收到。"))
            back = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return redirect(back)
        elif action == "link":
            form = LinkForm(request.POST)
            if form.is_valid():
                number = form.cleaned_data["number"]
                services.incident_link_order(incident=incident, number=number, actor=user)
                messages.success(request, _("已关联工单 %(number)s。") % {"number": number})
        elif action == "respond":
            respond = RespondForm(request.POST)
            if respond.is_valid():
                services.incident_respond(
                    incident=incident, actor=user, units=list(respond.cleaned_data["units"])
                )
                messages.success(request, _("已启动专项应急响应。"))
        elif action == "close":
            close = CloseForm(request.POST)
            if close.is_valid():
                services.incident_close(
                    incident=incident, actor=user, summary=close.cleaned_data["summary"]
                )
                messages.success(request, _("事件已结束。"))
        else:
            raise Http404(_("找不到该页面。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("incidents:detail", pk=incident.pk)
