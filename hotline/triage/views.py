"""The intake screen's suggestion panel and the host unit's acceptance page (issue 14)."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline import clock
from hotline.catalogue.models import (
    Category,
    EmergencySituation,
    ExclusionReason,
    MajorIncidentKind,
    RequestType,
)
from hotline.core.params import id_param
from hotline.core.text import MAX_TEXT
from hotline.triage import access, selectors
from hotline.triage.services import triage_suggest
from hotline.units.models import Place, Unit
from hotline.web.http import AuthenticatedRequest

PERIODS = {"7": 7, "30": 30, "90": 90, "365": 365}


@login_required
@require_POST
def suggest_view(request: AuthenticatedRequest) -> HttpResponse:
    """What the request's text suggests, refreshed as the operator types (a POST: the text
    may hold personal data). The operator takes a suggestion with one click, or not."""
    if not access.may_suggest(request.user):
        raise PermissionDenied(_("无权使用受理界面。"))
    text = request.POST.get("content", "")[:MAX_TEXT].strip()
    if len(text) < 4:
        return render(request, "triage/_suggest.html", {"suggestion": None})
    place = Place.objects.filter(pk=id_param(request.POST.get("place")) or 0).first()
    s = triage_suggest(text=text, place=place.name if place else None)
    units = {u.code: u for u in Unit.objects.filter(code__in=s.units)}
    emergency = s.emergency or {}
    return render(
        request,
        "triage/_suggest.html",
        {
            "suggestion": s,
            "request_type": RequestType.objects.filter(pk=s.type).first(),
            "exclusion": ExclusionReason.objects.filter(pk=s.exclusion or "").first(),
            "situation": EmergencySituation.objects.filter(
                pk=emergency.get("situation") or ""
            ).first(),
            "lines": emergency.get("lines", []),
            "incident": MajorIncidentKind.objects.filter(pk=s.major_incident or "").first(),
            "category": Category.objects.filter(code=s.category or "", is_active=True).first(),
            "units": [units[code] for code in s.units[:3] if code in units],
        },
    )


@login_required
@require_GET
def acceptance_view(request: AuthenticatedRequest) -> HttpResponse:
    """How often suggestions were taken, per decision, and the retraining runs."""
    if not access.may_read_acceptance(request.user):
        raise PermissionDenied(_("无权查看智能分拨采纳情况。"))
    period = request.GET.get("days", "30")
    if period not in PERIODS:
        period = "30"
    until = clock.now()
    since = until - timedelta(days=PERIODS[period])
    return render(
        request,
        "triage/acceptance.html",
        {
            "rows": selectors.acceptance(since=since, until=until),
            "trainings": selectors.trainings(),
            "period": period,
            "periods": PERIODS,
        },
    )
