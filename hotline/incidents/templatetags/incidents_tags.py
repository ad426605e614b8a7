from typing import Any

from django import template

from hotline.incidents.selectors import alerts_unacknowledged

register = template.Library()


@register.inclusion_tag("incidents/_banner.html", takes_context=True)
def incident_banner(context: template.Context) -> dict[str, Any]:
    """Unacknowledged major-incident alerts, on every page of the host unit's staff (Art. 17)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    incidents = alerts_unacknowledged(user=user) if user is not None else []
    return {
        "incidents": incidents,
        "csrf_token": context.get("csrf_token"),
        "path": request.get_full_path() if request else "/",
    }
