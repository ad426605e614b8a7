"""The counts every figure is made of, per local day (Art. 19).

Each count is additive — a number of orders, calls or seconds — so a period's count is the sum
of its days', and every rate is formed only at the end (`figures.py`). A count belongs to the
local (jurisdiction time zone) day of its source:

- of an order: the day it was received (`created_at`), whatever happened to it later — so a
  day's counts change while its orders are handled, and are counted again (`refresh_days`);
- of a call: the day it began; of a missed call: the day it rang;
- of a piece of an operator's work (a callback, a reply check): the day it was done.

Dimensions split a count: by request type, channel, category, place, hour, current lead unit,
exclusion reason, supervision channel, and (operator, hour) for the operating centre. The unit
counts that follow an order through re-dispatch (dispatched to, returned by, signed by, urged)
are taken from the assignments, the history and the urges rather than the current lead unit.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from hotline import clock
from hotline.calendar.services import deadline_compute
from hotline.callbacks.models import CallbackAttempt, MissedCall
from hotline.cti.models import Call, Direction
from hotline.cti.selectors import ANSWER_TARGET_SECONDS
from hotline.incidents.models import Incident
from hotline.orders.models import (
    UNIT_STATES,
    Action,
    Assignment,
    CloseReason,
    ExtensionStatus,
    Order,
    OrderEvent,
    Satisfaction,
    Status,
    Urge,
)
from hotline.stats.models import CountedDay, DailyCount, Watermark

# One stored count: (day, counter, dimension, key) → value.
Key = tuple[str, str, str]  # counter, dimension, key


def zone() -> tzinfo:
    return timezone.get_default_timezone()


def day_start(day: date) -> datetime:
    """The first instant of a local day."""
    return datetime.combine(day, time.min, tzinfo=zone())


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, zone()).date()


def days_of(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def order_counters(now: datetime) -> dict[str, Q]:
    """The counts over orders, each the orders that satisfy its condition."""
    return {
        "received": Q(),
        "not_accepted": Q(close_reason=CloseReason.NOT_ACCEPTED),
        "pending_acceptance": Q(status__in=[Status.RECEIVED, Status.PENDING_REVIEW]),
        "answered_at_once": Q(close_reason=CloseReason.ANSWERED),
        "answered_from_kb": Q(close_reason=CloseReason.ANSWERED, from_kb=True),
        "merged": Q(merged_into__isnull=False),
        "emergency": Q(emergency_situation__isnull=False) | Q(request_type__is_emergency=True),
        "from_110": Q(channel="linkage_110"),
        "major_incident": Q(major_incident__isnull=False),
        "dispatched": Q(dispatched_at__isnull=False),
        # Replied: the unit's reply passed its own approval and the order left the unit. An
        # order back with a unit (a reply sent back for redoing, a reopening) is being handled
        # again: not replied, and overdue once its limit passes.
        "replied": Q(replied_at__isnull=False) & ~Q(status__in=UNIT_STATES),
        "replied_on_time": Q(replied_at__isnull=False, replied_at__lte=F("due_at"))
        & ~Q(status__in=UNIT_STATES),
        "replied_late": Q(replied_at__gt=F("due_at")) & ~Q(status__in=UNIT_STATES),
        "overdue_open": Q(status__in=UNIT_STATES, due_at__lte=now),
        "extended": Q(extension_status=ExtensionStatus.APPROVED),
        "returned": Q(return_count__gt=0),
        "reopened": Q(reopen_count__gt=0),
        "urged": Q(urge_count__gt=0),
        "supervised": Q(is_supervised=True),
        "rated": ~Q(satisfaction=""),
        "satisfied": Q(satisfaction=Satisfaction.SATISFIED),
        "basically_satisfied": Q(satisfaction=Satisfaction.BASICALLY),
        "unsatisfied": Q(satisfaction=Satisfaction.UNSATISFIED),
        "closed": Q(status=Status.CLOSED),
    }


# The dimensions of the order counts: name → the expression of its key.
ORDER_DIMENSIONS = {
    "": None,
    "type": F("request_type_id"),
    "channel": F("channel"),
    "category": F("category_id"),
    "place": F("place_id"),
    "unit": F("lead_unit_id"),
    "exclusion": F("exclusion_id"),
    "supervision": F("supervision_channel"),
}
# Counted for the operating centre by (operator, hour): the work an operator registered.
OPERATOR_ORDER_COUNTERS = ("received", "not_accepted", "answered_at_once", "answered_from_kb")


@dataclass
class Counts:
    """Counts of a period: the totals per (counter, dimension, key), and the daily series of
    the undivided counts."""

    totals: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    daily: dict[tuple[date, str], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, day: date, counter: str, dimension: str, key: str, value: int) -> None:
        if not value:
            return
        self.totals[(counter, dimension, key)] += value
        if dimension == "":
            self.daily[(day, counter)] += value

    def total(self, counter: str) -> int:
        return self.totals.get((counter, "", ""), 0)

    def by(self, counter: str, dimension: str) -> dict[str, int]:
        return {
            key: value
            for (name, dim, key), value in self.totals.items()
            if name == counter and dim == dimension
        }

    def series(self, counter: str, days: Iterable[date]) -> list[tuple[date, int]]:
        return [(day, self.daily.get((day, counter), 0)) for day in days]

    def merge(self, other: "Counts") -> None:
        for total_key, value in other.totals.items():
            self.totals[total_key] += value
        for daily_key, value in other.daily.items():
            self.daily[daily_key] += value


@dataclass(frozen=True)
class Scope:
    """What is counted: everything, or what concerns one unit (its orders, its calls none)."""

    unit_id: int | None = None


def _orders(start: date, end: date, scope: Scope) -> QuerySet[Order]:
    qs = Order.objects.filter(
        created_at__gte=day_start(start), created_at__lt=day_start(end + timedelta(days=1))
    )
    if scope.unit_id is not None:
        qs = qs.filter(lead_unit_id=scope.unit_id)
    return qs


def _key(value: object) -> str:
    return "" if value is None else str(value)


def count_raw(
    start: date, end: date, *, scope: Scope = Scope(), now: datetime | None = None
) -> list[tuple[date, str, str, str, int]]:
    """Every count of the local days `start`..`end` (inclusive), from the orders, calls,
    history and callbacks themselves: rows (day, counter, dimension, key, value)."""
    now = now or clock.now()
    tz = zone()
    rows: list[tuple[date, str, str, str, int]] = []
    counters = order_counters(now)
    orders = _orders(start, end, scope).annotate(
        day=TruncDate("created_at", tzinfo=tz),
        # Answered at once with a knowledge-base entry named (Art. 14(1)).
        from_kb=Exists(
            OrderEvent.objects.filter(
                order=OuterRef("pk"), action=Action.ANSWER, data__has_key="knowledge"
            ).exclude(data__knowledge="")
        ),
    )

    # Orders, per dimension: one query each, every counter a filtered count.
    for dimension, expression in ORDER_DIMENSIONS.items():
        qs = orders.annotate(k=expression) if expression is not None else orders
        values = ("day", "k") if expression is not None else ("day",)
        aggregates = {name: Count("pk", filter=condition) for name, condition in counters.items()}
        for row in qs.values(*values).annotate(**aggregates).order_by():
            key = _key(row.get("k")) if expression is not None else ""
            if expression is not None and key == "":
                continue
            for name in counters:
                if row[name]:
                    rows.append((row["day"], name, dimension, key, row[name]))
    for row in (
        orders.annotate(hour=ExtractHour("created_at", tzinfo=tz))
        .values("day", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        rows.append((row["day"], "received", "hour", str(row["hour"]), row["n"]))
    if scope.unit_id is None:
        rows.extend(_unit_split_rows(orders))
    operator_aggregates = {
        name: Count("pk", filter=counters[name]) for name in OPERATOR_ORDER_COUNTERS
    }
    for row in (
        orders.filter(created_by__isnull=False)
        .annotate(hour=ExtractHour("created_at", tzinfo=tz))
        .values("day", "created_by_id", "hour")
        .annotate(**operator_aggregates)
        .order_by()
    ):
        for name in OPERATOR_ORDER_COUNTERS:
            if row[name]:
                key = f"{row['created_by_id']}:{row['hour']}"
                rows.append((row["day"], f"op_{name}", "operator_hour", key, row[name]))

    rows.extend(_unit_rows(start, end, scope))
    if scope.unit_id is None:
        rows.extend(_event_rows(start, end))
        rows.extend(_call_rows(start, end))
    summed: dict[tuple[date, str, str, str], int] = defaultdict(int)
    for day, counter, dimension, key, value in rows:
        summed[(day, counter, dimension, key)] += value
    return [(*row_key, value) for row_key, value in summed.items() if value]


# A unit's requests split as the hotline's are, stored so that a unit's dashboard reads its
# stored days too: dimension "unit_<name>", key "<unit id>:<key>".
UNIT_SPLITS = {
    "type": F("request_type_id"),
    "channel": F("channel"),
    "category": F("category_id"),
    "place": F("place_id"),
    "hour": ExtractHour("created_at", tzinfo=timezone.get_default_timezone()),
}


def _unit_split_rows(orders: QuerySet[Order]) -> Iterator[tuple[date, str, str, str, int]]:
    for name, expression in UNIT_SPLITS.items():
        for row in (
            orders.filter(lead_unit__isnull=False)
            .annotate(k=expression)
            .values("day", "lead_unit_id", "k")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            if row["k"] is not None:
                key = f"{row['lead_unit_id']}:{row['k']}"
                yield row["day"], "received", f"unit_{name}", key, row["n"]


def for_unit(
    rows: Iterable[tuple[date, str, str, str, int]], unit_id: int
) -> Iterator[tuple[date, str, str, str, int]]:
    """The rows of the whole hotline seen from one unit: its "unit" counts become the
    undivided counts (and stay its unit row), its splits become the splits."""
    own, prefix = str(unit_id), f"{unit_id}:"
    for day, counter, dimension, key, value in rows:
        if dimension == "unit" and key == own:
            yield day, counter, "", "", value
            yield day, counter, "unit", key, value
        elif dimension.startswith("unit_") and key.startswith(prefix):
            yield day, counter, dimension[len("unit_") :], key[len(prefix) :], value


def _unit_rows(start: date, end: date, scope: Scope) -> Iterator[tuple[date, str, str, str, int]]:
    """The counts that follow an order from unit to unit, by the order's received day."""
    tz = zone()
    window = Q(order__created_at__gte=day_start(start)) & Q(
        order__created_at__lt=day_start(end + timedelta(days=1))
    )
    unit_filter = Q(unit_id=scope.unit_id) if scope.unit_id is not None else Q()
    assignments = (
        Assignment.objects.filter(window, unit_filter, role=Assignment.Role.LEAD)
        .annotate(day=TruncDate("order__created_at", tzinfo=tz))
        .values("day", "unit_id")
        .annotate(n=Count("order", distinct=True))
        .order_by()
    )
    for row in assignments:
        yield row["day"], "unit_dispatched", "unit", str(row["unit_id"]), row["n"]
    actor_filter = Q(actor_unit_id=scope.unit_id) if scope.unit_id is not None else Q()
    returns = (
        OrderEvent.objects.filter(window, actor_filter, action=Action.RETURN)
        .annotate(day=TruncDate("order__created_at", tzinfo=tz))
        .values("day", "actor_unit_id")
        .annotate(n=Count("order", distinct=True))
        .order_by()
    )
    for row in returns:
        if row["actor_unit_id"] is not None:
            yield row["day"], "unit_returned", "unit", str(row["actor_unit_id"]), row["n"]
    for kind, counter in ((Urge.Kind.URGE, "unit_urged"), (Urge.Kind.SUPERVISE, "unit_supervised")):
        urges = (
            Urge.objects.filter(window, unit_filter, kind=kind)
            .annotate(day=TruncDate("order__created_at", tzinfo=tz))
            .values("day", "unit_id")
            .annotate(n=Count("order", distinct=True))
            .order_by()
        )
        for row in urges:
            yield row["day"], counter, "unit", str(row["unit_id"]), row["n"]
    yield from _sign_rows(window, actor_filter)


def sign_limit(assigned_at: datetime) -> datetime:
    """When a dispatched order must be signed for to count as signed on time: by 24:00 of the
    `HOTLINE_SIGN_LIMIT_WORKING_DAYS`-th working day after the dispatch (the calendar's rule,
    as for the handling limit of Art. 14)."""
    return deadline_compute(
        start=assigned_at, working_days=settings.HOTLINE_SIGN_LIMIT_WORKING_DAYS
    ).due_at


def _sign_rows(window: Q, actor_filter: Q) -> Iterator[tuple[date, str, str, str, int]]:
    """Signed and signed on time, per unit: each unit's first signature of an order after its
    latest dispatch to it, against `sign_limit` of that dispatch."""
    signs = (
        OrderEvent.objects.filter(window, actor_filter, action=Action.SIGN)
        .exclude(actor_unit_id=None)
        .values_list("order_id", "actor_unit_id", "at", "order__created_at")
        .order_by("at")
    )
    first: dict[tuple[int, int], tuple[datetime, datetime]] = {}
    for order_id, unit_id, at, created in signs:
        first.setdefault((order_id, unit_id), (at, created))
    if not first:
        return
    dispatched: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for order_id, unit_id, assigned_at in Assignment.objects.filter(
        order_id__in={order_id for order_id, _unit in first}, role=Assignment.Role.LEAD
    ).values_list("order_id", "unit_id", "assigned_at"):
        dispatched[(order_id, unit_id)].append(assigned_at)
    counts: dict[tuple[date, str, str], int] = defaultdict(int)
    for (order_id, unit_id), (at, created) in first.items():
        day = local_day(created)
        counts[(day, "unit_signed", str(unit_id))] += 1
        before = [moment for moment in dispatched.get((order_id, unit_id), []) if moment <= at]
        if before and at <= sign_limit(max(before)):
            counts[(day, "unit_signed_on_time", str(unit_id))] += 1
    for (day, counter, key), value in counts.items():
        yield day, counter, "unit", key, value


def _event_rows(start: date, end: date) -> Iterator[tuple[date, str, str, str, int]]:
    """Work of the operating centre counted on the day it was done: callbacks, the callers'
    ratings they took, reply checks; and the 110 transfers and major incidents."""
    tz = zone()
    since, until = day_start(start), day_start(end + timedelta(days=1))
    events = OrderEvent.objects.filter(at__gte=since, at__lt=until).annotate(
        day=TruncDate("at", tzinfo=tz)
    )
    for row in (
        events.filter(action=Action.TRANSFER_POLICE)
        .values("day")
        .annotate(n=Count("order", distinct=True))
        .order_by()
    ):
        yield row["day"], "to_110", "", "", row["n"]
    rated = events.filter(action=Action.CALLBACK, actor__isnull=False).exclude(
        data__satisfaction=None
    )
    for row in (
        rated.values("day", "actor_id")
        .annotate(
            n=Count("pk"),
            good=Count(
                "pk",
                filter=Q(data__satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY]),
            ),
        )
        .order_by()
    ):
        yield row["day"], "op_callback_rated", "operator", str(row["actor_id"]), row["n"]
        yield row["day"], "op_callback_satisfied", "operator", str(row["actor_id"]), row["good"]
    for row in (
        events.filter(action__in=[Action.REPLY_ACCEPTED, Action.REPLY_SENT_BACK])
        .exclude(actor=None)
        .values("day", "actor_id")
        .annotate(n=Count("pk"), back=Count("pk", filter=Q(action=Action.REPLY_SENT_BACK)))
        .order_by()
    ):
        yield row["day"], "op_reply_checks", "operator", str(row["actor_id"]), row["n"]
        yield row["day"], "op_reply_sent_back", "operator", str(row["actor_id"]), row["back"]
    attempts = CallbackAttempt.objects.filter(at__gte=since, at__lt=until).annotate(
        day=TruncDate("at", tzinfo=tz)
    )
    for row in (
        attempts.values("day", "operator_id")
        .annotate(n=Count("pk"), reached=Count("pk", filter=Q(reached=True)))
        .order_by()
    ):
        yield row["day"], "callback_attempts", "", "", row["n"]
        yield row["day"], "callback_reached", "", "", row["reached"]
        yield row["day"], "op_callback_attempts", "operator", str(row["operator_id"]), row["n"]
    for row in (
        Incident.objects.filter(opened_at__gte=since, opened_at__lt=until)
        .annotate(day=TruncDate("opened_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        yield row["day"], "incidents", "", "", row["n"]


def _call_rows(start: date, end: date) -> Iterator[tuple[date, str, str, str, int]]:
    """Calls by the day they began: received and answered, answered within the target, the
    waiting and talk seconds summed (averages are formed in `figures`), calls made; missed
    calls and those returned."""
    tz = zone()
    since, until = day_start(start), day_start(end + timedelta(days=1))
    calls = Call.objects.filter(started_at__gte=since, started_at__lt=until).annotate(
        day=TruncDate("started_at", tzinfo=tz), hour=ExtractHour("started_at", tzinfo=tz)
    )
    answered = Q(answered=True)
    aggregates = {
        "calls_received": Count("pk", filter=Q(direction=Direction.IN)),
        "calls_answered": Count("pk", filter=Q(direction=Direction.IN) & answered),
        "calls_answered_in_target": Count(
            "pk",
            filter=Q(direction=Direction.IN, wait_seconds__lte=ANSWER_TARGET_SECONDS) & answered,
        ),
        "wait_total": Sum("wait_seconds", filter=Q(direction=Direction.IN) & answered),
        "wait_calls": Count(
            "pk", filter=Q(direction=Direction.IN, wait_seconds__isnull=False) & answered
        ),
        "talk_total": Sum("talk_seconds", filter=answered),
        "talk_calls": Count("pk", filter=Q(talk_seconds__isnull=False) & answered),
        "calls_made": Count("pk", filter=Q(direction=Direction.OUT)),
    }
    for row in calls.values("day", "hour", "agent_id").annotate(**aggregates).order_by():
        for name in aggregates:
            value = row[name] or 0
            if not value:
                continue
            if name in ("calls_received", "calls_answered"):
                yield row["day"], name, "hour", str(row["hour"]), value
            yield row["day"], name, "", "", value
            if row["agent_id"] is not None:
                key = f"{row['agent_id']}:{row['hour']}"
                yield row["day"], f"op_{name}", "operator_hour", key, value
    missed = MissedCall.objects.filter(called_at__gte=since, called_at__lt=until).annotate(
        day=TruncDate("called_at", tzinfo=tz)
    )
    for row in (
        missed.values("day")
        .annotate(n=Count("pk"), back=Count("pk", filter=Q(returned_at__isnull=False)))
        .order_by()
    ):
        yield row["day"], "missed_calls", "", "", row["n"]
        yield row["day"], "missed_returned", "", "", row["back"]


def counts_from_rows(rows: Iterable[tuple[date, str, str, str, int]]) -> Counts:
    counts = Counts()
    for day, counter, dimension, key, value in rows:
        counts.add(day, counter, dimension, key, value)
    return counts


# --- the stored counts -------------------------------------------------------------------------

# Days this close to today are always counted live: their calls and callbacks still change.
LIVE_DAYS = 2


def _local_days(qs: QuerySet, field: str) -> set[date]:
    return set(
        qs.annotate(local=TruncDate(field, tzinfo=zone()))
        .values_list("local", flat=True)
        .distinct()
        .order_by()
    )


def changed_days(since: datetime, now: datetime) -> set[date]:
    """The received days of orders changed after `since`, of orders that fell overdue since
    then, and the days of missed calls returned since: their stored counts are stale."""
    days = _local_days(Order.objects.filter(updated_at__gt=since), "created_at")
    days |= _local_days(
        Order.objects.filter(status__in=UNIT_STATES, due_at__gt=since, due_at__lte=now),
        "created_at",
    )
    days |= _local_days(MissedCall.objects.filter(returned_at__gt=since), "called_at")
    return days


def stale_days(start: date, end: date, now: datetime) -> set[date]:
    """The days of `start`..`end` whose stored counts cannot be used: never counted, too
    recent, or changed since the last refresh."""
    today = local_day(now)
    counted = set(
        CountedDay.objects.filter(day__gte=start, day__lte=end).values_list("day", flat=True)
    )
    stale = {
        day
        for day in days_of(start, end)
        if day not in counted or day > today - timedelta(days=LIVE_DAYS)
    }
    mark = Watermark.objects.filter(pk=1).first()
    if mark is None or mark.started_at is None:
        return set(days_of(start, end))
    stale.update(day for day in changed_days(mark.started_at, now) if start <= day <= end)
    return stale


def runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) ranges."""
    result: list[tuple[date, date]] = []
    for day in sorted(days):
        if result and result[-1][1] + timedelta(days=1) == day:
            result[-1] = (result[-1][0], day)
        else:
            result.append((day, day))
    return result


def period_counts(
    start: date, end: date, *, scope: Scope = Scope(), now: datetime | None = None
) -> Counts:
    """The counts of the local days `start`..`end`: summed from the stored days, and counted
    live for the days whose stored counts are stale (always the same numbers as `count_raw`
    over the whole period — the stored days are only a faster way to them)."""
    now = now or clock.now()
    stale = stale_days(start, end, now)
    if scope.unit_id is not None:
        return _unit_period_counts(start, end, scope.unit_id, stale, now)
    counts = Counts()
    # The units' own splits are read only for a unit's figures (`_unit_period_counts`).
    stored = (
        DailyCount.objects.filter(day__gte=start, day__lte=end)
        .exclude(day__in=stale)
        .exclude(dimension__startswith="unit_")
    )
    for counter, dimension, key, value in (
        stored.values("counter", "dimension", "key")
        .annotate(v=Sum("value"))
        .values_list("counter", "dimension", "key", "v")
    ):
        counts.totals[(counter, dimension, key)] += value
    for day, counter, value in stored.filter(dimension="").values_list("day", "counter", "value"):
        counts.daily[(day, counter)] += value
    for first, last in runs(stale):
        rows = count_raw(first, last, now=now)
        counts.merge(counts_from_rows(row for row in rows if not row[2].startswith("unit_")))
    return counts


# Consecutive days counted together in one pass (and stored in one transaction).
REFRESH_CHUNK_DAYS = 31
# How far before its start a refresh vouches for the counts: a change written (its
# `updated_at` taken) before the refresh began but committed after it looked is caught by the
# next refresh, as long as no transaction runs longer than this.
WATERMARK_MARGIN = timedelta(minutes=5)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _unit_period_counts(
    start: date, end: date, unit_id: int, stale: set[date], now: datetime
) -> Counts:
    """One unit's counts: its rows of the stored days, and of the stale days counted live."""
    own, prefix = str(unit_id), f"{unit_id}:"
    stored = (
        DailyCount.objects.filter(day__gte=start, day__lte=end)
        .exclude(day__in=stale)
        .filter(
            Q(dimension="unit", key=own) | Q(dimension__startswith="unit_", key__startswith=prefix)
        )
        .values_list("day", "counter", "dimension", "key", "value")
    )
    counts = counts_from_rows(for_unit(stored, unit_id))
    for first, last in runs(stale):
        counts.merge(counts_from_rows(for_unit(count_raw(first, last, now=now), unit_id)))
    return counts


def refresh_days(days: Iterable[date], *, now: datetime | None = None) -> int:
    """Count the given days again and store them: consecutive days in one pass of up to
    `REFRESH_CHUNK_DAYS`, each pass in one transaction that replaces its days' rows as a
    whole, so a reader sees a day's old counts or its new ones, never a mixture."""
    done = 0
    for first, last in runs(days):
        while first <= last:
            chunk_end = min(last, first + timedelta(days=REFRESH_CHUNK_DAYS - 1))
            started = timezone.now()
            rows = count_raw(first, chunk_end, now=now)
            with transaction.atomic():
                # One refresh at a time stores days (two ticks overlapping wait for each other).
                Watermark.objects.select_for_update().filter(pk=1).first()
                DailyCount.objects.filter(day__gte=first, day__lte=chunk_end).delete()
                DailyCount.objects.bulk_create(
                    (
                        DailyCount(day=d, counter=c, dimension=dim, key=k, value=v)
                        for d, c, dim, k, v in rows
                        if first <= d <= chunk_end
                    ),
                    batch_size=2000,
                )
                CountedDay.objects.filter(day__gte=first, day__lte=chunk_end).delete()
                CountedDay.objects.bulk_create(
                    CountedDay(day=day, computed_at=started) for day in days_of(first, chunk_end)
                )
            done += (chunk_end - first).days + 1
            first = chunk_end + timedelta(days=1)
    return done


def stats_refresh(*, now: datetime | None = None) -> int:
    """Bring the stored counts up to date (`hotline tick`): the days never counted up to the
    day before the live days, and the days changed since the last refresh. Safe to repeat and
    to interrupt: the watermark moves only after every stale day was counted."""
    now = now or clock.now()
    started = timezone.now()
    today = local_day(now)
    last = today - timedelta(days=LIVE_DAYS)
    first_order = Order.objects.order_by("created_at").values_list("created_at", flat=True).first()
    mark = Watermark.objects.filter(pk=1).first()
    if mark is None:
        # The first refresh: every day is due; the row exists from now on for the lock that
        # keeps two refreshes from storing days at once (`refresh_days`).
        mark, _created = Watermark.objects.get_or_create(pk=1, defaults={"valid_at": EPOCH})
    if first_order is None:
        Watermark.objects.filter(pk=1).update(
            valid_at=started - WATERMARK_MARGIN, started_at=started
        )
        return 0
    counted = set(CountedDay.objects.values_list("day", flat=True))
    due = {day for day in days_of(local_day(first_order), last) if day not in counted}
    due.update(day for day in changed_days(mark.valid_at, now) if day <= last)
    done = refresh_days(due, now=now)
    Watermark.objects.filter(pk=1).update(valid_at=started - WATERMARK_MARGIN, started_at=started)
    return done
