"""The audit trail page (/audit/): the auditor searches and reads it; nobody else sees it,
the administrators included. Reading writes nothing."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hotline.audit.display import entry_details
from hotline.audit.forms import ENTRIES, AuditFilterForm
from hotline.audit.selectors import AuditFilter, audit_page, order_event_page
from hotline.core.params import page_param
from hotline.web.http import AuthenticatedRequest


@login_required
@require_GET
def audit_trail_view(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.may_read_audit_trail:
        raise PermissionDenied(_("审计日志仅供审计员查阅。"))
    form = AuditFilterForm(request.GET)
    form.is_valid()  # a field with a bad value is shown with its error and does not filter
    data = form.cleaned_data
    filters = AuditFilter(
        actor=data.get("actor") or "",
        action=data.get("action") or "",
        target=data.get("target") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )
    kind = data.get("kind") or ENTRIES
    number = page_param(request.GET.get("page"))
    context: dict[str, Any] = {"form": form, "kind": kind}
    if kind == ENTRIES:
        entries = audit_page(user=request.user, filters=filters, page=number)
        context |= {"page": entries, "rows": [(e, entry_details(e)) for e in entries.rows]}
    else:
        events = order_event_page(user=request.user, filters=filters, page=number)
        context |= {"page": events, "events": events.rows}
    keep = request.GET.copy()
    keep.pop("page", None)
    context["query"] = keep.urlencode()
    return render(request, "audit/trail.html", context)
