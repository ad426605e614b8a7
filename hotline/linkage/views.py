"""The endpoint the 110 desk posts to: POST /api/v1/linkage/110/messages.

A plain Django view, not a ninja endpoint: the signature is over the raw body, which must be
read before anything parses it. Machine-to-machine, authenticated by the HMAC signature, so
exempt from CSRF. Every answer is JSON; bad input is a 4xx, never a 500.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hotline.linkage import protocol
from hotline.linkage.services import linkage_receive


@csrf_exempt
@require_POST
def messages_110(request: HttpRequest) -> HttpResponse:
    answer = linkage_receive(
        peer=request.headers.get(protocol.HEADER_PEER, ""),
        timestamp=request.headers.get(protocol.HEADER_TIMESTAMP, ""),
        signature=request.headers.get(protocol.HEADER_SIGNATURE, ""),
        idempotency_key=request.headers.get(protocol.HEADER_IDEMPOTENCY, ""),
        body=request.body,
    )
    return HttpResponse(answer.content, status=answer.status, content_type="application/json")
