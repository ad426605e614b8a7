"""The unit's inbox with working-day countdowns, and its dashboard (/orders/unit/)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from hotline import clock
from hotline.calendar.services import due_at_for
from hotline.catalogue.models import Category, RequestType
from hotline.core.params import date_param, id_param, page_param
from hotline.orders.unit_workbench import (
    countdown,
    unit_dashboard,
    unit_handlers,
    unit_inbox,
    unit_tabs,
)
from hotline.orders.worklists import window
from hotline.web.http import AuthenticatedRequest


@login_required
def unit_inbox_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not user.is_unit_staff:
        raise Http404(_("单位工作台仅供成员单位使用。"))
    tabs = unit_tabs(user)
    keys = [tab.key for tab in tabs]
    tab = request.GET.get("tab") or ""
    if tab not in keys:
        tab = keys[0]
    due = date_param(request.GET.get("due_before"))
    # Orders whose last day is `due` or earlier: their limit ends at 24:00 of that day at the
    # latest, the instant `due_at_for` gives (a limit ending on `due` has due_at there).
    due_before = due_at_for(due_date=due) if due else None
    rows = unit_inbox(
        user=user,
        tab=tab,
        request_type=request.GET.get("type", ""),
        category=request.GET.get("category", "")[:60],
        mine=request.GET.get("mine") == "1",
        handler_id=id_param(request.GET.get("handler")),
        due_before=due_before,
    )
    page = window(rows, page=page_param(request.GET.get("page")))
    now = clock.now()
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "orders/unit_inbox.html",
        {
            "tabs": tabs,
            "tab": tab,
            "page": page,
            "rows": [(order, countdown(order, now)) for order in page.rows],
            "dashboard": unit_dashboard(user=user, now=now),
            "request_types": RequestType.objects.all(),
            "handlers": unit_handlers(user),
            "categories": Category.objects.filter(is_active=True, parent__isnull=True).order_by(
                "sort_order"
            ),
            "params": request.GET,
            "query": keep.urlencode(),
        },
    )
