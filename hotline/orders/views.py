"""Staff pages for orders: list, detail with history, recording, and one POST per action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.accounts.roles import CENTRE_ROLES, Role
from hotline.catalogue.models import RequestType
from hotline.orders import services
from hotline.orders.attachments import attachments_add, may_attach
from hotline.orders.errors import DomainError, OrderChanged, OrderNotFound
from hotline.orders.forms import ACTION_FORMS, AttachmentForm, CorrectForm, RevealForm
from hotline.orders.models import UNIT_STATES, Action, Order, Status
from hotline.orders.permissions import statuses_visible_to
from hotline.orders.search import search_bound
from hotline.orders.selectors import OrderFilter, order_get_for_user, order_history
from hotline.orders.worklists import ALL, WORKLISTS, window, worklist_orders, worklists_for
from hotline.web.http import AuthenticatedRequest


def _access_or_404(request: AuthenticatedRequest, number: str):  # type: ignore[no-untyped-def]
    try:
        return order_get_for_user(user=request.user, number=number)
    except OrderNotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def order_list_view(request: AuthenticatedRequest) -> HttpResponse:
    params = request.GET
    lists = worklists_for(request.user)
    current = WORKLISTS.get(params.get("list", ""), ALL)
    if current not in lists:
        current = lists[0]
    filters = OrderFilter(
        status=params.get("status", "") if params.get("status", "") in Status.values else "",
        request_type=params.get("type", ""),
        unit=params.get("unit", ""),
        q=params.get("q", "")[:60],
        overdue=params.get("overdue") == "1",
        due_soon=params.get("due_soon") == "1",
        open_only=params.get("open") == "1",
    )
    sort = params.get("sort", "")
    try:
        page_number = int(params.get("page", "1"))
    except ValueError:
        page_number = 1
    page = window(
        worklist_orders(user=request.user, worklist=current, filters=filters, sort=sort),
        page=page_number,
    )
    keep = params.copy()
    keep.pop("page", None)
    sort_keep = keep.copy()
    sort_keep.pop("sort", None)
    return render(
        request,
        "orders/order_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": statuses_visible_to(request.user),
            "request_types": RequestType.objects.all(),
            "worklists": lists,
            "current": current,
            "sort": sort or current.default_sort,
            "search_bound": search_bound(filters.q),
            "query": keep.urlencode(),
            "sort_query": sort_keep.urlencode(),
        },
    )


def _detail_context(request: AuthenticatedRequest, access, forms=None) -> dict:  # type: ignore[no-untyped-def]
    order = access.order
    bound = forms or {}
    action_forms = [
        bound.get(action) or ACTION_FORMS[action](order=order, user=request.user)
        for action in ACTION_FORMS
        if action in access.actions
    ]
    return {
        "order": order,
        "history": order_history(order=order),
        "assignments": order.assignments.select_related("unit").order_by(
            "-is_active", "role", "assigned_at"
        ),
        "replies": order.replies.select_related("unit", "author").order_by("created_at"),
        "action_forms": action_forms,
        "reveal_form": RevealForm(),
        "attachments": order.attachments.all(),
        "answered_from": _answered_from(order),
        **_handling_context(request, order, bound),
        "attachment_form": AttachmentForm() if may_attach(request.user, order) else None,
        "correct_form": CorrectForm(order=order) if request.user.has_role(Role.REVIEWER) else None,
        "may_reveal": request.user.has_role(
            *CENTRE_ROLES, Role.REVIEWER, Role.HANDLER, Role.MANAGER
        ),
    }


def _handling_context(request: AuthenticatedRequest, order: Order, bound: dict) -> dict:
    """The handling panel: notes and contact records, urges to acknowledge, the assisting
    unit's part and the written reply, each offered only to whoever may use it."""
    from hotline.orders.forms import AssistReplyForm, NoteForm, WrittenReplyForm
    from hotline.orders.handling import NOTE_STATES, _active_role

    user = request.user
    role = _active_role(user, order)
    centre = user.has_role(*CENTRE_ROLES)
    return {
        "notes": order.notes.select_related("author", "unit"),
        "urges": order.urges.select_related("by", "acknowledged_by", "unit"),
        "may_ack_unit": user.unit_id if user.is_unit_staff else None,
        "note_form": (
            NoteForm()
            if order.status in NOTE_STATES and (role or centre or user.has_role(Role.REVIEWER))
            else None
        ),
        "assist_form": AssistReplyForm()
        if role == "assist" and order.status in UNIT_STATES
        else None,
        "written_form": (
            WrittenReplyForm(order=order)
            if centre
            and order.status in (Status.DISPATCHED, Status.IN_PROGRESS, Status.REPLY_APPROVAL)
            else None
        ),
    }


def _answered_from(order: Order) -> dict | None:
    """The knowledge entry an order was answered from (直接答复 records which one)."""
    event = order.events.filter(action=Action.ANSWER).order_by("-at").first()
    ref = (event.data or {}).get("knowledge", "") if event else ""
    if not ref.startswith("KB-") or not ref[3:].isdigit():
        return {"ref": ref} if ref else None
    return {"ref": ref, "url": reverse("knowledge:detail", args=[int(ref[3:])])}


@login_required
def order_detail_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    access = _access_or_404(request, number)
    return render(request, "orders/order_detail.html", _detail_context(request, access))


@login_required
@require_POST
def order_action_view(request: AuthenticatedRequest, number: str, action: str) -> HttpResponse:
    access = _access_or_404(request, number)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404(_("未知操作。"))
    form = form_class(request.POST, order=access.order, user=request.user)
    status = 400
    if form.is_valid():
        try:
            form.perform()
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = 409 if isinstance(exc, OrderChanged) else 400
        else:
            messages.success(request, _("已完成：%(action)s。") % {"action": form.label})
            return redirect("orders:detail", number=number)
    # Show the page again with what was typed and why it was refused; nothing was changed.
    # The reason also goes in the page's messages: the form may no longer be offered (the
    # order moved on), and the user must still read why.
    access = _access_or_404(request, number)
    reasons = "；".join(str(error) for error in form.non_field_errors())
    messages.error(
        request,
        _("操作未完成：%(action)s。%(reasons)s") % {"action": form.label, "reasons": reasons},
    )
    return render(
        request,
        "orders/order_detail.html",
        _detail_context(request, access, {action: form}),
        status=status,
    )


@login_required
@require_POST
def order_reveal_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    access = _access_or_404(request, number)
    form = RevealForm(request.POST)
    context = _detail_context(request, access)
    if form.is_valid():
        try:
            name, phone = services.order_reveal_caller(
                order=access.order, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return render(request, "orders/order_detail.html", context, status=403)
        context["revealed"] = {"name": name, "phone": phone}
    else:
        context["reveal_form"] = form
    return render(request, "orders/order_detail.html", context)


@login_required
@require_POST
def order_attach_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    access = _access_or_404(request, number)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            saved = attachments_add(
                order=access.order,
                actor=request.user,
                uploads=form.cleaned_data["uploads"],
                kind=form.cleaned_data["kind"],
            )
        except DomainError as exc:
            form.add_error("uploads", exc.message)
        else:
            messages.success(request, _("已上传 %(n)d 个附件。") % {"n": len(saved)})
            return redirect("orders:detail", number=number)
    context = _detail_context(request, access)
    context["attachment_form"] = form
    messages.error(request, _("附件未上传。"))
    return render(request, "orders/order_detail.html", context, status=400)


@login_required
def order_attachment_view(request: AuthenticatedRequest, number: str, pk: int) -> FileResponse:
    """Serve an attachment to someone who may see the order; never from a public URL."""
    access = _access_or_404(request, number)
    attachment = access.order.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404(_("附件不存在。"))
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def order_correct_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    """The host unit corrects an order (also an archived one); every change is in the history."""
    access = _access_or_404(request, number)
    if not request.user.has_role(Role.REVIEWER):
        raise Http404(_("只有热线主办单位可以更正工单。"))
    form = CorrectForm(request.POST, order=access.order)
    if form.is_valid():
        try:
            services.order_correct(
                order=access.order,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                **form.changes(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已更正。"))
            return redirect("orders:detail", number=number)
    context = _detail_context(request, access)
    context["correct_form"] = form
    messages.error(request, _("更正未完成。"))
    return render(request, "orders/order_detail.html", context, status=400)
