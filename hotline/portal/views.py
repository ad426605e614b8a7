"""The resident portal: submit a request, follow it with number + phone (Art. 11, 16).
Public pages, no account; built for a phone screen first, with a large-type mode."""

from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from hotline.catalogue.models import ExclusionReason, RequestType
from hotline.core.errors import DomainError
from hotline.orders.models import Order, Status
from hotline.orders.services import order_rate_by_caller
from hotline.portal.display import LARGE_TYPE_COOKIE, large_type
from hotline.portal.forms import LookupForm, RateForm, SubmitForm
from hotline.portal.links import order_from_token
from hotline.portal.services import (
    TooManyAttempts,
    client_key,
    portal_find_order,
    portal_public_view,
    portal_submit,
)

SESSION_ORDERS = "portal_orders"


def _remember(request: HttpRequest, order: Order) -> None:
    """The caller proved the order is theirs (number and phone, the signed SMS link, or by
    submitting it): this session may read and rate it."""
    request.session[SESSION_ORDERS] = sorted({*request.session.get(SESSION_ORDERS, []), order.pk})


def _remembered(request: HttpRequest, number: str) -> Order:
    order = Order.objects.filter(
        number=number, pk__in=request.session.get(SESSION_ORDERS, [])
    ).first()
    if order is None:
        raise Http404(_("请先用工单编号和手机号码查询工单。"))
    return order


def _client(request: HttpRequest) -> str:
    return client_key(request.META.get("REMOTE_ADDR", ""))


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context["large_type"] = large_type(request)
    return render(request, template, context, status=status)


def _refused(request: HttpRequest, template: str, form: Form, exc: TooManyAttempts) -> HttpResponse:
    """429 with the form, its message saying when to try again, and Retry-After."""
    response = _render(request, template, {"form": form}, status=429)
    response["Retry-After"] = str(exc.retry_after())
    return response


def portal_home_view(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        "portal/home.html",
        {
            "request_types": RequestType.objects.all(),
            "exclusions": ExclusionReason.objects.all(),
            "lookup": LookupForm(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def portal_submit_view(request: HttpRequest) -> HttpResponse:
    form = SubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = portal_submit(
                client=_client(request),
                request_type=data["request_type"],
                content=data["content"],
                caller_phone=data["caller_phone"],
                caller_name=data["caller_name"],
                place=data["place"],
                address=data["address"],
                is_confidential=data["is_confidential"],
                attachments=data["attachments"],
            )
        except TooManyAttempts as exc:
            form.add_error(None, exc.message)
            return _refused(request, "portal/submit.html", form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _render(request, "portal/submit.html", {"form": form}, status=400)
        _remember(request, order)
        return redirect("portal:submitted", number=order.number)
    return _render(
        request, "portal/submit.html", {"form": form}, status=400 if form.errors else 200
    )


@never_cache
def portal_submitted_view(request: HttpRequest, number: str) -> HttpResponse:
    """The receipt after a submission (a reload shows it again and submits nothing)."""
    return _render(request, "portal/submitted.html", {"order": _remembered(request, number)})


@never_cache
@require_http_methods(["GET", "POST"])
def portal_lookup_view(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = portal_find_order(
                client=_client(request),
                number=form.cleaned_data["number"],
                phone=form.cleaned_data["phone"],
            )
        except TooManyAttempts as exc:
            form.add_error(None, exc.message)
            return _refused(request, "portal/lookup.html", form, exc)
        if order is None:
            form.add_error(None, _("没有找到与该编号和手机号码对应的工单，请核对后重试。"))
            return _render(request, "portal/lookup.html", {"form": form}, status=404)
        _remember(request, order)
        return redirect("portal:order", number=order.number)
    return _render(
        request, "portal/lookup.html", {"form": form}, status=400 if form.errors else 200
    )


def _order_page(
    request: HttpRequest, order: Order, rate_form: RateForm | None = None, status: int = 200
) -> HttpResponse:
    can_rate = order.status == Status.CALLBACK
    return _render(
        request,
        "portal/order.html",
        {
            "view": portal_public_view(order=order),
            "rate_form": rate_form or (RateForm() if can_rate else None),
        },
        status=status,
    )


@never_cache
@require_POST
def portal_rate_view(request: HttpRequest, number: str) -> HttpResponse:
    """The caller rates the reply (Art. 16); only for an order found by number and phone in
    this session."""
    order = _remembered(request, number)
    form = RateForm(request.POST)
    if not form.is_valid():
        return _order_page(request, order, form, status=400)
    try:
        order = order_rate_by_caller(
            order=order,
            satisfaction=form.cleaned_data["satisfaction"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        order.refresh_from_db()
        return _order_page(request, order, form, status=409)
    return redirect("portal:rated", number=order.number)


@never_cache
def portal_order_view(request: HttpRequest, number: str) -> HttpResponse:
    """The caller's order: its progress, the reply once accepted, and the rating form."""
    return _order_page(request, _remembered(request, number))


@never_cache
def portal_rated_view(request: HttpRequest, number: str) -> HttpResponse:
    order = _remembered(request, number)
    if not order.satisfaction:
        return redirect("portal:order", number=number)
    return _render(request, "portal/rated.html", {"order": order})


@never_cache
def portal_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the feedback SMS: opens the caller's order and lets them rate it."""
    order = order_from_token(token)
    if order is None:
        raise Http404(_("链接无效或已过期，请用工单编号和手机号码查询。"))
    _remember(request, order)
    return redirect("portal:order", number=order.number)


@require_POST
def portal_display_view(request: HttpRequest) -> HttpResponse:
    """Switch the large-type, high-contrast mode (适老化) on or off; works without script."""
    target = request.POST.get("next") or "/portal/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/portal/"
    response = HttpResponseRedirect(target)
    if request.POST.get("large") == "1":
        response.set_cookie(LARGE_TYPE_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(LARGE_TYPE_COOKIE)
    return response
