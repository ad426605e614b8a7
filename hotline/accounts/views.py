"""The code step and the enrolment of the second factor (`accounts.otp`): thin views."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache

from hotline.accounts import otp
from hotline.web.http import AuthenticatedRequest


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_lazy("6位动态口令"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _message(result: otp.Result) -> str:
    if result.outcome is otp.Outcome.MALFORMED:
        return _("请输入手机动态口令应用显示的6位数字。")
    if result.outcome is otp.Outcome.THROTTLED:
        return _("验证码错误次数较多，请 %(seconds)d 秒后再试。") % {"seconds": result.wait_seconds}
    return _("动态口令不正确或已使用过，请输入应用中当前显示的6位数字。")


def _answer(
    request: AuthenticatedRequest, form: CodeForm, result: otp.Result
) -> HttpResponse | None:
    if result.ok:
        return redirect(_next(request))
    if result.outcome is otp.Outcome.LOCKED:
        # The session has ended already (otp._check); django-axes answers with its lock page.
        return redirect(f"{settings.LOGIN_URL}?expired=otp_locked")
    form.add_error("token", _message(result))
    return None


@never_cache
@login_required
def otp_verify_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not user.needs_second_factor or _verified(request):
        return redirect(_next(request))
    if otp.confirmed_device(user) is None:
        return redirect(f"{_enrol_url()}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answer = _answer(
            request, form, otp.otp_verify(request=request, token=form.cleaned_data["token"])
        )
        if answer is not None:
            return answer
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.is_bound else 200,
    )


@never_cache
@login_required
def otp_enrol_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not user.needs_second_factor or _verified(request):
        return redirect(_next(request))
    if otp.confirmed_device(user) is not None:
        return redirect("accounts:otp_verify")
    device = otp.otp_enrol_device(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answer = _answer(
            request, form, otp.otp_enrol_confirm(request=request, token=form.cleaned_data["token"])
        )
        if answer is not None:
            return answer
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "next": _next(request),
            "qr_svg": otp.qr_svg(device),
            "secret": otp.secret_base32(device),
        },
        status=400 if form.is_bound else 200,
    )


def _verified(request: HttpRequest) -> bool:
    """Whether this session passed the code step (set by django_otp's OTPMiddleware)."""
    return bool(getattr(request.user, "otp_device", None))


def _enrol_url() -> str:
    from django.urls import reverse

    return reverse("accounts:otp_enrol")
