"""The resident portal (Art. 11: the hotline takes requests on the web as on the phone).

A resident submits a request without an account and follows it with the order number and
the phone number given; nobody learns anything about another person's order.

Guessing is slowed down by counters of failed look-ups, each taken atomically before the
guess is checked (`PortalCounter`): per address and order number (a caller's own typos,
strict), per order number from anywhere (guessing one order's phone from many addresses),
per phone from anywhere (looking for a known phone's orders), and per address (a scan of
many numbers; generous, since many residents may share one address behind a proxy). A caller
whose number and phone are right is refused only when their own number, phone or pair has
failed too often, or when their address as a whole has. Submissions are counted per address.
"""

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline import clock
from hotline.catalogue.models import Category, RequestType
from hotline.core.errors import DomainError
from hotline.core.limits import counter_take
from hotline.orders.attachments import check_uploads
from hotline.orders.models import Channel, Order, Status
from hotline.orders.services import attachments_add, order_create
from hotline.portal.models import PortalCounter
from hotline.privacy.crypto import keyed_digest
from hotline.privacy.personal import phone_digest, phone_digests
from hotline.units.models import Place

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most `allowed` attempts of `scope` per key in `window` (from the first one)."""

    scope: str
    allowed: int
    window: timedelta


LOOKUP_WINDOW = timedelta(minutes=15)
# Failed look-ups allowed in 15 minutes, by what they are counted on.
LOOKUP_PAIR = Limit("lookup_pair", 5, LOOKUP_WINDOW)  # one address, one number
LOOKUP_NUMBER = Limit("lookup_number", 10, LOOKUP_WINDOW)  # one number, any address
LOOKUP_PHONE = Limit("lookup_phone", 10, LOOKUP_WINDOW)  # one phone, any address
LOOKUP_ADDRESS = Limit(
    "lookup_address", settings.HOTLINE_PORTAL_LOOKUPS_PER_ADDRESS, LOOKUP_WINDOW
)  # one address, any number
LOOKUP_FAILURES_ALLOWED = LOOKUP_PAIR.allowed
SUBMIT = Limit("submit", settings.HOTLINE_PORTAL_SUBMISSIONS_PER_HOUR, timedelta(hours=1))
SUBMISSIONS_ALLOWED = SUBMIT.allowed
LIMITS = (LOOKUP_PAIR, LOOKUP_NUMBER, LOOKUP_PHONE, LOOKUP_ADDRESS, SUBMIT)
# Request types a resident may choose on the web; emergencies belong on the phone (110).
WEB_REQUEST_TYPES = ("consult", "complaint", "report", "suggestion", "help", "praise")


class TooManyAttempts(DomainError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at

    def retry_after(self, now: datetime | None = None) -> int:
        """Seconds until a new attempt may be made (for the Retry-After header)."""
        return max(1, math.ceil((self.retry_at - (now or clock.now())).total_seconds()))


def client_key(address: str) -> str:
    return keyed_digest(address or "unknown", purpose="portal-client")


def _key(scope: str, *parts: str) -> str:
    """The counter's key: an HMAC, so that no address, number or phone is stored."""
    return keyed_digest("\x00".join(parts), purpose=f"portal-limit:{scope}")


def _take(limit: Limit, key: str, now: datetime) -> datetime | None:
    """Count one attempt on `key`, or say when one may be made again (nothing counted)."""
    return counter_take(
        PortalCounter,
        key={"scope": limit.scope, "key": key},
        allowed=limit.allowed,
        window=limit.window,
        now=now,
    )


def _give_back(limit: Limit, key: str) -> None:
    PortalCounter.objects.filter(scope=limit.scope, key=key, count__gt=0).update(
        count=F("count") - 1
    )


def _wait_message(what: str, retry_at: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((retry_at - now).total_seconds() / 60))
    return _(
        "%(what)s，为保护市民信息，请 %(minutes)d 分钟后（%(at)s 以后）再试；如有急事请拨打 12345。"
    ) % {
        "what": what,
        "minutes": minutes,
        "at": timezone.localtime(retry_at).strftime("%H:%M"),
    }


def portal_limits_purge(*, now: datetime | None = None) -> int:
    """Delete counters whose window has long ended (run by `hotline tick`)."""
    now = now or clock.now()
    longest = max(limit.window for limit in LIMITS)
    deleted, _rows = PortalCounter.objects.filter(started_at__lt=now - longest).delete()
    return deleted


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
    with the caller's photos or documents (checked before anything is saved). At most
    `SUBMIT.allowed` submissions per client an hour, counted atomically; a submission that
    fails changes nothing, its count included."""
    now = clock.now()
    retry_at = _take(SUBMIT, client, now)
    if retry_at is not None:
        log.warning("portal submissions limit reached for a client")
        raise TooManyAttempts(_wait_message(_("提交过于频繁"), retry_at, now), retry_at=retry_at)
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
    return order


_REFUSED = {
    LOOKUP_PAIR.scope: gettext_lazy("该工单编号查询失败次数过多"),
    LOOKUP_NUMBER.scope: gettext_lazy("该工单编号查询失败次数过多"),
    LOOKUP_PHONE.scope: gettext_lazy("该手机号码查询失败次数过多"),
    LOOKUP_ADDRESS.scope: gettext_lazy("您所在网络的查询失败次数过多"),
}


@transaction.atomic
def portal_find_order(*, client: str, number: str, phone: str) -> Order | None:
    """The order with this number whose caller gave this phone, or None.

    Before looking, one attempt is counted on each of the pair (client, number), the number,
    the phone and the client; when any of them has reached its limit, nothing is counted or
    looked up and TooManyAttempts says when to try again. A look-up that finds the order gives
    its counts back, so only failures add up. Phones are counted by an HMAC only."""
    now = clock.now()
    number = number.strip().upper()
    digest = phone_digest(phone)
    counters = [
        (LOOKUP_PAIR, _key(LOOKUP_PAIR.scope, client, number)),
        (LOOKUP_NUMBER, _key(LOOKUP_NUMBER.scope, number)),
        *([(LOOKUP_PHONE, _key(LOOKUP_PHONE.scope, digest))] if digest else []),
        (LOOKUP_ADDRESS, _key(LOOKUP_ADDRESS.scope, client)),
    ]
    for limit, key in counters:
        retry_at = _take(limit, key, now)
        if retry_at is not None:
            # Raising rolls back the counts already taken for this attempt.
            log.warning("portal look-up limit reached (%s)", limit.scope)
            raise TooManyAttempts(
                _wait_message(str(_REFUSED[limit.scope]), retry_at, now), retry_at=retry_at
            )
    order = None
    if digest and number:
        order = (
            Order.objects.select_related("request_type", "lead_unit", "merged_into")
            .filter(number=number, caller_phone_digest__in=phone_digests(phone))
            .first()
        )
    if order is not None:
        for limit, key in counters:
            _give_back(limit, key)
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
