"""A URLconf for the error-page tests: one page that fails."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), path("api/boom/", boom), path("", include("hotline.urls"))]
handler500 = "hotline.web.errors.error_500"
