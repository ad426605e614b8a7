"""Middleware of the sign-in (issue 13):

- `SessionLimitsMiddleware` ends a session idle too long or older than its absolute limit
  (`accounts.sessions`) and sends the person to sign in again;
- `SecondFactorMiddleware` sends a person holding a second-factor role whose session is not yet
  verified with a TOTP code to the code step (or to enrolment), from every page but the sign-in,
  sign-out and code pages and static files (`accounts.otp`);
- `PasswordChangeRequiredMiddleware`: someone signed in with a password an administrator set
  chooses their own before anything else (`User.password_change_required`)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from hotline.accounts import sessions

Handler = Callable[[HttpRequest], HttpResponse]


def _static(path: str) -> bool:
    return path.startswith(settings.STATIC_URL or "/static/")


def _sign_in_paths() -> tuple[str, ...]:
    return (
        reverse("login"),
        reverse("logout"),
        reverse("admin:login"),
        reverse("admin:logout"),
        reverse("accounts:otp_verify"),
        reverse("accounts:otp_enrol"),
    )


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


class SessionLimitsMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _static(request.path):
            reason = sessions.session_check(request)
            if reason is not None:
                sessions.session_expire(request=request, reason=reason)
                if _is_api(request.path):
                    return JsonResponse({"code": "session_expired"}, status=401)
                query = {"expired": reason}
                if request.headers.get("HX-Request"):
                    # A fragment's request: the whole page goes to the sign-in (htmx).
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = f"{settings.LOGIN_URL}?{urlencode(query)}"
                    return response
                if request.method == "GET":
                    query["next"] = request.get_full_path()
                return redirect(f"{settings.LOGIN_URL}?{urlencode(query)}")
        return self.get_response(request)


class SecondFactorMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "needs_second_factor", False)
            and not user.is_verified()
            and not _static(request.path)
            and request.path not in _sign_in_paths()
        ):
            if _is_api(request.path):
                return JsonResponse({"code": "second_factor_required"}, status=401)
            if request.headers.get("HX-Request"):
                return HttpResponse(status=401)  # a fragment: nothing swapped into the page
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse("accounts:otp_verify") + (f"?{query}" if query else ""))
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if getattr(user, "password_change_required", False) and not self._exempt(request.path):
            return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        return path == reverse("password_change") or path in _sign_in_paths() or _static(path)
