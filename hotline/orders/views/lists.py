"""The worklists and the list of all orders (/orders/?list=…)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hotline.catalogue.models import RequestType
from hotline.core.params import page_param
from hotline.orders.models import Status
from hotline.orders.rules import may_take_calls, statuses_visible_to
from hotline.orders.search import search_bound
from hotline.orders.selectors import OrderFilter
from hotline.orders.worklists import (
    ALL,
    WORKLISTS,
    orders_alarming,
    window,
    worklist_orders,
    worklists_for,
)
from hotline.web.http import AuthenticatedRequest


@login_required
def order_list_view(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.is_admin_only:
        # 等保 三员: the administrators configure the system and read no orders.
        raise PermissionDenied(_("系统管理员和安全管理员不查看工单。"))
    params = request.GET
    lists = worklists_for(request.user)
    current = WORKLISTS.get(params.get("list", ""), ALL)
    if current not in lists:
        current = lists[0]
    filters = OrderFilter(
        status=params.get("status", "") if params.get("status", "") in Status.values else "",
        request_type=params.get("type", ""),
        unit=params.get("unit", ""),
        q=params.get("q", "")[:60],
        overdue=params.get("overdue") == "1",
        due_soon=params.get("due_soon") == "1",
        open_only=params.get("open") == "1",
    )
    sort = params.get("sort", "")
    page = window(
        worklist_orders(user=request.user, worklist=current, filters=filters, sort=sort),
        page=page_param(params.get("page")),
    )
    keep = params.copy()
    keep.pop("page", None)
    sort_keep = keep.copy()
    sort_keep.pop("sort", None)
    return render(
        request,
        "orders/order_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": statuses_visible_to(request.user),
            "request_types": RequestType.objects.all(),
            "worklists": lists,
            "current": current,
            "sort": sort or current.default_sort,
            "search_bound": search_bound(filters.q),
            "query": keep.urlencode(),
            "sort_query": sort_keep.urlencode(),
        },
    )


@login_required
@require_GET
def order_alarms_view(request: AuthenticatedRequest) -> HttpResponse:
    """The alarm strip every page of the operating centre polls: emergencies and 110 transfers
    nobody has dispatched in time (Art. 13). Empty for everyone else."""
    alarming = orders_alarming(user=request.user) if may_take_calls(request.user) else []
    return render(
        request,
        "orders/_alarms.html",
        {"alarming": alarming, "minutes": settings.HOTLINE_EMERGENCY_ALARM_MINUTES},
    )
