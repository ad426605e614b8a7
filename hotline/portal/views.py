"""The resident portal: submit a request, follow it with number + phone (Art. 11, 16).
Public pages, no account; built for a phone screen first, with a large-type mode."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from hotline.catalogue.models import ExclusionReason, RequestType
from hotline.orders.errors import DomainError
from hotline.portal.forms import LookupForm, SubmitForm
from hotline.portal.services import (
    TooManyAttempts,
    client_key,
    portal_find_order,
    portal_public_view,
    portal_submit,
)

LARGE_TYPE_COOKIE = "portal_large"


def _client(request: HttpRequest) -> str:
    return client_key(request.META.get("REMOTE_ADDR", ""))


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context["large_type"] = request.COOKIES.get(LARGE_TYPE_COOKIE) == "1"
    return render(request, template, context, status=status)


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
    form = SubmitForm(request.POST or None)
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
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _render(
                request,
                "portal/submit.html",
                {"form": form},
                status=429 if isinstance(exc, TooManyAttempts) else 400,
            )
        return _render(request, "portal/submitted.html", {"order": order})
    return _render(
        request, "portal/submit.html", {"form": form}, status=400 if form.errors else 200
    )


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
            return _render(request, "portal/lookup.html", {"form": form}, status=429)
        if order is None:
            form.add_error(None, "没有找到与该编号和手机号码对应的工单，请核对后重试。")
            return _render(request, "portal/lookup.html", {"form": form}, status=404)
        return _render(request, "portal/order.html", {"view": portal_public_view(order=order)})
    return _render(
        request, "portal/lookup.html", {"form": form}, status=400 if form.errors else 200
    )


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
