"""The order page: the order, its history and the actions the rules table offers the user,
one POST per action, each followed by a redirect back to the page."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline.core.errors import Conflict, DomainError, NotFound
from hotline.cti.selectors import calls_of_order
from hotline.incidents.selectors import incident_of_order
from hotline.linkage.selectors import order_linkage_messages
from hotline.orders import services
from hotline.orders.forms.actions import ACTION_FORMS
from hotline.orders.forms.handling import (
    AssistReplyForm,
    AttachmentForm,
    CorrectForm,
    NoteForm,
    RevealForm,
    WrittenReplyForm,
)
from hotline.orders.models import Action, Order
from hotline.orders.personal_text import order_texts_clear
from hotline.orders.rules import can_see, denied_message, role_allows
from hotline.orders.selectors import (
    OrderAccess,
    caller_revealed,
    order_connections,
    order_get_for_user,
    order_history,
)
from hotline.web.http import AuthenticatedRequest


def access_or_404(
    request: AuthenticatedRequest, number: str, *, action: str | None = None
) -> OrderAccess:
    """The order if the user may see it (else 404: its existence is not told); with `action`,
    refused with 403 before any form is read when the user's role may never take it on this
    order (docs/access-matrix.md) — a wrong state or an incomplete form is told on the page."""
    try:
        access = order_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if action is not None and not role_allows(request.user, access.order, action):
        raise PermissionDenied(denied_message(action))
    return access


def detail_context(
    request: AuthenticatedRequest, access: OrderAccess, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    """What the order page shows. Every panel and form is offered only for an action the
    rules table allows the user now (`access.actions`); `bound` holds a refused form to show
    again with what was typed."""
    order, allowed, user = access.order, access.actions, request.user
    bound = bound or {}
    action_forms = [
        bound.get(action) or ACTION_FORMS[action](order=order, user=user)
        for action in ACTION_FORMS
        if action in allowed
    ]
    may_reveal = Action.REVEAL in allowed
    revealed = None
    replies = list(order.replies.select_related("unit", "author").order_by("created_at"))
    notes = list(order.notes.select_related("author", "unit"))
    if may_reveal and caller_revealed(user=user, order=order):
        # The same audited reveal shows the texts as written, numbers and all (issue 13).
        clear = order_texts_clear(order)
        revealed = {"name": order.caller_name, "phone": order.caller_phone, "texts": clear}
        for reply in replies:
            reply.text = clear.replies.get(reply.pk, reply.text)
        for note in notes:
            note.text = clear.notes.get(note.pk, note.text)
    return {
        "order": order,
        "history": order_history(order=order),
        **_linkage(order),
        "connections": order_connections(user=user, order=order),
        "incident": incident_of_order(user=user, order=order),
        "calls": calls_of_order(user=user, order=order),
        "assignments": order.assignments.select_related("unit").order_by(
            "-is_active", "role", "assigned_at"
        ),
        "replies": replies,
        "action_forms": action_forms,
        "may_reveal": may_reveal,
        "revealed": revealed,
        "reveal_form": bound.get("reveal") or RevealForm(),
        "attachments": order.attachments.all(),
        "answered_from": _answered_from(order),
        "notes": notes,
        "urges": order.urges.select_related("by", "acknowledged_by", "unit"),
        "may_ack_unit": user.unit_id if Action.URGE_ACK in allowed else None,
        "note_form": _offered(bound, "note", NoteForm, Action.NOTE in allowed),
        "assist_form": _offered(bound, "assist", AssistReplyForm, Action.ASSIST_REPLY in allowed),
        "written_form": (
            bound.get("written") or WrittenReplyForm(order=order)
            if Action.WRITTEN_REPLY in allowed
            else None
        ),
        "attachment_form": _offered(bound, "attachment", AttachmentForm, Action.ATTACH in allowed),
        "correct_form": (
            bound.get("correct") or CorrectForm(order=order) if Action.CORRECT in allowed else None
        ),
    }


def _linkage(order: Order) -> dict[str, Any]:
    linkage_messages = list(order_linkage_messages(order=order))
    return {
        "linkage_messages": linkage_messages,
        "linkage_pending": any(m.is_pending for m in linkage_messages),
    }


@login_required
@require_GET
def order_linkage_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    """The order page's 110 panel alone, which the page polls while a message is on its way:
    queued, sent, acknowledged with the 110 case number, or failed."""
    order = access_or_404(request, number).order
    return render(request, "linkage/_order_messages.html", {"order": order, **_linkage(order)})


def _offered(
    bound: dict[str, forms.Form], name: str, form_class: type[forms.Form], allowed: bool
) -> forms.Form | None:
    return (bound.get(name) or form_class()) if allowed else None


def _answered_from(order: Order) -> dict[str, str] | None:
    """The knowledge entry an order was answered from (直接答复 records which one)."""
    event = order.events.filter(action=Action.ANSWER).order_by("-at").first()
    ref = (event.data or {}).get("knowledge", "") if event else ""
    if not ref.startswith("KB-") or not ref[3:].isdigit():
        return {"ref": ref} if ref else None
    return {"ref": ref, "url": reverse("knowledge:detail", args=[int(ref[3:])])}


def refused(
    request: AuthenticatedRequest,
    number: str,
    name: str,
    form: forms.Form,
    *,
    label: str,
    status: int = 400,
) -> HttpResponse:
    """The order page again with the refused form and why; nothing was changed. The reason
    also goes in the page's messages: the form may no longer be offered (the order moved on),
    and the user must still read why."""
    reasons = "；".join(str(error) for error in form.non_field_errors())
    messages.error(
        request, _("操作未完成：%(action)s。%(reasons)s") % {"action": label, "reasons": reasons}
    )
    context = detail_context(request, access_or_404(request, number), {name: form})
    return render(request, "orders/order_detail.html", context, status=status)


def status_of(exc: DomainError) -> int:
    """A refused form answers 409 when someone else changed the order first, else 400."""
    return 409 if isinstance(exc, Conflict) else 400


@login_required
def order_detail_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    """The order page. A confidential order's text is opened here, and each page view is
    written to the audit trail (Art. 23); an htmx refresh of part of the page is not."""
    access = access_or_404(request, number)
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")
    if not partial:
        services.order_view_confidential(order=access.order, viewer=request.user, via="page")
    return render(request, "orders/order_detail.html", detail_context(request, access))


@login_required
@require_POST
def order_action_view(request: AuthenticatedRequest, number: str, action: str) -> HttpResponse:
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404(_("未知操作。"))
    access = access_or_404(request, number, action=action)
    form = form_class(request.POST, order=access.order, user=request.user)
    status = 400
    if form.is_valid():
        try:
            order = form.perform()
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = status_of(exc)
        else:
            messages.success(request, _("已完成：%(action)s。") % {"action": form.label})
            if not can_see(request.user, order):
                # E.g. a lead who named a confidential order's tracker no longer sees it.
                messages.info(
                    request, _("工单 %(number)s 已不在您的查看范围内。") % {"number": number}
                )
                return redirect("orders:list")
            return redirect("orders:detail", number=number)
    return refused(request, number, action, form, label=form.label, status=status)


@login_required
@require_POST
def order_reveal_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    """Reveal the caller (audited), then show the page again by a redirect: a reload shows
    the number without a second reveal."""
    access = access_or_404(request, number, action=Action.REVEAL)
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            services.order_reveal_caller(
                order=access.order, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return refused(
                request, number, "reveal", form, label=_("查看联系方式"), status=exc.http_status
            )
        return redirect("orders:detail", number=number)
    return refused(request, number, "reveal", form, label=_("查看联系方式"))


@login_required
@require_POST
def order_attach_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    access = access_or_404(request, number, action=Action.ATTACH)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            saved = services.attachments_add(
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
    return refused(request, number, "attachment", form, label=_("上传附件"))


@login_required
def order_attachment_view(request: AuthenticatedRequest, number: str, pk: int) -> FileResponse:
    """Serve an attachment to someone who may see the order; never from a public URL."""
    access = access_or_404(request, number)
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
    access = access_or_404(request, number, action=Action.CORRECT)
    form = CorrectForm(request.POST, order=access.order)
    status = 400
    if form.is_valid():
        try:
            services.order_correct(
                order=access.order,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = status_of(exc)
        else:
            messages.success(request, _("已更正。"))
            return redirect("orders:detail", number=number)
    return refused(request, number, "correct", form, label=_("更正"), status=status)
