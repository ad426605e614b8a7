"""The resident portal's landing page. Submitting and following requests on the web is built
by the citizen-portal work (issue: operator workbench, knowledge base and citizen portal)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hotline.catalogue.models import ExclusionReason, RequestType


def portal_home_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {"request_types": RequestType.objects.all(), "exclusions": ExclusionReason.objects.all()},
    )
