from typing import Any

from django import template

from hotline.incidents.selectors import alerts_unacknowledged

register = template.Library()

BANNER_ITEMS = 3


@register.inclusion_tag("incidents/_banner.html", takes_context=True)
def incident_banner(context: template.Context) -> dict[str, Any]:
    """Unacknowledged major-incident alerts, on every page of the host unit's staff (Art. 17)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    incidents = alerts_unacknowledged(user=user) if user is not None else []
    # The newest first, a few of them: the banner must not push the page out of sight.
    shown = sorted(incidents, key=lambda i: (i.opened_at, i.pk), reverse=True)[:BANNER_ITEMS]
    return {
        "incidents": incidents,
        "shown": shown,
        "more": len(incidents) - len(shown),
        "csrf_token": context.get("csrf_token"),
        "path": request.get_full_path() if request else "/",
    }
