"""The order page's handling panels that change no state: notes and contact records, the
assisting unit's part, written replies, acknowledging urges. One POST each, then a redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.core.errors import DomainError
from hotline.orders import services
from hotline.orders.forms.handling import AssistReplyForm, NoteForm, WrittenReplyForm
from hotline.orders.models import Action, Urge
from hotline.orders.views.detail import access_or_404, refused, status_of
from hotline.web.http import AuthenticatedRequest


def _back(number: str) -> HttpResponse:
    return redirect("orders:detail", number=number)


@login_required
@require_POST
def order_note_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    access = access_or_404(request, number, action=Action.NOTE)
    form = NoteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.order_add_note(
                order=access.order,
                actor=request.user,
                text=data["text"],
                kind=data["kind"],
                method=data["method"],
                contacted_at=data["contacted_at"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录。"))
            return _back(number)
    return refused(request, number, "note", form, label=_("办理记录"))


@login_required
@require_POST
def order_assist_reply_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    access = access_or_404(request, number, action=Action.ASSIST_REPLY)
    form = AssistReplyForm(request.POST)
    if form.is_valid():
        try:
            services.order_submit_assist_reply(
                order=access.order, actor=request.user, text=form.cleaned_data["text"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("协办意见已提交主办单位。"))
            return _back(number)
    return refused(request, number, "assist", form, label=_("协办意见"))


@login_required
@require_POST
def order_written_reply_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    access = access_or_404(request, number, action=Action.WRITTEN_REPLY)
    form = WrittenReplyForm(request.POST, request.FILES, order=access.order)
    status = 400
    if form.is_valid():
        try:
            services.order_record_written_reply(
                order=access.order,
                actor=request.user,
                text=form.cleaned_data["text"],
                scans=form.cleaned_data["scans"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = status_of(exc)
        else:
            messages.success(request, _("书面答复已代录，待审查。"))
            return _back(number)
    return refused(request, number, "written", form, label=_("代录书面答复"), status=status)


@login_required
@require_POST
def urge_acknowledge_view(request: AuthenticatedRequest, number: str, pk: int) -> HttpResponse:
    access = access_or_404(request, number, action=Action.URGE_ACK)
    urge = Urge.objects.filter(order=access.order, pk=pk).first()
    if urge is None:
        raise Http404(_("催办记录不存在。"))
    try:
        services.urge_acknowledge(urge=urge, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(number)
    messages.success(request, _("已确认%(kind)s。") % {"kind": urge.get_kind_display()})
    return _back(number)
