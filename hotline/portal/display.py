"""The residents' pages' display preference: large type and high contrast, kept in a cookie
so that it works without script, on the portal and on the survey pages alike."""

from django.http import HttpRequest

LARGE_TYPE_COOKIE = "portal_large"


def large_type(request: HttpRequest) -> bool:
    return request.COOKIES.get(LARGE_TYPE_COOKIE) == "1"
