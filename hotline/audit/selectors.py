"""Reading the audit trail."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from hotline import clock
from hotline.accounts.models import User
from hotline.audit.models import AuditEntry

# How long revealed personal data stays shown to the person who revealed it. The reveal is the
# audited POST; the pages that then show the data only read the trail, so a reload writes
# nothing and shows nothing to anyone else.
REVEAL_SHOWN_FOR = timedelta(minutes=10)
PAGE_SIZE = 50


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
class AuditPage:
    rows: list[AuditEntry]
    number: int
    has_previous: bool
    has_next: bool


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0)))


def audit_entries(*, user: User, filters: AuditFilter) -> QuerySet[AuditEntry]:
    """The entries `user` may read that match `filters`, newest first: every entry for an
    auditor (`User.may_read_audit_trail`), none for anyone else."""
    if not user.is_authenticated or not user.may_read_audit_trail:
        return AuditEntry.objects.none()
    qs = AuditEntry.objects.select_related("actor")
    if filters.actor:
        qs = qs.filter(
            Q(actor__username__iexact=filters.actor)
            | Q(actor__display_name__icontains=filters.actor)
        )
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.target:
        qs = qs.filter(target__icontains=filters.target)
    if filters.date_from:
        qs = qs.filter(at__gte=_local_midnight(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_local_midnight(filters.date_to + timedelta(days=1)))
    return qs.order_by("-at", "-pk")


def audit_page(*, user: User, filters: AuditFilter, page: int) -> AuditPage:
    """One page of `audit_entries`, read without counting the whole trail."""
    page = max(1, page)
    start = (page - 1) * PAGE_SIZE
    rows = list(audit_entries(user=user, filters=filters)[start : start + PAGE_SIZE + 1])
    return AuditPage(
        rows=rows[:PAGE_SIZE],
        number=page,
        has_previous=page > 1,
        has_next=len(rows) > PAGE_SIZE,
    )
