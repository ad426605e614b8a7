"""Reading the audit trail."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Generic, TypeVar

from django.db.models import Q, QuerySet
from django.utils import timezone

from hotline import clock
from hotline.accounts.models import User
from hotline.audit.chain import GENESIS, entry_digest
from hotline.audit.models import AuditEntry
from hotline.orders.models import OrderEvent

# How long revealed personal data stays shown to the person who revealed it. The reveal is the
# audited POST; the pages that then show the data only read the trail, so a reload writes
# nothing and shows nothing to anyone else.
REVEAL_SHOWN_FOR = timedelta(minutes=10)
PAGE_SIZE = 50
Row = TypeVar("Row", AuditEntry, OrderEvent)


def revealed_recently(*, actor: User, target: str, now: datetime | None = None) -> bool:
    """Whether `actor` revealed the personal data of `target` (an order number, a survey
    target) within `REVEAL_SHOWN_FOR`."""
    return AuditEntry.objects.filter(
        at__gte=(now or clock.now()) - REVEAL_SHOWN_FOR,
        actor=actor,
        action=AuditEntry.Action.REVEAL_PERSONAL_DATA,
        target=target,
    ).exists()


@dataclass(frozen=True)
class AuditFilter:
    """What the auditor searches by; empty values do not filter. `actor` is a user name or
    part of a display name, `target` part of the object (an order number, account:<name>)."""

    actor: str = ""
    action: str = ""
    target: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditPage(Generic[Row]):
    rows: list[Row]
    number: int
    has_previous: bool
    has_next: bool


def _page(rows: QuerySet[Row], page: int) -> AuditPage[Row]:
    """One page of `rows`, read without counting them all."""
    page = max(1, page)
    start = (page - 1) * PAGE_SIZE
    found = list(rows[start : start + PAGE_SIZE + 1])
    return AuditPage(
        rows=found[:PAGE_SIZE], number=page, has_previous=page > 1, has_next=len(found) > PAGE_SIZE
    )


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0)))


def _filtered(qs: QuerySet[Row], filters: AuditFilter, *, target: str) -> QuerySet[Row]:
    """`qs` narrowed by the auditor's search, newest first; `target` is the field the
    object's text is searched in."""
    if filters.actor:
        qs = qs.filter(
            Q(actor__username__iexact=filters.actor)
            | Q(actor__display_name__icontains=filters.actor)
        )
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.target:
        qs = qs.filter(**{f"{target}__icontains": filters.target})
    if filters.date_from:
        qs = qs.filter(at__gte=_local_midnight(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_local_midnight(filters.date_to + timedelta(days=1)))
    return qs.order_by("-at", "-pk")


def audit_entries(*, user: User, filters: AuditFilter) -> QuerySet[AuditEntry]:
    """The entries `user` may read that match `filters`, newest first: every entry for an
    auditor (`User.may_read_audit_trail`), none for anyone else."""
    if not user.is_authenticated or not user.may_read_audit_trail:
        return AuditEntry.objects.none()
    return _filtered(AuditEntry.objects.select_related("actor"), filters, target="target")


def order_events(*, user: User, filters: AuditFilter) -> QuerySet[OrderEvent]:
    """Every transition and handling record of every order (the orders' own append-only
    trail, `orders.OrderEvent`) matching `filters`, for the auditor only: who did what to which
    order, when, from which state to which (等保 level 3, 安全审计: every transition is
    auditable). `target` is part of an order number."""
    if not user.is_authenticated or not user.may_read_audit_trail:
        return OrderEvent.objects.none()
    events = OrderEvent.objects.select_related("actor", "actor_unit", "order")
    return _filtered(events, filters, target="order__number")


def audit_page(*, user: User, filters: AuditFilter, page: int) -> AuditPage[AuditEntry]:
    """One page of `audit_entries`."""
    return _page(audit_entries(user=user, filters=filters), page)


def order_event_page(*, user: User, filters: AuditFilter, page: int) -> AuditPage[OrderEvent]:
    """One page of `order_events`."""
    return _page(order_events(user=user, filters=filters), page)


@dataclass(frozen=True)
class ChainFault:
    """The first entry where the chain breaks, and how."""

    seq: int
    entry_id: int
    message: str


@dataclass(frozen=True)
class ChainReport:
    entries: int
    last_seq: int
    last_hash: str
    fault: ChainFault | None


def chain_verify() -> ChainReport:
    """Walk the audit trail in `seq` order and stop at the first entry that was edited (its
    hash does not match its content), follows a removed entry (a gap in `seq`) or does not
    name its predecessor's hash (an entry inserted or removed before it). Reads only."""
    expected_seq, expected_prev, count = 1, GENESIS, 0
    rows = AuditEntry.objects.order_by("seq").values_list(
        "id", "seq", "at", "actor_id", "action", "target", "reason", "detail", "prev_hash", "hash"
    )
    for (
        entry_id,
        seq,
        at,
        actor_id,
        action,
        target,
        reason,
        detail,
        prev_hash,
        hash_,
    ) in rows.iterator(chunk_size=2000):
        fault = None
        if seq != expected_seq:
            fault = (
                f"第 {seq} 条审计记录（#{entry_id}）之前缺少第 {expected_seq}–{seq - 1} 条："
                "记录已被删除"
            )
        elif prev_hash != expected_prev:
            fault = (
                f"第 {seq} 条审计记录（#{entry_id}）记载的前一条哈希与第 {seq - 1} 条不符："
                "其前有记录被插入、删除或替换"
            )
        elif hash_ != entry_digest(
            seq=seq,
            at=at,
            actor_id=actor_id,
            action=action,
            target=target,
            reason=reason,
            detail=detail,
            prev_hash=prev_hash,
        ):
            fault = f"第 {seq} 条审计记录（#{entry_id}）的内容与其哈希不符：记录已被修改"
        if fault is not None:
            return ChainReport(
                count, expected_seq - 1, expected_prev, ChainFault(seq, entry_id, fault)
            )
        count += 1
        expected_seq, expected_prev = seq + 1, hash_
    return ChainReport(count, expected_seq - 1, expected_prev, None)
