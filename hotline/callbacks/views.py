"""The callback queue, one callback screen per order, and the missed-call list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hotline.callbacks.forms import MissedCallForm, NotReachedForm, ReachedForm, ReturnedForm
from hotline.callbacks.models import CallbackTask, MissedCall
from hotline.callbacks.services import (
    callback_not_reached,
    callback_queue,
    callback_reached,
    missed_call_record,
    missed_call_returned,
)
from hotline.core.errors import DomainError, NotFound
from hotline.orders.models import Order
from hotline.orders.rules import may_take_calls, orders_visible_to
from hotline.orders.selectors import caller_revealed, order_get_for_user
from hotline.orders.services import order_reveal_caller
from hotline.privacy.personal import phone_digests
from hotline.web.http import AuthenticatedRequest


def _require_centre(request: AuthenticatedRequest) -> None:
    if not may_take_calls(request.user):
        raise Http404(_("回访由热线运营中心进行。"))


@login_required
def queue_view(request: AuthenticatedRequest) -> HttpResponse:
    _require_centre(request)
    return render(request, "callbacks/queue.html", {"tasks": callback_queue(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def callback_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    """One order's callback. The operator reveals the caller's number (a POST, audited) to
    call them; the page then shows it without writing anything on a reload."""
    _require_centre(request)
    try:
        order = order_get_for_user(user=request.user, number=number).order
    except NotFound as exc:
        raise Http404(exc.message) from exc
    reached, missed = ReachedForm(), NotReachedForm()
    status = 200
    if request.method == "POST":
        try:
            if "reveal" in request.POST:
                order_reveal_caller(order=order, actor=request.user, reason=_("满意度回访"))
                return redirect("callbacks:callback", number=number)
            if "reached" in request.POST:
                reached = ReachedForm(request.POST)
                if reached.is_valid():
                    callback_reached(order=order, actor=request.user, **reached.cleaned_data)
                    messages.success(request, _("已记录回访结果。"))
                    return redirect("callbacks:queue")
            else:
                missed = NotReachedForm(request.POST)
                if missed.is_valid():
                    task = callback_not_reached(
                        order=order, actor=request.user, note=missed.cleaned_data["note"]
                    )
                    messages.success(
                        request, _("已记录未接通（第 %(n)d 次）。") % {"n": task.attempts}
                    )
                    return redirect("callbacks:queue")
        except DomainError as exc:
            (reached if "reached" in request.POST else missed).add_error(None, exc.message)
            messages.error(request, exc.message)
        status = 400
    revealed = caller_revealed(user=request.user, order=order)
    history = (
        orders_visible_to(request.user, Order.objects.select_related("request_type"))
        .filter(caller_phone_digest__in=phone_digests(order.caller_phone))
        .exclude(pk=order.pk)
        .order_by("-created_at")[:10]
        if order.caller_phone_digest
        else []
    )
    return render(
        request,
        "callbacks/callback.html",
        {
            "order": order,
            "task": CallbackTask.objects.filter(order=order).first(),
            "caller": (
                {"name": order.caller_name, "phone": order.caller_phone} if revealed else None
            ),
            "result": order.result_text(),
            "history": history,
            "reached_form": reached,
            "missed_form": missed,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def missed_calls_view(request: AuthenticatedRequest) -> HttpResponse:
    _require_centre(request)
    form = MissedCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            missed_call_record(
                phone=form.cleaned_data["phone"],
                called_at=form.cleaned_data["called_at"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记未接来电。"))
            return redirect("callbacks:missed")
    calls = MissedCall.objects.filter(returned_at__isnull=True).order_by("called_at")[:200]
    done = (
        MissedCall.objects.filter(returned_at__isnull=False)
        .select_related("returned_by")
        .order_by("-returned_at")[:20]
    )
    return render(
        request,
        "callbacks/missed.html",
        {"form": form, "calls": calls, "done": done, "returned_form": ReturnedForm()},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def missed_call_returned_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_centre(request)
    call = MissedCall.objects.filter(pk=pk).first()
    if call is None:
        raise Http404(_("未接来电不存在。"))
    form = ReturnedForm(request.POST)
    if form.is_valid():
        try:
            missed_call_returned(call=call, actor=request.user, result=form.cleaned_data["result"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已记录回拨。"))
    else:
        messages.error(request, _("请填写回拨结果。"))
    return redirect("callbacks:missed")
