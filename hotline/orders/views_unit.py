"""The unit workbench: the inbox with working-day countdowns and the dashboard; and the
handling actions on an order's page that are not state transitions (notes and contact
records, assisting units' parts, written replies, acknowledging urges)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.calendar.services import due_at_for
from hotline.catalogue.models import Category, RequestType
from hotline.orders.errors import DomainError, OrderChanged
from hotline.orders.forms import AssistReplyForm, NoteForm, WrittenReplyForm
from hotline.orders.handling import (
    order_add_note,
    order_record_written_reply,
    order_submit_assist_reply,
    urge_acknowledge,
)
from hotline.orders.models import Urge
from hotline.orders.unit_workbench import (
    countdown,
    unit_dashboard,
    unit_handlers,
    unit_inbox,
    unit_tabs,
)
from hotline.orders.views import _access_or_404, _detail_context
from hotline.orders.worklists import window
from hotline.web.http import AuthenticatedRequest


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def unit_inbox_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not user.is_unit_staff:
        raise Http404(_("单位工作台仅供成员单位使用。"))
    tabs = unit_tabs(user)
    keys = [tab.key for tab in tabs]
    tab = request.GET.get("tab") or ""
    if tab not in keys:
        tab = keys[0]
    try:
        due = parse_date(request.GET.get("due_before", "") or "")
    except ValueError:  # well formed but no such day, e.g. 2025-02-30
        due = None
    # Orders whose last day is `due` or earlier: their limit ends at 24:00 of that day at the
    # latest, the instant `due_at_for` gives (a limit ending on `due` has due_at there).
    due_before = due_at_for(due_date=due) if due else None
    try:
        page_number = int(request.GET.get("page", "1"))
    except ValueError:
        page_number = 1
    rows = unit_inbox(
        user=user,
        tab=tab,
        request_type=request.GET.get("type", ""),
        category=request.GET.get("category", "")[:60],
        mine=request.GET.get("mine") == "1",
        handler_id=_int(request.GET.get("handler")),
        due_before=due_before,
    )
    page = window(rows, page=page_number)
    now = clock.now()
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "orders/unit_inbox.html",
        {
            "tabs": tabs,
            "tab": tab,
            "page": page,
            "rows": [(order, countdown(order, now)) for order in page.rows],
            "dashboard": unit_dashboard(user=user, now=now),
            "request_types": RequestType.objects.all(),
            "handlers": unit_handlers(user),
            "categories": Category.objects.filter(is_active=True, parent__isnull=True).order_by(
                "sort_order"
            ),
            "params": request.GET,
            "query": keep.urlencode(),
        },
    )


def _back(number: str) -> HttpResponse:
    return redirect("orders:detail", number=number)


def _refused(
    request: AuthenticatedRequest, number: str, form_name: str, form, status: int = 400
) -> HttpResponse:  # type: ignore[no-untyped-def]
    access = _access_or_404(request, number)
    context = _detail_context(request, access)
    context[form_name] = form
    messages.error(request, _("操作未完成。"))
    return render(request, "orders/order_detail.html", context, status=status)


@login_required
@require_POST
def order_note_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    access = _access_or_404(request, number)
    form = NoteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            order_add_note(
                order=access.order,
                actor=request.user,
                text=data["text"],
                kind=data["kind"],
                method=data["method"],
                contacted_at=data["contacted_at"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录。"))
            return _back(number)
    return _refused(request, number, "note_form", form)


@login_required
@require_POST
def order_assist_reply_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    access = _access_or_404(request, number)
    form = AssistReplyForm(request.POST)
    if form.is_valid():
        try:
            order_submit_assist_reply(
                order=access.order, actor=request.user, text=form.cleaned_data["text"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("协办意见已提交主办单位。"))
            return _back(number)
    return _refused(request, number, "assist_form", form)


@login_required
@require_POST
def order_written_reply_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    access = _access_or_404(request, number)
    form = WrittenReplyForm(request.POST, request.FILES, order=access.order)
    status = 400
    if form.is_valid():
        try:
            order_record_written_reply(
                order=access.order,
                actor=request.user,
                text=form.cleaned_data["text"],
                scans=form.cleaned_data["scans"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            # As for the order's actions: someone else changed the order first.
            status = 409 if isinstance(exc, OrderChanged) else 400
        else:
            messages.success(request, _("书面答复已代录，待审查。"))
            return _back(number)
    return _refused(request, number, "written_form", form, status=status)


@login_required
@require_POST
def urge_acknowledge_view(request: AuthenticatedRequest, number: str, pk: int) -> HttpResponse:
    access = _access_or_404(request, number)
    urge = Urge.objects.filter(order=access.order, pk=pk).first()
    if urge is None:
        raise Http404(_("催办记录不存在。"))
    try:
        urge_acknowledge(urge=urge, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(number)
    messages.success(request, _("已确认%(kind)s。") % {"kind": urge.get_kind_display()})
    return _back(number)
