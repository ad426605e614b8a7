"""The call pages: the agent's screen pop (来电弹屏) on the intake screen, the calls, and a
call's recording (Art. 24, each opening audited)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from hotline.core.errors import NotAllowed, NotFound
from hotline.cti.models import Call
from hotline.cti.rules import may_hear_recordings, may_see_calls
from hotline.cti.selectors import call_current_for_agent, call_get_for_user
from hotline.cti.services import recording_open
from hotline.orders.rules import may_take_calls
from hotline.orders.selectors import orders_from_phone
from hotline.web.http import AuthenticatedRequest


@login_required
@require_GET
def screen_pop_view(request: AuthenticatedRequest) -> HttpResponse:
    """The call the agent is in, polled by the intake screen: the number masked, the caller's
    earlier orders found by the number's digest, and a button that puts the number in the
    form (it travels in this response's body, never in an address). Only the agent's own
    call; an empty answer when there is none."""
    if not may_take_calls(request.user):
        raise Http404
    call = call_current_for_agent(user=request.user)
    orders = orders_from_phone(user=request.user, phone=call.phone) if call and call.phone else []
    response = render(request, "cti/_screen_pop.html", {"call": call, "orders": orders})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def calls_view(request: AuthenticatedRequest) -> HttpResponse:
    if not may_see_calls(request.user):
        raise Http404
    calls = Call.objects.select_related("agent", "order").order_by("-started_at")[:100]
    return render(request, "cti/calls.html", {"calls": calls})


@login_required
@require_GET
def call_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        call = call_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "cti/call.html",
        {"call": call, "may_hear": may_hear_recordings(request.user), "events": call.events.all()},
    )


@login_required
@require_POST
def recording_view(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """Play or download a recording: a POST, as each opening writes an audit row."""
    try:
        call = call_get_for_user(user=request.user, pk=pk)
        recording = recording_open(actor=request.user, call=call)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404 from exc
    if recording.path is not None:
        response: HttpResponseBase = FileResponse(
            recording.path.open("rb"), as_attachment=False, filename=recording.path.name
        )
    else:
        response = render(request, "cti/recording.html", {"call": call, "recording": recording})
    response["Cache-Control"] = "no-store"
    return response
