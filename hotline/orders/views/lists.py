"""The worklists and the list of all orders (/orders/?list=…)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from hotline.catalogue.models import RequestType
from hotline.core.params import page_param
from hotline.orders.models import Status
from hotline.orders.rules import statuses_visible_to
from hotline.orders.search import search_bound
from hotline.orders.selectors import OrderFilter
from hotline.orders.worklists import ALL, WORKLISTS, window, worklist_orders, worklists_for
from hotline.web.http import AuthenticatedRequest


@login_required
def order_list_view(request: AuthenticatedRequest) -> HttpResponse:
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
