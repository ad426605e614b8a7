"""Order lookups and worklists at a million orders (the intake screen and every worklist page).

    .venv/bin/python bench/bench_orders.py [--orders 1000000] [--keep] [--samples 200]

The database is the one DATABASE_URL names (give the benchmark a database of its own: the order
tables are emptied before generating), else SQLite at $HOTLINE_VAR_DIR/hotline.sqlite3 — a
temporary directory unless HOTLINE_VAR_DIR is set; it is removed at the end unless --keep.
HOTLINE_DATA_KEY is set to a fixed key, so kept data stays readable and digests repeat.

Set-up: migrate (quietly), `catalogue_load()`, `demo_accounts()`, and 18 more operator accounts
(`bench.op01` …), so that the orders are recorded by 20 operators as in a real centre.

Data (skipped with --keep when the database already holds exactly --orders orders): rows are
written with `bulk_create` in batches, NOT through `hotline.orders.services` — a transition
per order with its history and notifications would take hours at this size. So:
- no `OrderEvent` (history), `Notification`, `Reply` or `Attachment` rows: none of the measured
  queries reads them;
- `created_at` over the last two years at a steady rate (daytime hours, a little more in recent
  months: ≈1,500 a day), numbered `YL<local date><5 digits>` in time order; ≈85 % closed (70 %
  of those after a unit handled them, the rest answered at once or not accepted), 2 % merged,
  13 % open spread over every open state — the younger an order the likelier it is open, and
  early states lean to young orders (a backlog of months: the issue's shares, not a healthy
  centre's, so the open lists are long); request types, leaf categories by popularity
  (城市管理 the busiest), the category's lead unit or for territorial categories the place's
  street or town, places;
- one active lead `Assignment` for every order a unit was given (open or closed — the services
  keep it active after closing), since a unit's visibility is an EXISTS over assignments;
- `due_at` at local midnight as the working-day clock gives it: for orders in unit states
  around now (≈12 % overdue, ≈10 % due tonight), in the past for the others;
- callers: 30 % as many distinct phones as orders, every one calling at least once and the
  rest Zipf-like (weight 1/(rank+K)): the busiest numbers call 50–90 times; the digest is
  `phone_digest`, the masks `phone_mask`/`name_mask`, and name and phone are sealed ONCE per
  distinct caller (contexts `orders.order.caller_phone` / `orders.order.caller_name`) and the
  sealed strings reused — `EncryptedTextField` passes values starting with `v1:` through;
- `search_text` from title and address as `Order.save` writes it (`orders/search.py`), so the
  search index (GIN on PostgreSQL, FTS5 through its triggers on SQLite) fills as rows arrive;
- ≈3 % confidential; `tracker` = `created_by` = one of the 20 operators; the unit's handler
  for signed orders; ≈1,000 pending extension requests;
- `updated_at` keeps its generated value (the last change): `auto_now` is switched off on the
  field in this process while loading. PostgreSQL gets `VACUUM ANALYZE` afterwards (what
  autovacuum would do); SQLite gets no ANALYZE, as the application never runs one.

Measurements (each `--samples` calls after 3 warm-up calls, varied inputs where the screen has
them; stopped early only past `--budget` seconds, which the line then says): wall time of the
selector call INCLUDING turning the result into a list, as a view does —
`orders_from_phone` (heavy, medium, one-time and unknown callers), `related_candidates`, every
worklist of `worklists_for(user)` for operator, lead, reviewer, urban.handler and urban.manager
as `window(worklist_orders(...), page=1)` and page 5 with the default and one other sort,
every other sort each list offers (page 1), the ALL list filtered by status, open, overdue,
type and lead unit, the search box `q` by kind of query (an order number, a house number on a
road, a community, a category, a word in a sixth of all titles, words no order holds), and
`status_counts` (the home page's tiles, informative). Worklists use `now` = the newest order's time, so kept data
gives the same lists. Prints one JSON line per measurement (and EXPLAIN of the slowest call of
any measurement over 100 ms at p95 on stderr), then a summary table.
"""

import argparse
import base64
import hashlib
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from bisect import bisect_left
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

SEED = 12345
TARGET_MS = 100.0
DATA_KEY = base64.b64encode(hashlib.sha256(b"hotline bench_orders").digest()).decode("ascii")
LOCAL_OFFSET = 8 * 3600  # Asia/Shanghai, no daylight saving
DAY = 86400.0
SPAN_DAYS = 730
EXTRA_OPERATORS = 18

# (status, share in %, for open states the age scale in days that leans young orders to it)
STATES = [
    ("closed", 85.0, None),
    ("merged", 2.0, None),
    ("received", 0.6, 10.0),
    ("pending_review", 0.5, 15.0),
    ("pending_dispatch", 0.3, 10.0),
    ("dispatched", 1.2, 20.0),
    ("in_progress", 5.5, 120.0),
    ("return_review", 0.4, 60.0),
    ("reply_approval", 0.6, 80.0),
    ("reply_check", 0.9, 90.0),
    ("callback", 2.0, 100.0),
    ("unsatisfied", 1.0, 150.0),
]
UNIT_STATES = {"dispatched", "in_progress", "return_review", "reply_approval"}
HANDLED_STATES = UNIT_STATES | {"reply_check", "callback", "unsatisfied"}
TYPE_WEIGHTS = {
    "consult": 28,
    "complaint": 22,
    "report": 4,
    "suggestion": 6,
    "help": 34,
    "emergency": 1,
    "praise": 5,
}
GROUP_WEIGHTS = {
    "urban": 16,
    "local": 14,
    "housing": 12,
    "market": 8,
    "police": 6,
    "hrss": 5,
    "eco": 4,
    "health": 4,
    "edu": 4,
    "transport": 4,
    "medins": 3,
    "civil": 3,
    "watersupply": 3,
    "power": 3,
    "gas": 2,
    "heating": 2,
}
CLOSE_REASONS = [
    ("callback", 66),
    ("answered", 24),
    ("not_accepted", 6),
    ("by_rule", 3),
    ("host_decision", 1),
]
HOURS = [
    7,
    8,
    8,
    9,
    9,
    9,
    10,
    10,
    10,
    11,
    11,
    12,
    13,
    14,
    14,
    15,
    15,
    15,
    16,
    16,
    17,
    18,
    19,
    20,
    21,
    22,
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅文斌晓东海燕玉兰志刚"
ROADS = [
    "神农路",
    "后稷路",
    "邰城路",
    "康乐路",
    "新桥路",
    "常乐路",
    "渭惠路",
    "西农路",
    "杨武路",
    "高干渠路",
]
ASKS = ["问题", "反映", "诉求", "情况", "咨询", "求助"]


# --- environment ---------------------------------------------------------------------------


def _sqlite_count(path: Path) -> int | None:
    if not path.exists():
        return None
    try:
        with sqlite3.connect(path) as con:
            return con.execute("SELECT COUNT(*) FROM orders_order").fetchone()[0]
    except sqlite3.Error:
        return None


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- data ----------------------------------------------------------------------------------


class Catalogue:
    """The reference rows the generator draws from, read once."""

    def __init__(self) -> None:
        from hotline.accounts.models import User
        from hotline.catalogue.models import Category, ExclusionReason, RequestType
        from hotline.units.models import Place, Unit

        self.types = {t.code: t for t in RequestType.objects.all()}
        self.type_codes = [c for c in TYPE_WEIGHTS if c in self.types]
        self.type_cum = list(accumulate(TYPE_WEIGHTS[c] for c in self.type_codes))
        leaves = [
            c
            for c in Category.objects.filter(parent__isnull=False, is_active=True).select_related(
                "parent"
            )
            if c.lead_unit_id is not None
        ]
        self.leaves = leaves
        self.leaf_cum = list(
            accumulate(GROUP_WEIGHTS.get(c.parent.code, 1) / 8 for c in leaves)  # per leaf
        )
        self.places = list(Place.objects.all())
        self.units = {u.pk: u for u in Unit.objects.all()}
        self.exclusions = list(ExclusionReason.objects.values_list("pk", flat=True))
        users = {u.username: u.pk for u in User.objects.all()}
        self.handler_of = {pk: users.get(f"{u.code}.handler") for pk, u in self.units.items()}
        self.operators = [users["operator"], users["lead"]] + [
            users[f"bench.op{i:02d}"] for i in range(1, EXTRA_OPERATORS + 1)
        ]


def bench_operators() -> None:
    from hotline.accounts.models import User
    from hotline.accounts.roles import Role
    from hotline.units.models import Unit

    centre = Unit.objects.get(code="callcenter")
    existing = set(
        User.objects.filter(username__startswith="bench.op").values_list("username", flat=True)
    )
    User.objects.bulk_create(
        User(
            username=f"bench.op{i:02d}",
            display_name=f"话务员{i:02d}",
            roles=[Role.OPERATOR],
            unit=centre,
            password="!",  # unusable
        )
        for i in range(1, EXTRA_OPERATORS + 1)
        if f"bench.op{i:02d}" not in existing
    )


def phone_book(orders: int) -> list[str]:
    """The distinct callers' numbers, by rank (rank 0 calls most); the same for a given size."""
    rng = random.Random(SEED)
    count = max(10, round(orders * 0.3))
    seen: set[str] = set()
    phones = []
    while len(phones) < count:
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        if phone not in seen:
            seen.add(phone)
            phones.append(phone)
    return phones


def _local_midnight_after(ts: float, days: int) -> float:
    """UTC timestamp of 24:00 local time of the `days`-th day after the local day of `ts`."""
    local_day = math.floor((ts + LOCAL_OFFSET) / DAY)
    return (local_day + days + 1) * DAY - LOCAL_OFFSET


def generate(total: int, batch: int, now: float) -> dict:
    """Write `total` orders and their lead assignments; returns what was made."""
    from django.db import connection, transaction

    from hotline.orders.models import Assignment, Order
    from hotline.orders.search_text import search_text_for
    from hotline.privacy.crypto import seal
    from hotline.privacy.personal import name_mask, phone_digest, phone_mask

    cat = Catalogue()
    rng = random.Random(SEED + 1)
    began = time.perf_counter()

    # Callers: every number once, then Zipf-like repeats.
    phones = phone_book(total)
    count = len(phones)
    k = max(1.0, count / 200)
    cum = list(accumulate(1.0 / (i + k) for i in range(count)))
    caller_of = list(range(count)) + [
        bisect_left(cum, rng.random() * cum[-1]) for _ in range(max(0, total - count))
    ]
    caller_of = caller_of[:total]
    rng.shuffle(caller_of)
    sealed_phone, sealed_name, digests, phone_masks, name_masks = [], [], [], [], []
    for phone in phones:
        name = ""
        if rng.random() < 0.85:
            name = rng.choice(SURNAMES) + "".join(
                rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))
            )
        sealed_phone.append(seal(phone, context="orders.order.caller_phone"))
        sealed_name.append(seal(name, context="orders.order.caller_name") if name else "")
        digests.append(phone_digest(phone))
        phone_masks.append(phone_mask(phone))
        name_masks.append(name_mask(name))
    callers_s = time.perf_counter() - began

    # The plan: (created_at, state index) for every order, in time order. Calls arrive at a
    # steady rate (a little more in recent months); an order is open with a chance that falls
    # with its age, 0.75·exp(-age/M), M solved so that the open share is what STATES says; an
    # open order's state leans to the early ones when it is young (scale in days, STATES).
    ages = []
    for _ in range(total):
        while True:
            age = rng.uniform(0.0, SPAN_DAYS)
            if rng.random() < 1 - 0.4 * age / SPAN_DAYS:
                break
        ages.append(age)
    open_states = [i for i, (_, _, scale) in enumerate(STATES) if scale is not None]
    open_share = sum(STATES[i][1] for i in open_states) / sum(share for _, share, _ in STATES)
    sample = ages[:20_000]
    low, high = 1.0, 10_000.0
    for _ in range(40):
        mid = (low + high) / 2
        if sum(0.75 * math.exp(-a / mid) for a in sample) / len(sample) < open_share:
            low = mid
        else:
            high = mid
    scale_m = (low + high) / 2
    # Fit one factor per open state so that, over the ages, each state gets its share.
    fit = [
        (0.75 * math.exp(-a / scale_m), [math.exp(-a / STATES[i][2]) for i in open_states])
        for a in sample[:5000]
    ]
    target = [STATES[i][1] / sum(STATES[j][1] for j in open_states) for i in open_states]
    factor = [1.0] * len(open_states)
    for _ in range(50):
        got = [0.0] * len(open_states)
        for weight, decay in fit:
            parts = [f * t * d for f, t, d in zip(factor, target, decay, strict=True)]
            total_parts = sum(parts)
            for j, part in enumerate(parts):
                got[j] += weight * part / total_parts
        whole = sum(got)
        factor = [f * t / (g / whole) for f, t, g in zip(factor, target, got, strict=True)]
    plan = []
    for age in ages:
        if rng.random() < 0.75 * math.exp(-age / scale_m):
            weights = [
                f * t * math.exp(-age / STATES[i][2])
                for f, t, i in zip(factor, target, open_states, strict=True)
            ]
            s = rng.choices(open_states, weights=weights)[0]
        else:
            s = 0 if rng.random() < STATES[0][1] / (STATES[0][1] + STATES[1][1]) else 1
        moment = now - age * DAY
        local_day = math.floor((moment + LOCAL_OFFSET) / DAY)
        ts = local_day * DAY - LOCAL_OFFSET + rng.choice(HOURS) * 3600 + rng.uniform(0, 3600)
        if ts > now - 60:  # later today than now: the same hour a day earlier
            ts -= DAY
        plan.append((ts, s))
    plan.sort()

    order_field = Order._meta.get_field("updated_at")
    order_field.auto_now = False  # keep the generated last-change time (this process only)
    tz = UTC

    def dt(ts: float | None) -> datetime | None:
        return None if ts is None else datetime.fromtimestamp(ts, tz)

    day_seq: dict[int, int] = {}
    last_of_caller: dict[int, int] = {}
    made_assignments = 0
    ids = iter(range(1, total + 1))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-1000000")  # 1 GB page cache, this connection only
            cursor.execute("PRAGMA synchronous=OFF")
    for start in range(0, total, batch):
        orders, assignments = [], []
        for created, s in plan[start : start + batch]:
            pk = next(ids)
            status = STATES[s][0]
            caller = caller_of[pk - 1]
            local_day = math.floor((created + LOCAL_OFFSET) / DAY)
            day_seq[local_day] = day_seq.get(local_day, 0) + 1
            number = (
                f"YL{datetime.fromtimestamp(local_day * DAY, UTC):%Y%m%d}{day_seq[local_day]:05d}"
            )
            rtype = cat.type_codes[bisect_left(cat.type_cum, rng.random() * cat.type_cum[-1])]
            if status == "pending_review":
                rtype = "complaint" if rng.random() < 0.85 else "report"
            close_reason = ""
            if status == "closed":
                close_reason = rng.choices(
                    [r for r, _ in CLOSE_REASONS], weights=[w for _, w in CLOSE_REASONS]
                )[0]
            handled = status in HANDLED_STATES or close_reason in (
                "callback",
                "by_rule",
                "host_decision",
            )
            category = None
            if handled or status in ("pending_review", "pending_dispatch") or rng.random() < 0.7:
                category = cat.leaves[bisect_left(cat.leaf_cum, rng.random() * cat.leaf_cum[-1])]
            place = None
            if category is not None and category.territorial or rng.random() < 0.5:
                place = rng.choice(cat.places)
            lead_unit_id = None
            if handled and category is not None:
                lead_unit_id = place.unit_id if category.territorial else category.lead_unit_id
            limit = (
                category.limit_working_days
                if category is not None and category.limit_working_days
                else cat.types[rtype].limit_working_days
            ) or 1
            dispatched = signed = due = replied = closed = None
            handler_id = None
            updated = created + rng.uniform(30, 600)
            extension_status, extension_count = "", 0
            return_count = reopen_count = urge_count = 0
            satisfaction = ""
            status_before_return = ""
            if lead_unit_id is not None:
                dispatched = created + rng.uniform(300, 4 * 3600)
                if status == "dispatched":
                    dispatched = max(created + 60, now - rng.expovariate(1 / (0.5 * DAY)))
                dispatched = min(dispatched, now - 30)
                if status != "dispatched":
                    signed = min(dispatched + rng.uniform(600, 8 * 3600), now - 20)
                    handler_id = cat.handler_of.get(lead_unit_id)
                if status in UNIT_STATES:
                    r = rng.random()
                    days = (
                        -rng.randint(1, 10) if r < 0.12 else 0 if r < 0.22 else rng.randint(1, 10)
                    )
                    due = _local_midnight_after(now, days)
                    updated = min(now - 10, (signed or dispatched) + rng.uniform(0, 3 * DAY))
                else:
                    due = _local_midnight_after(dispatched, round(limit * 7 / 5))
                if rtype in ("complaint", "report"):
                    r = rng.random()
                    if status == "in_progress" and r < 0.08:
                        extension_status = "requested"
                    elif r < 0.06:
                        extension_status, extension_count = "approved", 1
                        due = due + 7 * DAY
                    elif r < 0.08:
                        extension_status = "denied"
                if status == "return_review":
                    return_count = 1 if rng.random() < 0.85 else 2
                    status_before_return = rng.choice(["dispatched", "in_progress"])
                urge_count = 1 if rng.random() < 0.1 else 0
                if status not in UNIT_STATES:
                    replied = min(signed + rng.uniform(3600, limit * DAY), now - 10)
                    updated = min(replied + rng.uniform(600, 2 * DAY), now - 5)
                if status == "unsatisfied":
                    satisfaction = "unsatisfied"
                    reopen_count = rng.choice([0, 0, 1, 2])
                if status == "closed":
                    closed = min(updated + rng.uniform(3600, 3 * DAY), now - 1)
                    updated = closed
                    satisfaction = rng.choices(
                        ["satisfied", "basically", "unsatisfied"], weights=[78, 15, 7]
                    )[0]
            elif status == "closed":
                closed = updated = min(created + rng.uniform(60, 900), now - 1)
            updated = max(updated, created)
            merged_into = None
            if status == "merged":
                merged_into = last_of_caller.get(caller) or (
                    rng.randrange(1, pk) if pk > 1 else None
                )
            last_of_caller[caller] = pk
            operator_id = rng.choice(cat.operators)
            where = f"{place.name}" if place is not None else ""
            what = category.name if category is not None else cat.types[rtype].name
            address = ""
            if place is not None or rng.random() < 0.3:
                address = f"{where}{rng.choice(ROADS)}{rng.randrange(1, 300)}号"
            title = f"{where}{what}{rng.choice(ASKS)}"[:120]
            orders.append(
                Order(
                    id=pk,
                    number=number,
                    channel="phone" if rng.random() < 0.85 else "web",
                    status=status,
                    request_type_id=rtype,
                    category_id=category.pk if category is not None else None,
                    caller_name=sealed_name[caller],
                    caller_phone=sealed_phone[caller],
                    caller_name_mask=name_masks[caller],
                    caller_phone_mask=phone_masks[caller],
                    caller_phone_digest=digests[caller],
                    place_id=place.pk if place is not None else None,
                    address=address,
                    title=title,
                    search_text=search_text_for(title, address),
                    content=f"来电人反映{where}{what}方面的{rng.choice(ASKS)}，希望有关部门尽快核实处理。",
                    is_confidential=rng.random() < 0.03,
                    rescue_lines=[],
                    exclusion_id=rng.choice(cat.exclusions)
                    if close_reason == "not_accepted"
                    else None,
                    lead_unit_id=lead_unit_id,
                    handler_id=handler_id,
                    tracker_id=operator_id,
                    created_by_id=operator_id,
                    merged_into_id=merged_into,
                    answer="已向来电人解答。" if close_reason == "answered" else "",
                    created_at=dt(created),
                    updated_at=dt(updated),
                    dispatched_at=dt(dispatched),
                    signed_at=dt(signed),
                    limit_working_days=limit if lead_unit_id is not None else None,
                    due_at=dt(due),
                    replied_at=dt(replied),
                    closed_at=dt(closed),
                    close_reason=close_reason,
                    extension_status=extension_status,
                    extension_count=extension_count,
                    urge_count=urge_count,
                    is_supervised=lead_unit_id is not None and rng.random() < 0.01,
                    return_count=return_count,
                    reopen_count=reopen_count,
                    satisfaction=satisfaction,
                    status_before_return=status_before_return,
                    version=1 + (6 if lead_unit_id is not None else 1),
                )
            )
            if lead_unit_id is not None:
                assignments.append(
                    Assignment(
                        order_id=pk,
                        unit_id=lead_unit_id,
                        role="lead",
                        is_active=True,
                        assigned_at=dt(dispatched),
                    )
                )
        with transaction.atomic():
            Order.objects.bulk_create(orders)
            Assignment.objects.bulk_create(assignments)
        made_assignments += len(assignments)
        done = start + len(orders)
        if done % (batch * 20) == 0 or done == total:
            rate = done / (time.perf_counter() - began)
            print(f"# generated {done:,} orders ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    order_field.auto_now = True

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('orders_order', 'id'), (SELECT MAX(id) FROM orders_order))"
            )
    insert_s = time.perf_counter() - began
    vacuum_s = 0.0
    if connection.vendor == "postgresql":
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum would have done by now
        vacuum_s = time.perf_counter() - t0
    return {
        "orders": total,
        "assignments": made_assignments,
        "callers": count,
        "callers_seconds": round(callers_s, 1),
        "generate_seconds": round(insert_s, 1),
        "vacuum_analyze_seconds": round(vacuum_s, 1),
    }


def wipe() -> None:
    """Empty the benchmark's own database of orders: the one place outside the test runner
    that lifts the append-only guards of the order history (hotline/core/guards.py)."""
    from django.db import connection

    from hotline.core.guards import append_only_lifted
    from hotline.orders.models import Assignment, Order, OrderEvent

    with append_only_lifted():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE orders_order RESTART IDENTITY CASCADE")
        else:
            OrderEvent.objects.all()._raw_delete(OrderEvent.objects.db)
            Assignment.objects.all().delete()
            Order.objects.all().delete()


def db_size() -> dict:
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_database_size(current_database()), pg_total_relation_size('orders_order'),"
                " pg_relation_size('orders_order'), pg_total_relation_size('orders_assignment')"
            )
            database, total, heap, assignments = cursor.fetchone()
        return {
            "database_mb": round(database / 2**20),
            "orders_table_mb": round(heap / 2**20),
            "orders_with_indexes_mb": round(total / 2**20),
            "assignments_with_indexes_mb": round(assignments / 2**20),
        }
    path = Path(settings.DATABASES["default"]["NAME"])
    size = sum(
        Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists()
    )
    return {"database_mb": round(size / 2**20)}


# --- measuring -----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Recorder:
    def __init__(
        self, *, samples: int, budget: float, explain: bool, vendor: str, orders: int
    ) -> None:
        self.samples, self.budget, self.explain = samples, budget, explain
        self.vendor, self.orders = vendor, orders
        self.rows: list[dict] = []

    def measure(self, name: str, call, inputs: list, **labels) -> dict:  # type: ignore[no-untyped-def]
        for value in inputs[:3]:
            call(value)
        times, sizes, slowest = [], [], (0.0, None)
        began = time.perf_counter()
        for i in range(self.samples):
            value = inputs[i % len(inputs)]
            t0 = time.perf_counter()
            result = call(value)
            elapsed = time.perf_counter() - t0
            times.append(elapsed)
            sizes.append(
                len(result.rows)
                if hasattr(result, "rows")
                else len(result)
                if hasattr(result, "__len__")
                else 1
            )
            if elapsed > slowest[0]:
                slowest = (elapsed, value)
            if time.perf_counter() - began > self.budget and len(times) >= 20:
                break
        ms = [t * 1000 for t in times]
        line = {
            "benchmark": "orders",
            "name": name,
            **labels,
            "database": self.vendor,
            "orders": self.orders,
            "samples": len(ms),
            "p50_ms": round(percentile(ms, 0.5), 2),
            "p95_ms": round(percentile(ms, 0.95), 2),
            "max_ms": round(max(ms), 2),
            "rows": round(sum(sizes) / len(sizes), 1),
        }
        if len(ms) < self.samples:
            line["stopped_after_s"] = self.budget
        print(json.dumps(line, ensure_ascii=False), flush=True)
        self.rows.append(line)
        if self.explain and line["p95_ms"] > TARGET_MS:
            self.explain_call(name, call, slowest[1])
        return line

    def explain_call(self, name: str, call, value) -> None:  # type: ignore[no-untyped-def]
        from django.db import connection

        captured: list[tuple[str, tuple]] = []

        def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            captured.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            call(value)
        prefix = (
            "EXPLAIN (ANALYZE, BUFFERS) " if self.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        )
        for sql, params in captured:
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql, params)
                plan = [" | ".join(str(c) for c in row) for row in cursor.fetchall()]
            print(
                f"\n## EXPLAIN {name} ({self.vendor})\n{sql} -- {params}\n" + "\n".join(plan),
                file=sys.stderr,
            )


# The second sort measured for each list (besides its default), the first one the list allows.
OTHER_SORTS = {
    "-created_at": ("due_at", "number"),
    "created_at": ("due_at", "-created_at"),
    "due_at": ("-created_at",),
    "updated_at": ("-created_at",),
}
# The sorts the list page offers (orders/order_list.html): the queues by receipt, due date and
# last change, the list of all orders by receipt and number. SORTS also accepts -due_at and
# -number from a hand-made URL.
QUEUE_SORTS = ("-created_at", "created_at", "due_at", "-updated_at", "updated_at")
ALL_SORTS = ("-created_at", "created_at", "number")


def measure_all(rec: Recorder, *, total: int, only: str) -> None:
    from django.db import connection
    from django.db.models import Count, Max

    from hotline.accounts.models import User
    from hotline.catalogue.models import Category
    from hotline.orders import selectors
    from hotline.orders.models import Order, Status
    from hotline.orders.selectors import OrderFilter
    from hotline.orders.worklists import ALL, sorts_for, window, worklist_orders, worklists_for
    from hotline.privacy.personal import phone_digest
    from hotline.units.models import Place

    def wanted(name: str) -> bool:
        return not only or any(part in name for part in only.split(","))

    rng = random.Random(SEED + 2)
    now = Order.objects.aggregate(m=Max("created_at"))["m"] + timedelta(minutes=1)
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["operator", "lead", "reviewer", "urban.handler", "urban.manager"]
        )
    }
    operator = users["operator"]

    # Callers by how often they called (digests counted in the database, numbers rebuilt).
    phones = phone_book(total)
    by_digest = {phone_digest(p): p for p in phones}
    calls: dict[str, int] = {}
    for digest, n in (
        Order.objects.values_list("caller_phone_digest")
        .annotate(n=Count("id"))
        .values_list("caller_phone_digest", "n")
    ):
        if digest in by_digest:
            calls[by_digest[digest]] = n
    groups = {
        "heavy": sorted((p for p in calls if calls[p] >= 30), key=lambda p: -calls[p])[:200],
        "medium": [p for p in calls if 3 <= calls[p] <= 15],
        "once": [p for p in calls if calls[p] == 1],
        "unknown": [f"19{rng.randrange(10**9):09d}" for _ in range(rec.samples)],
    }
    for key in ("medium", "once"):
        rng.shuffle(groups[key])
        groups[key] = groups[key][: rec.samples]
    if not groups["heavy"]:
        groups["heavy"] = sorted(calls, key=lambda p: -calls[p])[:200]
    print(
        "# callers: "
        + ", ".join(
            f"{k} {len(v)} (calls {min((calls.get(p, 0) for p in v), default=0)}–{max((calls.get(p, 0) for p in v), default=0)})"
            for k, v in groups.items()
        ),
        file=sys.stderr,
    )

    for key, numbers in groups.items():
        name = f"phone/{key}"
        if wanted(name):
            rng.shuffle(numbers)
            rec.measure(
                name,
                lambda p: selectors.orders_from_phone(user=operator, phone=p),
                numbers,
                persona="operator",
            )

    # Duplicates: the caller's number with the place and category of a real order.
    max_id = Order.objects.aggregate(m=Max("id"))["m"]
    picks = list(
        Order.objects.filter(
            id__in=[rng.randrange(1, max_id + 1) for _ in range(rec.samples * 3)],
            place__isnull=False,
            category__isnull=False,
        ).values_list("place_id", "category_id")[: rec.samples]
    )
    mixed = [
        rng.choice(groups[g])
        for g in ("heavy", "medium", "once", "unknown")
        for _ in range(rec.samples // 4 + 1)
    ]
    rng.shuffle(mixed)
    related_inputs = [(mixed[i], *picks[i % len(picks)]) for i in range(rec.samples)]
    heavy_inputs = [
        (groups["heavy"][i % len(groups["heavy"])], *picks[i % len(picks)])
        for i in range(rec.samples)
    ]
    for key, inputs in (("mixed", related_inputs), ("heavy", heavy_inputs)):
        if wanted(f"related/{key}"):
            rec.measure(
                f"related/{key}",
                lambda v: selectors.related_candidates(
                    user=operator, phone=v[0], place_id=v[1], category_id=v[2], now=now
                ),
                inputs,
                persona="operator",
            )

    def page_of(user, worklist, sort, page, filters=None):  # type: ignore[no-untyped-def]
        return lambda _v: window(
            worklist_orders(user=user, worklist=worklist, filters=filters, sort=sort, now=now),
            page=page,
        )

    done: set[str] = set()
    for persona in ("operator", "lead", "reviewer", "urban.handler", "urban.manager"):
        user = users[persona]
        for worklist in worklists_for(user):
            other = next(s for s in OTHER_SORTS[worklist.default_sort] if s in sorts_for(worklist))
            for sort in (worklist.default_sort, other):
                for page in (1, 5):
                    name = f"list/{persona}/{worklist.key}/{sort}/p{page}"
                    if wanted(name):
                        rec.measure(
                            name,
                            page_of(user, worklist, sort, page),
                            [None],
                            persona=persona,
                            worklist=worklist.key,
                            sort=sort,
                            page=page,
                        )
                        done.add(name)

    numbers = list(
        Order.objects.filter(
            id__in=[rng.randrange(1, max_id + 1) for _ in range(rec.samples)]
        ).values_list("number", flat=True)
    )
    # The search box (orders/search.py), from the rarest words to the commonest: an order
    # number; a house number on a road (≈1 in 3,000 orders); a community (≈1 in 100–300); a
    # category (≈1 in 20–100); a word in a sixth of all titles; words no order holds.
    place_names = sorted({name for (name,) in Place.objects.values_list("name")})
    category_names = sorted({name for (name,) in Category.objects.values_list("name")})
    text_queries = {
        "number": numbers,
        "house": [f"{rng.choice(ROADS)}{rng.randrange(1, 300)}号" for _ in range(rec.samples)],
        "place": [rng.choice(place_names) for _ in range(rec.samples)],
        "category": [rng.choice(category_names) for _ in range(rec.samples)],
        "common": [rng.choice(ASKS) for _ in range(rec.samples)],
        "none": [f"{rng.choice(ROADS)}{rng.choice('甲乙丙丁')}座" for _ in range(rec.samples)],
    }
    for persona in ("operator", "urban.handler"):
        user = users[persona]
        name = f"list/{persona}/all+status/-created_at/p1"
        if wanted(name):
            statuses = [Status.values[i % len(Status.values)] for i in range(rec.samples)]
            rec.measure(
                name,
                lambda s, user=user: window(
                    worklist_orders(
                        user=user, worklist=ALL, filters=OrderFilter(status=s), now=now
                    ),
                    page=1,
                ),
                statuses,
                persona=persona,
                worklist="all",
                filter="status",
            )
        filter_inputs = {
            "open": [OrderFilter(open_only=True)],
            "overdue": [OrderFilter(overdue=True)],
            "type": [
                OrderFilter(request_type=code)
                for code in ("complaint", "consult", "help", "report")
            ],
            "unit": [OrderFilter(unit=code) for code in ("urban", "housing", "market", "st_litai")],
        }
        for key, inputs in filter_inputs.items():
            name = f"list/{persona}/all+{key}/-created_at/p1"
            if wanted(name):
                rec.measure(
                    name,
                    lambda f, user=user: window(
                        worklist_orders(user=user, worklist=ALL, filters=f, now=now), page=1
                    ),
                    inputs,
                    persona=persona,
                    worklist="all",
                    filter=key,
                )
        for kind, queries in text_queries.items():
            name = f"list/{persona}/all+q:{kind}/-created_at/p1"
            if wanted(name):
                rec.measure(
                    name,
                    lambda q, user=user: window(
                        worklist_orders(user=user, worklist=ALL, filters=OrderFilter(q=q), now=now),
                        page=1,
                    ),
                    queries,
                    persona=persona,
                    worklist="all",
                    filter=f"q:{kind}",
                )

    # Every other sort the list page offers, first page, for every list of every persona.
    for persona in ("operator", "lead", "reviewer", "urban.handler", "urban.manager"):
        user = users[persona]
        for worklist in worklists_for(user):
            for sort in ALL_SORTS if worklist is ALL else QUEUE_SORTS:
                name = f"list/{persona}/{worklist.key}/{sort}/p1"
                if sort in sorts_for(worklist) and name not in done and wanted(name):
                    rec.measure(
                        name,
                        page_of(user, worklist, sort, 1),
                        [None],
                        persona=persona,
                        worklist=worklist.key,
                        sort=sort,
                        page=1,
                        sweep=True,
                    )

    for persona in ("operator", "urban.handler"):
        name = f"home/status_counts/{persona}"
        if wanted(name):
            user = users[persona]
            rec.measure(
                name,
                lambda _v, user=user: selectors.status_counts(user=user),
                [None],
                persona=persona,
                informative=True,
            )
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000, help="how many orders")
    parser.add_argument(
        "--keep", action="store_true", help="keep the data and reuse it when the count matches"
    )
    parser.add_argument("--samples", type=int, default=200, help="calls per measurement")
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds after which a measurement stops early"
    )
    parser.add_argument("--batch", type=int, default=5000, help="orders per bulk_create batch")
    parser.add_argument(
        "--only", default="", help="comma-separated parts of measurement names to run"
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="make the data, measure nothing"
    )
    parser.add_argument(
        "--no-explain", action="store_true", help="do not EXPLAIN slow measurements"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ["HOTLINE_DATA_KEY"] = DATA_KEY
    os.environ["DJANGO_SETTINGS_MODULE"] = "hotline.settings"
    os.environ.setdefault("HOTLINE_DEMO", "1")  # a throwaway install: no SECRET_KEY, plain HTTP
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    temporary = None
    if not os.environ.get("DATABASE_URL"):
        if not os.environ.get("HOTLINE_VAR_DIR"):
            temporary = tempfile.mkdtemp(prefix="bench-orders-")
            os.environ["HOTLINE_VAR_DIR"] = temporary
        sqlite_path = Path(os.environ["HOTLINE_VAR_DIR"]) / "hotline.sqlite3"
        if not (args.keep and _sqlite_count(sqlite_path) == args.orders):
            _remove_sqlite(sqlite_path)  # a fresh file is faster than deleting a million rows
    try:
        run(args)
    finally:
        if temporary and not args.keep:
            shutil.rmtree(temporary, ignore_errors=True)
        elif temporary:
            print(f"# kept in HOTLINE_VAR_DIR={temporary}", file=sys.stderr)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from hotline.catalogue.services import catalogue_load
    from hotline.demo.generate import demo_accounts
    from hotline.orders.models import Order

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    catalogue_load()
    demo_accounts()
    bench_operators()
    setup_s = time.perf_counter() - t0

    existing = Order.objects.count()
    made: dict = {"reused": True}
    if not (args.keep and existing == args.orders):
        if existing:
            wipe()
        made = generate(args.orders, args.batch, time.time())
        connection.close()  # measure on a fresh connection with the application's settings
    info = {
        "benchmark": "orders_data",
        "database": connection.vendor,
        **made,
        "setup_seconds": round(setup_s, 1),
        **db_size(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "date": datetime.now(UTC).date().isoformat(),
    }
    print(json.dumps(info), flush=True)
    if args.generate_only:
        return

    rec = Recorder(
        samples=args.samples,
        budget=args.budget,
        explain=not args.no_explain,
        vendor=connection.vendor,
        orders=Order.objects.count(),
    )
    began = time.perf_counter()
    try:
        measure_all(rec, total=args.orders, only=args.only)
    finally:
        print(
            f"\n{'measurement':<52} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'rows':>6}"
        )
        for line in rec.rows:
            mark = (
                ""
                if line.get("informative")
                else ("  ok" if line["p95_ms"] <= TARGET_MS else "  MISS")
            )
            print(
                f"{line['name']:<52} {line['samples']:>4} {line['p50_ms']:>8.1f} {line['p95_ms']:>8.1f} {line['max_ms']:>8.1f} {line['rows']:>6.0f}{mark}"
            )
        print(f"# measured in {time.perf_counter() - began:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
