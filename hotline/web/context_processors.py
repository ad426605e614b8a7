from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict:
    return {"HOTLINE_NAME": settings.HOTLINE_NAME}
