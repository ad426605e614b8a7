"""Whether the linkage to 110 is usable, for the start-up of the web processes and for
`hotline check --deploy` (linkage.E001-E003).

A production installation must not serve without a linkage it can use: an emergency would
wait silently. The web processes (`hotline.wsgi`, `hotline.asgi`) refuse to start with an
ImproperlyConfigured naming what is missing; other commands (migrate, shell, makemigrations)
still run, so an installation can be prepared before the 110 desk is connected. The demo
(HOTLINE_DEMO) and the tests run without a 110 desk: their messages stay queued and the order
page says so. A malformed URL is refused everywhere.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from hotline.linkage.config import peer_110

HINT = "见 docs/linkage.md：HOTLINE_LINKAGE_110_URL、HOTLINE_LINKAGE_110_SECRET(_FILE)"


def _url_error() -> Error | None:
    url = peer_110().url
    if url and urlsplit(url).scheme not in ("http", "https"):
        return Error("HOTLINE_LINKAGE_110_URL 须为 http(s):// 地址", hint=HINT, id="linkage.E003")
    return None


def linkage_errors() -> list[Error]:
    """What keeps a production installation from reaching 110 (none in the demo and tests)."""
    errors = [error for error in [_url_error()] if error is not None]
    if settings.HOTLINE_DEMO or settings.HOTLINE_TESTING:
        return errors
    peer = peer_110()
    if not peer.secret:
        errors.append(Error("未配置110联动共享密钥", hint=HINT, id="linkage.E001"))
    if not peer.url:
        errors.append(Error("未配置110联动接口地址", hint=HINT, id="linkage.E002"))
    return errors


def linkage_require() -> None:
    """Called by the web processes at start-up."""
    errors = linkage_errors()
    if errors:
        raise ImproperlyConfigured("; ".join(f"{e.id} {e.msg}" for e in errors) + f" ({HINT})")


@register()
def linkage_url_check(app_configs=None, **kwargs) -> list[Error]:
    error = _url_error()
    return [error] if error is not None else []


@register(deploy=True)
def linkage_deploy_check(app_configs=None, **kwargs) -> list[Error]:
    return linkage_errors()
