"""The resident portal (Art. 11: the hotline takes requests on the web as on the phone).

A resident submits a request without an account and follows it with the order number and
the phone number given; nobody learns anything about another person's order. Failed look-ups
and submissions are counted per client so that guessing and flooding are slowed down without
locking anyone else out.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline import clock
from hotline.catalogue.models import Category, RequestType
from hotline.core.errors import DomainError
from hotline.orders.attachments import check_uploads
from hotline.orders.models import Channel, Order, Status
from hotline.orders.services import attachments_add, order_create
from hotline.portal.models import PortalAttempt
from hotline.privacy.crypto import keyed_digest
from hotline.privacy.personal import phone_digest
from hotline.units.models import Place

LOOKUP_FAILURES_ALLOWED = 5
LOOKUP_WINDOW = timedelta(minutes=15)
SUBMISSIONS_ALLOWED = 10
SUBMIT_WINDOW = timedelta(hours=1)
# Request types a resident may choose on the web; emergencies belong on the phone (110).
WEB_REQUEST_TYPES = ("consult", "complaint", "report", "suggestion", "help", "praise")


class TooManyAttempts(DomainError):
    code = "rate_limited"


def client_key(address: str) -> str:
    return keyed_digest(address or "unknown", purpose="portal-client")


def _recent(client: str, kind: str, window: timedelta) -> int:
    return PortalAttempt.objects.filter(
        client=client, kind=kind, at__gte=clock.now() - window
    ).count()


@transaction.atomic
def portal_submit(
    *,
    client: str,
    request_type: RequestType,
    content: str,
    caller_phone: str,
    caller_name: str = "",
    category: Category | None = None,
    place: Place | None = None,
    address: str = "",
    is_confidential: bool = False,
    attachments: Sequence[UploadedFile] = (),
) -> Order:
    """Record a web request as an order (channel web) for the operating centre to handle,
    with the caller's photos or documents (checked before anything is saved)."""
    if _recent(client, PortalAttempt.Kind.SUBMIT, SUBMIT_WINDOW) >= SUBMISSIONS_ALLOWED:
        raise TooManyAttempts(_("提交过于频繁，请稍后再试；如情况紧急请直接拨打12345。"))
    check_uploads(attachments)
    if request_type.code not in WEB_REQUEST_TYPES:
        raise DomainError(_("紧急求助请直接拨打110、119、120或12345。"), code="invalid_input")
    order = order_create(
        actor=None,
        channel=Channel.WEB,
        request_type=request_type,
        content=content,
        caller_name=caller_name,
        caller_phone=caller_phone,
        category=category,
        place=place,
        address=address,
        is_confidential=is_confidential,
    )
    attachments_add(order=order, actor=None, uploads=attachments)
    PortalAttempt.objects.create(client=client, kind=PortalAttempt.Kind.SUBMIT, at=clock.now())
    return order


def portal_find_order(*, client: str, number: str, phone: str) -> Order | None:
    """The order with this number whose caller gave this phone, or None. After too many
    failures from one client in a short time, refuses to look (TooManyAttempts)."""
    if _recent(client, PortalAttempt.Kind.LOOKUP_FAILED, LOOKUP_WINDOW) >= LOOKUP_FAILURES_ALLOWED:
        raise TooManyAttempts(_("查询失败次数过多，请 15 分钟后再试。"))
    digest = phone_digest(phone)
    order = None
    if digest and number:
        order = (
            Order.objects.select_related("request_type", "lead_unit", "merged_into")
            .filter(number=number.strip().upper(), caller_phone_digest=digest)
            .first()
        )
    if order is None:
        PortalAttempt.objects.create(
            client=client, kind=PortalAttempt.Kind.LOOKUP_FAILED, at=clock.now()
        )
    return order


@dataclass(frozen=True)
class PublicView:
    """What a resident sees of their own order."""

    order: Order
    stage: str
    reply: str
    answered: bool


_STAGES = {
    Status.RECEIVED: gettext_lazy("已受理，正在处理"),
    Status.PENDING_REVIEW: gettext_lazy("已受理，正在审核"),
    Status.PENDING_DISPATCH: gettext_lazy("已受理，正在转办"),
    Status.DISPATCHED: gettext_lazy("已转承办单位"),
    Status.IN_PROGRESS: gettext_lazy("承办单位办理中"),
    Status.RETURN_REVIEW: gettext_lazy("承办单位办理中"),
    Status.REPLY_APPROVAL: gettext_lazy("承办单位办理中"),
    Status.REPLY_CHECK: gettext_lazy("办理结果审核中"),
    Status.CALLBACK: gettext_lazy("已答复，欢迎评价"),
    Status.UNSATISFIED: gettext_lazy("复核中"),
    Status.CLOSED: gettext_lazy("已办结"),
    Status.MERGED: gettext_lazy("已与相同诉求合并办理"),
}


def portal_public_view(*, order: Order) -> PublicView:
    """The resident's view: a plain stage, and the reply once the operating centre has
    accepted it (a merged request shows the result of the order it was merged into)."""
    source = order.merged_into if order.status == Status.MERGED and order.merged_into else order
    reply = order.result_text()
    if order.exclusion_id:
        reply = (
            _("不予受理：%(reason)s") % {"reason": order.exclusion.name}
            if order.exclusion
            else reply
        )
    return PublicView(
        order=order, stage=str(_STAGES[Status(source.status)]), reply=reply, answered=bool(reply)
    )
