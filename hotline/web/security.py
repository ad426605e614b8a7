"""Response headers that keep personal data out of caches (issue 13, web hardening).

Any page or partial of this site may show a caller's revealed name or phone, an order's
content, or a resident's own order on the portal, so the rule is the simplest sound one: no
response made by a view is stored by a browser or a proxy (`Cache-Control: no-store`, and
`Pragma: no-cache` for HTTP/1.0 caches). Static files never reach this middleware (WhiteNoise
answers them first) and stay cacheable. PIPL Art. 51 (security measures for personal
information); GB/T 22239-2019 8.1.4.8 (residual information protection)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # A view that already forbids storing keeps its header; any weaker one is replaced: no
        # view here serves public data worth the risk of a shared cache keeping someone's page.
        if "no-store" not in response.get("Cache-Control", ""):
            if "Cache-Control" in response:
                del response["Cache-Control"]
            add_never_cache_headers(
                response
            )  # max-age=0, no-cache, no-store, must-revalidate, private
        response["Pragma"] = "no-cache"
        return response
