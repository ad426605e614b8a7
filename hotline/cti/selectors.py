"""Reading calls: the agent's current call (screen pop), one call for a user, and the inputs
of the statistics."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Q

from hotline import clock
from hotline.accounts.models import User
from hotline.core.errors import NotFound
from hotline.cti.models import Call, Direction
from hotline.cti.rules import may_see_calls
from hotline.orders.models import Order

# A call answered longer ago than this whose hangup never came is not "current" any more.
CURRENT_CALL_MAX = timedelta(hours=2)
# The service level of the statistics: answered within this many seconds of ringing.
ANSWER_TARGET_SECONDS = 15


def call_current_for_agent(*, user: User) -> Call | None:
    """The call `user` has answered and not yet hung up (the latest, when several): only the
    agent themself ever gets their call."""
    if not user.is_authenticated:
        return None
    return (
        Call.objects.filter(
            agent=user,
            answered=True,
            ended_at__isnull=True,
            answered_at__gte=clock.now() - CURRENT_CALL_MAX,
        )
        .order_by("-answered_at")
        .first()
    )


def call_get_for_user(*, user: User, pk: int) -> Call:
    """One call for the call pages; NotFound for those who may not see calls."""
    call = (
        Call.objects.select_related("agent", "order").filter(pk=pk).first()
        if may_see_calls(user)
        else None
    )
    if call is None:
        raise NotFound("没有这个通话。")
    return call


@dataclass(frozen=True)
class CallStats:
    received: int
    answered: int
    answered_in_target: int
    average_wait_seconds: float | None  # of the answered calls
    average_talk_seconds: float | None  # of the answered calls that have ended

    @property
    def connect_rate(self) -> float | None:
        """接通率: answered / received (None without calls)."""
        return self.answered / self.received if self.received else None


def call_stats(*, start: datetime, end: datetime) -> CallStats:
    """Incoming calls that began in [start, end): received, answered, answered within
    `ANSWER_TARGET_SECONDS`, and the average waiting and talk times (the statistics' inputs)."""
    row = Call.objects.filter(
        direction=Direction.IN, started_at__gte=start, started_at__lt=end
    ).aggregate(
        n_received=Count("pk"),
        n_answered=Count("pk", filter=Q(answered=True)),
        in_target=Count("pk", filter=Q(answered=True, wait_seconds__lte=ANSWER_TARGET_SECONDS)),
        wait=Avg("wait_seconds", filter=Q(answered=True)),
        talk=Avg("talk_seconds", filter=Q(answered=True)),
    )
    return CallStats(
        received=row["n_received"],
        answered=row["n_answered"],
        answered_in_target=row["in_target"],
        average_wait_seconds=row["wait"],
        average_talk_seconds=row["talk"],
    )


def calls_of_order(*, user: User, order: Order) -> list[Call]:
    """The calls an order was taken in, for those who may see calls (numbers masked; the
    recording is opened on the call's own page, audited)."""
    if not may_see_calls(user):
        return []
    return list(Call.objects.filter(order=order).order_by("started_at"))
