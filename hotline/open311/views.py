"""Open311 GeoReport v2: discovery and the service list (the dispatch catalogue's leaves),
in JSON and XML. Posting and reading requests belongs to the Open311 work."""

from xml.etree.ElementTree import Element, SubElement, tostring

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from hotline.catalogue.models import Category


def _render(fmt: str, root: str, item: str, rows: list[dict]) -> HttpResponse:
    if fmt == "json":
        return JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})
    if fmt == "xml":
        tree = Element(root)
        for row in rows:
            node = SubElement(tree, item)
            for key, value in row.items():
                SubElement(node, key).text = (
                    ""
                    if value is None
                    else str(value).lower()
                    if isinstance(value, bool)
                    else str(value)
                )
        body = b'<?xml version="1.0" encoding="utf-8"?>' + tostring(
            tree, encoding="utf-8", xml_declaration=False
        )
        return HttpResponse(body, content_type="text/xml; charset=utf-8")
    raise Http404("format must be json or xml")


@require_GET
def services_view(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [
        {
            "service_code": category.code,
            "service_name": category.name,
            "description": category.path_name,
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": category.parent.name if category.parent is not None else "",
        }
        for category in Category.objects.filter(
            is_active=True, parent__isnull=False
        ).select_related("parent")
    ]
    return _render(fmt, "services", "service", rows)


@require_GET
def discovery_view(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    if fmt == "json":
        return JsonResponse(
            {
                "changeset": "2025-01-01T00:00:00Z",
                "contact": "12345",
                "key_service": "",
                "endpoints": [
                    {
                        "specification": "http://wiki.open311.org/GeoReport_v2",
                        "url": base,
                        "type": "production",
                        "formats": ["text/xml", "application/json"],
                    }
                ],
            }
        )
    if fmt == "xml":
        return _render(
            "xml",
            "discovery",
            "endpoint",
            [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "type": "production",
                }
            ],
        )
    raise Http404("format must be json or xml")
