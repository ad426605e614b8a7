"""The operator's intake screen (受理界面): one page for a live call. The caller's history,
possible duplicates, the dispatch proposal and the knowledge base update beside the form as
the operator types (htmx partials), and one POST records the request and its decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline.catalogue.models import Category, EmergencySituation, ExclusionReason, RequestType
from hotline.core.errors import DomainError
from hotline.core.params import id_param
from hotline.core.text import MAX_ADDRESS, MAX_TEXT
from hotline.cti.services import call_link_order
from hotline.orders.forms.intake import IntakeForm
from hotline.orders.proposal import dispatch_propose
from hotline.orders.rules import may_take_calls
from hotline.orders.selectors import orders_from_phone, related_candidates
from hotline.orders.services import order_intake
from hotline.units.models import Place
from hotline.units.selectors import member_units
from hotline.web.http import AuthenticatedRequest


def _require_centre(request: AuthenticatedRequest) -> None:
    if not may_take_calls(request.user):
        raise Http404(_("无权使用受理界面。"))


@login_required
@require_http_methods(["GET", "POST"])
def intake_view(request: AuthenticatedRequest) -> HttpResponse:
    _require_centre(request)
    form = IntakeForm(request.POST or None, user=request.user, initial={"outcome": "dispatch"})
    if request.method == "POST" and form.is_valid():
        try:
            order = order_intake(
                actor=request.user,
                request=form.to_request(),
                decision=form.to_decision(),
                searches=form.to_searches(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            call_link_order(actor=request.user, order=order)  # the call it came from
            messages.success(
                request,
                _("已登记工单 %(number)s:%(status)s。")
                % {"number": order.number, "status": order.get_status_display()},
            )
            return redirect("orders:detail", number=order.number)
    return render(
        request,
        "orders/intake.html",
        {
            "form": form,
            "exclusions": ExclusionReason.objects.all(),
            # The intake script proposes host review for these types (the catalogue says which).
            "review_types": list(
                RequestType.objects.filter(needs_review=True).values_list("pk", flat=True)
            ),
            # Choosing one of these opens the emergency block (Art. 13).
            "emergency_types": list(
                RequestType.objects.filter(is_emergency=True).values_list("pk", flat=True)
            ),
            "categories": _category_groups(),
            # The lines to guide the caller to, by emergency situation (Art. 14(3)).
            "rescue_guide": {s.code: s.rescue_lines for s in EmergencySituation.objects.all()},
        },
        status=400 if form.errors else 200,
    )


def _category_groups() -> list[tuple[str, list[Category]]]:
    groups: dict[str, list[Category]] = {}
    for category in Category.objects.filter(is_active=True, parent__isnull=False).select_related(
        "parent"
    ):
        groups.setdefault(category.parent.name if category.parent else "", []).append(category)
    return list(groups.items())


@login_required
@require_POST
def intake_caller_view(request: AuthenticatedRequest) -> HttpResponse:
    """来电弹屏: the caller's earlier orders and their states. A POST, so that the caller's
    number travels in the body, never in an address that access logs keep."""
    _require_centre(request)
    phone = request.POST.get("caller_phone", "").strip()
    orders = orders_from_phone(user=request.user, phone=phone) if len(phone) >= 7 else []
    return render(request, "orders/_intake_caller.html", {"orders": orders, "phone": phone})


@login_required
@require_POST
def intake_related_view(request: AuthenticatedRequest) -> HttpResponse:
    """Possible duplicates, ranked by place, category and likeness of the words, with the
    same caller as a hint (a POST, as the number and the request's text are in it). Only a
    look-up: over-long text is looked at up to the limits the form enforces."""
    _require_centre(request)
    params = request.POST
    phone = params.get("caller_phone", "").strip()
    candidates = related_candidates(
        user=request.user,
        phone=phone if len(phone) >= 7 else "",
        place_id=id_param(params.get("place")),
        category_id=id_param(params.get("category")),
        content=params.get("content", "")[:MAX_TEXT],
        address=params.get("address", "")[:MAX_ADDRESS],
    )
    return render(request, "orders/_intake_related.html", {"candidates": candidates})


@login_required
@require_GET
def intake_proposal_view(request: AuthenticatedRequest) -> HttpResponse:
    """The dispatch proposal for the chosen category and place, as the lead-unit field."""
    _require_centre(request)
    params = request.GET
    category = (
        Category.objects.filter(pk=id_param(params.get("category")) or 0)
        .select_related("lead_unit")
        .first()
    )
    place = (
        Place.objects.filter(pk=id_param(params.get("place")) or 0).select_related("unit").first()
    )
    proposal = dispatch_propose(
        category=category, place=place, supervision_channel=params.get("supervision_channel", "")
    )
    return render(
        request,
        "orders/_intake_proposal.html",
        {
            "proposal": proposal,
            "units": member_units(),
            "chosen": id_param(params.get("lead_unit")),
        },
    )
