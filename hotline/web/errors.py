"""The error pages: in Chinese, with the site's navigation (the staff pages' or the residents'),
and JSON for the API. A 500 page reads nothing from the database: it must show even when the
database is what failed."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RESIDENT_PATHS = ("/portal/", "/surveys/r/")
API_PATHS = ("/api/",)

TITLES = {
    403: gettext_lazy("无权访问"),
    404: gettext_lazy("页面不存在"),
    429: gettext_lazy("暂时无法登录"),
    500: gettext_lazy("系统出错"),
}


def _reason(exception: Exception | None, status: int) -> str:
    """Our views raise with a sentence for people (e.g. 工单不存在或无权查看。); Django's own
    messages (English, or the resolver's details) are not shown."""
    message = exception.args[0] if exception is not None and exception.args else ""
    if isinstance(message, str) and any("\u4e00" <= ch <= "\u9fff" for ch in message):
        return message
    return {
        403: _("您没有权限执行此操作。"),
        404: _("您要找的页面或工单不存在，或您无权查看。"),
    }.get(status, "")


def _page(request: HttpRequest, status: int, exception: Exception | None) -> HttpResponse:
    reason = _reason(exception, status)
    if request.path.startswith(API_PATHS):
        code = {403: "not_allowed", 404: "not_found"}.get(status, "error")
        return JsonResponse({"code": code, "message": reason or str(TITLES[status])}, status=status)
    template = (
        "web/error_resident.html" if request.path.startswith(RESIDENT_PATHS) else "web/error.html"
    )
    context = {"status": status, "title": TITLES[status], "reason": reason}
    return render(request, template, context, status=status)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, exception)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form was sent without a valid security token (an old page, or from elsewhere)."""
    return _page(request, 403, PermissionError(_("页面已过期或来源不明，请刷新页面后重新提交。")))


def login_locked(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """Too many failed passwords (django-axes' lockout answer, for /login/ and /admin/login/):
    our page, in Chinese, saying how long the pause lasts and who can lift it."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, "web/login_locked.html", {"minutes": minutes, "title": TITLES[429]}, status=429
    )


def error_500(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PATHS):
        return JsonResponse({"code": "server_error", "message": str(TITLES[500])}, status=500)
    return HttpResponse(render_to_string("web/error_500.html"), status=500)
