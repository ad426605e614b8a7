"""Someone signed in with a password an administrator set chooses their own before anything
else (`User.password_change_required`)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if getattr(user, "password_change_required", False) and not self._exempt(request.path):
            return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        return path in (reverse("password_change"), reverse("logout")) or path.startswith(
            settings.STATIC_URL or "/static/"
        )
