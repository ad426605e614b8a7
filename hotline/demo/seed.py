"""Synthetic history at scale (`hotline seed --orders N [--days D] [--seed S]`, issue 16).

The demo (`generate`) drives a thousand orders through the real services; at millions that
would take days. The seeder writes the rows the services would have written — orders in every
state with their deadlines from the working-day clock, lead assignments, the history
(`OrderEvent`) of each step, replies, urges and supervisions, extensions, returns and
re-dispatches, reopenings, callback tasks and attempts with the callers' ratings, and the calls
behind the phone orders, missed calls and their return calls — straight into the tables in
batches: `COPY` on PostgreSQL, `executemany` on SQLite. No per-row ORM save runs, so no
history listener, notification or outbox row is made, and the statistics' stored days are
left for `hotline tick` (`stats_refresh`) to count.

Proportions follow the demo catalogue: types, categories by popularity (the lead unit of a
territorial category is the place's street or town, Art. 14(2)), places, channels, a hotline's
rhythm (weekdays busier, peaks in the late morning and afternoon, a little more in recent
months), callers who call again (30 % as many numbers as orders, the busiest calling most),
≈3 % confidential (Art. 23: the clear columns hold the placeholder, the texts are sealed under
the confidential key). Texts come from the demo's example requests. Every personal value is
sealed and digested as the fields would do it.

Deterministic: the same `--orders`, `--days`, `--seed` and `--until` give the same rows (the
sealed columns differ, their nonces are random; what they open to does not). It fills an empty
database only; each batch is one transaction, so a crash leaves whole batches and the command
says how far it came.
"""

import json
import math
import multiprocessing
import queue
import random
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.calendar.services import deadline_compute
from hotline.callbacks.models import CallbackAttempt, CallbackTask, MissedCall
from hotline.catalogue.models import (
    Category,
    EmergencySituation,
    ExclusionReason,
    MajorIncidentKind,
    RequestType,
)
from hotline.cti.models import Call
from hotline.knowledge.models import Entry
from hotline.orders.models import (
    CONFIDENTIAL_PLACEHOLDER,
    Action,
    Assignment,
    Order,
    OrderEvent,
    OrderNumberSequence,
    Reply,
    Urge,
)
from hotline.orders.search_text import search_text_for
from hotline.privacy.crypto import CONFIDENTIAL, PERSONAL, seal
from hotline.privacy.fields import EncryptedTextField
from hotline.privacy.personal import name_mask, phone_digest, phone_mask
from hotline.units.models import Place, Unit

DATA = Path(__file__).resolve().parent / "data" / "requests.jsonl"
DAY = 86400.0
BATCH_ORDERS = 20_000
SEED_OPERATORS = 40  # seed.op01 …: the seats of a province-level centre

# Open orders: the chance that an order received `age` days ago is still open is
# exp(-age / OPEN_DAYS); an open order's state leans to the early ones when it is young
# (state, weight, age scale in days).
OPEN_DAYS = 12.0
OPEN_STATES = [
    ("received", 4, 1.0),
    ("pending_review", 3, 2.0),
    ("pending_dispatch", 3, 1.5),
    ("dispatched", 6, 1.5),
    ("in_progress", 40, 14.0),
    ("return_review", 2, 4.0),
    ("reply_approval", 5, 6.0),
    ("reply_check", 6, 5.0),
    ("callback", 10, 6.0),
    ("unsatisfied", 3, 10.0),
]
UNIT_STATES = {"dispatched", "in_progress", "return_review", "reply_approval"}
MERGED_SHARE = 0.02
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
# How a closed order ended: dispatched and rated, answered at once (Art. 14(1)), not
# accepted (Art. 12), closed by rule after unanswered callbacks, closed by the host unit.
CLOSE_REASONS = {"callback": 66, "answered": 24, "not_accepted": 6, "by_rule": 3, "host": 1}
CHANNELS = {"phone": 80, "web": 12, "integrated": 3, "linkage_110": 3, "open311": 2}
HOURS = [7, 8, 8, 9, 9, 9, 10, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 15, 16, 16, 17, 18, 19]
HOURS += [20, 21, 22]
WEEKDAY_WEIGHT = [1.0, 1.0, 0.97, 0.95, 0.93, 0.72, 0.62]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅文斌晓东海燕玉兰志刚"
ROADS = ["神农路", "后稷路", "邰城路", "康乐路", "新桥路", "常乐路", "渭惠路", "西农路", "杨武路"]
REPLIES = [
    "经现场核实，已安排人员处理完毕，并已电话告知来电人。",
    "已联系来电人说明有关政策，来电人表示理解。",
    "已责成相关责任单位限期整改，后续将持续跟踪。",
    "经调查，反映情况属实，已依法处理并告知来电人处理结果。",
    "已协调有关部门现场查看，问题已解决。",
]
SATISFACTION = {"satisfied": 80, "basically": 13, "unsatisfied": 7}


@dataclass(frozen=True)
class SeedPlan:
    orders: int
    days: int
    seed: int
    until: datetime  # the history ends here (aware); "now" of the seeded data

    def __post_init__(self) -> None:
        if self.orders < 1:
            raise ValueError("--orders 须为正整数")
        if self.days < 1:
            raise ValueError("--days 须为正整数")


@dataclass
class SeedResult:
    orders: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    index_seconds: float = 0.0


class Table:
    """The rows of one model as the database takes them: every concrete column in order,
    defaults filled, datetimes given as epoch seconds, JSON serialised. On PostgreSQL each
    row is made straight into a line of COPY's text format, each column by the formatter of
    its type (the defaults formatted once): per-value adaptation while copying costs more
    than generating the row."""

    def __init__(self, model: type[models.Model], vendor: str) -> None:
        self.model = model
        self.name = model._meta.db_table
        fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in fields]
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.as_text = vendor == "postgresql"
        self.formats: list[Callable[[Any], Any]] = []
        self.template: list[Any] = []
        for f in fields:
            if f.has_default() and not callable(f.default):
                default: Any = f.default
            elif f.has_default() and f.default in (list, dict):
                default = f.default()
            elif f.null:
                default = None
            else:
                default = "" if isinstance(f, models.CharField | models.TextField) else None
            fmt = _format_for(f, text=self.as_text)
            self.formats.append(fmt)
            self.template.append(fmt(default))
        self.rows: list[Any] = []

    def add(self, **values: Any) -> None:
        row = self.template.copy()
        index, formats = self.index, self.formats
        for name, value in values.items():
            i = index[name]
            row[i] = formats[i](value)
        self.rows.append("\t".join(row) if self.as_text else row)

    def take(self) -> tuple[str, list[str], list[Any]]:
        rows, self.rows = self.rows, []
        return self.name, self.columns, rows


# COPY's text format: backslash, tab, newline and carriage return are escaped; \N is NULL.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _format_for(f: models.Field, *, text: bool) -> Callable[[Any], Any]:  # noqa: PLR0911
    """How a value of column `f` is written: COPY text on PostgreSQL, a parameter on SQLite."""
    if isinstance(f, models.DateTimeField):
        return _text_datetime if text else _sqlite_datetime
    if isinstance(f, models.JSONField):
        return _text_json if text else _json
    if not text:
        return _same
    if isinstance(f, models.BooleanField):
        return _text_bool
    if isinstance(f, EncryptedTextField):
        return _text_plain  # sealed values are base64 behind a prefix
    if isinstance(f, models.TextField):
        return _text_free
    if isinstance(f, models.CharField):
        return _text_plain
    return _text_number


def _same(value: Any) -> Any:
    return value


EVENT_COLUMNS = [
    "id",
    "order_id",
    "at",
    "action",
    "actor_id",
    "actor_unit_id",
    "from_status",
    "to_status",
    "reason",
    "data",
]
_DAYS: dict[int, str] = {}


def _text_datetime(value: float | None) -> str:
    """Epoch seconds as UTC text, e.g. 2026-11-02 08:15:03.250000+00 (the day's text kept)."""
    if value is None:
        return NULL
    day, seconds = divmod(value, DAY)
    text = _DAYS.get(int(day))
    if text is None:
        text = _DAYS[int(day)] = datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%d")
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{text} {hours:02d}:{minutes:02d}:{seconds:09.6f}+00"


def _sqlite_datetime(value: float | None) -> str | None:
    if value is None:
        return None
    return datetime.fromtimestamp(value, UTC).replace(tzinfo=None).isoformat(" ")


def _text_json(value: Any) -> str:
    return _json(value).translate(_COPY_ESCAPES)


def _text_bool(value: bool | None) -> str:
    return NULL if value is None else ("t" if value else "f")


def _text_plain(value: str | None) -> str:
    return NULL if value is None else value


def _text_free(value: str | None) -> str:
    return NULL if value is None else value.translate(_COPY_ESCAPES)


def _text_number(value: float | None) -> str:
    return NULL if value is None else str(value)


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _json(value: Any) -> str:
    return _ENCODE(value) if value else ("[]" if isinstance(value, list) else "{}")


Batch = list[tuple[str, list[str], list[Any]]]  # (table, columns, rows) per table


def write_batch(batch: Batch) -> None:
    """One batch of every table's rows, in one transaction, on this thread's connection."""
    with transaction.atomic():
        for name, columns, rows in batch:
            _write(name, columns, rows)


class Writer:
    """Writes batches while the next one is generated: on a thread of its own with its own
    connection (the database works while Python generates), or inline inside an outer
    transaction (a test's), where another connection would not see the rows."""

    def __init__(self) -> None:
        self.inline = connection.in_atomic_block
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        if not self.inline:
            self.thread = threading.Thread(target=self._run, name="seed-writer", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                if self.error is None:
                    write_batch(batch)
        except BaseException as exc:  # handed to the generating thread
            self.error = exc
            while self.queue.get() is not None:
                pass
        finally:
            connection.close()

    def put(self, batch: Batch) -> None:
        if self.inline:
            write_batch(batch)
            return
        self._check()
        self.queue.put(batch)

    def close(self) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        self._check()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error


def _write(name: str, columns_list: list[str], rows: list[Any]) -> None:
    if not rows:
        return
    columns = ", ".join(connection.ops.quote_name(c) for c in columns_list)
    table_name = name
    if connection.vendor == "postgresql":
        # Names from the models' metadata, never from input.
        sql = f"COPY {table_name} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for start in range(0, len(rows), 5000):
                copy.write("\n".join(rows[start : start + 5000]) + "\n")
    else:
        marks = ", ".join("?" for _ in columns_list)
        connection.connection.executemany(
            f"INSERT INTO {table_name} ({columns}) VALUES ({marks})",  # noqa: S608 - model names
            rows,
        )


class Catalogue:
    """What the generator draws from, read once."""

    def __init__(self, rng: random.Random) -> None:
        types = {t.code: t for t in RequestType.objects.all()}
        self.type_codes = [c for c in TYPE_WEIGHTS if c in types]
        self.type_weights = [TYPE_WEIGHTS[c] for c in self.type_codes]
        self.type_names = {c: types[c].name for c in self.type_codes}
        self.type_limit = {c: types[c].limit_working_days for c in self.type_codes}
        self.leaves = [
            c
            for c in Category.objects.filter(parent__isnull=False, is_active=True)
            .select_related("parent")
            .order_by("code")
            if c.lead_unit_id is not None
        ]
        if not self.leaves or not self.type_codes:
            raise ValueError("目录为空：请先运行 hotline migrate（载入目录）")
        self.leaf_weights = [
            GROUP_WEIGHTS.get(c.parent.code if c.parent else "", 1) for c in self.leaves
        ]
        self.lead_units = sorted({c.lead_unit_id for c in self.leaves if c.lead_unit_id})
        self.places = list(Place.objects.order_by("pk"))
        self.exclusions = list(ExclusionReason.objects.order_by("pk").values_list("pk", flat=True))
        self.situations = list(
            EmergencySituation.objects.order_by("pk").values_list("pk", flat=True)
        )
        self.incident_kinds = list(
            MajorIncidentKind.objects.order_by("pk").values_list("pk", flat=True)
        )
        self.units = {u.pk: u for u in Unit.objects.all()}
        self.centre = next((u.pk for u in self.units.values() if u.code == "callcenter"), None)
        users = dict(User.objects.values_list("username", "pk"))
        self.handler = {pk: users.get(f"{u.code}.handler") for pk, u in self.units.items()}
        self.manager = {pk: users.get(f"{u.code}.manager") for pk, u in self.units.items()}
        self.operators = [users[f"seed.op{i:02d}"] for i in range(1, SEED_OPERATORS + 1)]
        self.reviewer = users.get("reviewer") or self.operators[0]
        self.lead = users.get("lead") or self.operators[0]
        self.texts: dict[str, list[str]] = {}
        for line in DATA.read_text(encoding="utf-8").splitlines():
            request = json.loads(line)
            self.texts.setdefault(request.get("unit") or "", []).append(request["text"])
        self.unit_code = {pk: u.code for pk, u in self.units.items()}
        self.knowledge = [
            f"KB-{pk}" for pk in Entry.objects.order_by("pk").values_list("pk", flat=True)
        ]


def seed_operators() -> None:
    """The seats the seeded calls and orders are recorded by (unusable passwords)."""
    centre = Unit.objects.filter(code="callcenter").first()
    existing = set(
        User.objects.filter(username__startswith="seed.op").values_list("username", flat=True)
    )
    User.objects.bulk_create(
        User(
            username=f"seed.op{i:02d}",
            display_name=f"话务员{i:02d}",
            roles=[Role.OPERATOR],
            unit=centre,
            password="!",
        )
        for i in range(1, SEED_OPERATORS + 1)
        if f"seed.op{i:02d}" not in existing
    )


class Callers:
    """The callers' numbers by rank, derived from the rank (distinct, deterministic), with
    their sealed values made once each and kept."""

    def __init__(self, count: int, seed: int, *, base: int = 0) -> None:
        self.count = max(1, count)
        self.base = base  # this part's first rank: parts have callers of their own
        self.next_new = 0
        self.k = max(1.0, self.count / 200)
        self.offset = (seed * 7919) % 10**9
        self._sealed: dict[tuple[int, str, str], str] = {}
        self._plain: dict[int, tuple[str, str, str, str, str]] = {}

    def pick(self, rng: random.Random, remaining_orders: int) -> int:
        """A new caller while new numbers are due, else one who called before (Zipf-like:
        weight 1 / (rank + k), the busiest numbers calling most)."""
        left = self.count - self.next_new
        if self.next_new == 0 or (left > 0 and rng.random() < left / max(1, remaining_orders)):
            self.next_new += 1
            return self.base + self.next_new - 1
        n, k = self.next_new, self.k
        return self.base + min(n - 1, int(k * ((n + k) / k) ** rng.random() - k))

    def plain(self, rank: int) -> tuple[str, str, str, str, str]:
        """(phone, name, digest, phone mask, name mask)."""
        known = self._plain.get(rank)
        if known is None:
            number = (rank * 387_420_489 + self.offset) % 10**9  # 3^18: a bijection mod 10^9
            phone = f"1{'3578'[rank % 4]}{number:09d}"
            h = rank * 2_654_435_761 % 2**32
            name = (
                "" if h % 100 < 15 else SURNAMES[h % len(SURNAMES)] + GIVEN[(h >> 8) % len(GIVEN)]
            )
            if name and (h >> 16) % 2:
                name += GIVEN[(h >> 20) % len(GIVEN)]
            known = (phone, name, phone_digest(phone), phone_mask(phone), name_mask(name))
            self._plain[rank] = known
        return known

    def sealed(self, rank: int, value: str, context: str, ring: str) -> str:
        if not value:
            return ""
        if ring == CONFIDENTIAL:
            return seal(value, context=context, key=CONFIDENTIAL)
        key = (rank, context, value)
        known = self._sealed.get(key)
        if known is None:
            known = self._sealed[key] = seal(value, context=context, key=PERSONAL)
        return known


# The id ranges of a part: each table's ids of part p start at (orders before p) × this, so
# that parts written by different processes never collide (checked as they are given out).
ID_SPACE: dict[type[models.Model], int] = {
    Order: 1,
    Assignment: 3,
    OrderEvent: 40,
    Reply: 3,
    Urge: 2,
    CallbackTask: 1,
    CallbackAttempt: 4,
    MissedCall: 1,
    Call: 8,
}
PARTS = 8  # fixed, so that the rows do not depend on how many processes write them


@dataclass(frozen=True)
class Part:
    """A run of consecutive days and the orders they receive, generated on its own: its own
    random stream, its own callers, its own id ranges."""

    number: int
    days: tuple[tuple[date, int], ...]  # (day, orders received that day)
    orders_before: int
    orders: int


def plan_parts(plan: SeedPlan) -> list[Part]:
    """The days of the history and how many orders each receives — weekdays busier than
    weekends, a little more in recent months, the last day only up to `until` — cut into
    PARTS runs of about equal orders."""
    zone = timezone.get_default_timezone()
    last_day = plan.until.astimezone(zone).date()
    first_day = last_day - timedelta(days=plan.days - 1)
    days = [first_day + timedelta(days=i) for i in range(plan.days)]
    weights = [
        WEEKDAY_WEIGHT[d.weekday()] * (1 + 0.3 * i / max(1, plan.days - 1))
        for i, d in enumerate(days)
    ]
    start_of_last = datetime(last_day.year, last_day.month, last_day.day, tzinfo=zone)
    weights[-1] *= min(1.0, max(0.05, (plan.until - start_of_last).total_seconds() / DAY))
    whole = sum(weights)
    counts, done, cumulative = [], 0, 0.0
    for weight in weights:
        cumulative += weight
        count = round(plan.orders * cumulative / whole) - done
        counts.append(count)
        done += count
    parts: list[Part] = []
    run: list[tuple[date, int]] = []
    before = in_run = 0
    for day, count in zip(days, counts, strict=True):
        run.append((day, count))
        in_run += count
        if in_run >= plan.orders * (len(parts) + 1) / PARTS - before and len(parts) < PARTS - 1:
            parts.append(Part(len(parts), tuple(run), before, in_run))
            before += in_run
            run, in_run = [], 0
    if run:
        parts.append(Part(len(parts), tuple(run), before, in_run))
    return parts


@dataclass
class PartResult:
    orders: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    last_ids: dict[str, int] = field(default_factory=dict)
    day_numbers: dict[str, int] = field(default_factory=dict)


class Seeder:
    def __init__(self, plan: SeedPlan, part: Part, *, progress: Callable[[str], None]) -> None:
        self.plan = plan
        self.part = part
        self.progress = progress
        self.rng = random.Random(f"{plan.seed}:{part.number}")
        self.cat = Catalogue(self.rng)
        vendor = connection.vendor
        self.t: dict[type[models.Model], Table] = {
            model: Table(model, vendor) for model in SEEDED_MODELS
        }
        self.ids = {model: part.orders_before * ID_SPACE[model] for model in self.t}
        self.id_limit = {
            model: (part.orders_before + part.orders) * ID_SPACE[model] for model in self.t
        }
        self.now = plan.until.timestamp()
        self.zone = timezone.get_default_timezone()
        callers = max(10, round(plan.orders * 0.3))
        self.callers = Callers(
            round(part.orders * 0.3),
            plan.seed,
            base=round(callers * part.orders_before / plan.orders),
        )
        self.last_of_caller: dict[int, tuple[int, str]] = {}
        self.previous: tuple[int | None, str] = (None, "")
        self.sealed_texts: dict[tuple[str, str], str] = {}
        self.day_numbers: dict[str, int] = {}
        self.result = PartResult()

    # --- ids and small helpers ------------------------------------------------------------

    def _id(self, model: type[models.Model]) -> int:
        self.ids[model] += 1
        if self.ids[model] > self.id_limit[model]:
            raise RuntimeError(f"{model._meta.label}: part {self.part.number} outgrew its ids")
        return self.ids[model]

    def _after(self, t: float, seconds: float) -> float:
        """`seconds` after `t`, or — where that would pass the end of the history — half-way
        from `t` to the end: a young order's steps stay in order and before now."""
        then = t + seconds
        return then if then < self.now - 1 else t + (self.now - t) / 2

    def _dt(self, ts: float) -> datetime:
        return datetime.fromtimestamp(ts, UTC)

    def _due(self, start: float, working_days: int) -> float:
        return deadline_compute(start=self._dt(start), working_days=working_days).due_at.timestamp()

    def _event(
        self,
        order_id: int,
        at: float,
        action: str,
        actor: int | None,
        unit: int | None,
        before: str,
        after: str,
        reason: str = "",
        **data: Any,
    ) -> None:
        table = self.t[OrderEvent]
        if table.as_text and table.columns == EVENT_COLUMNS:
            # The bulk of all rows: the COPY line written out directly.
            table.rows.append(
                f"{self._id(OrderEvent)}\t{order_id}\t{_text_datetime(at)}\t{action}\t"
                f"{NULL if actor is None else actor}\t{NULL if unit is None else unit}\t"
                f"{before}\t{after}\t{_text_free(reason) if reason else ''}\t{_text_json(data)}"
            )
            return
        table.add(
            id=self._id(OrderEvent),
            order_id=order_id,
            at=at,
            action=action,
            actor_id=actor,
            actor_unit_id=unit,
            from_status=before,
            to_status=after,
            reason=reason,
            data=data,
        )

    def _sealed_text(self, text: str, context: str) -> str:
        key = (text, context)
        known = self.sealed_texts.get(key)
        if known is None:
            known = self.sealed_texts[key] = seal(text, context=context, key=CONFIDENTIAL)
        return known

    # --- the whole run ----------------------------------------------------------------------

    def run(self) -> PartResult:
        began = time.perf_counter()
        self.writer = Writer()
        try:
            done = pending = 0
            for day, count in self.part.days:
                for ts in self._times(day, count):
                    done += 1
                    self._order(ts, self.part.orders - done)
                pending += count
                if pending >= BATCH_ORDERS:
                    self._flush()
                    pending = 0
                    rate = done / (time.perf_counter() - began)
                    self.progress(
                        f"第 {self.part.number + 1} 段：{done:,} / {self.part.orders:,}（{rate:,.0f} 单/秒）"
                    )
            self._flush()
        finally:
            self.writer.close()
        self.result.day_numbers = self.day_numbers
        self.result.last_ids = {model._meta.label: self.ids[model] for model in self.t}
        return self.result

    def _times(self, day: date, count: int) -> list[float]:
        rng = self.rng
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.zone).timestamp()
        times = []
        for _ in range(count):
            ts = midnight + rng.choice(HOURS) * 3600 + rng.random() * 3600
            if ts > self.now - 60:
                ts = midnight + (self.now - 60 - midnight) * rng.random()
            times.append(ts)
        times.sort()
        return times

    def _flush(self) -> None:
        """Hand the buffered rows of every table to the writer, as one batch."""
        batch = []
        for model, table in self.t.items():
            batch.append(table.take())
            self.result.rows[model._meta.label] = self.result.rows.get(model._meta.label, 0) + len(
                batch[-1][2]
            )
        self.writer.put(batch)

    # --- one order --------------------------------------------------------------------------

    def _order(self, created: float, remaining: int) -> None:  # noqa: C901, PLR0912, PLR0915
        rng, cat = self.rng, self.cat
        now = self.now
        pk = self._id(Order)
        self.result.orders += 1
        age = (now - created) / DAY

        # Fate: open (which state), merged or closed (how).
        status, close = "closed", ""
        if rng.random() < math.exp(-age / OPEN_DAYS):
            status = rng.choices(
                [s for s, _w, _a in OPEN_STATES],
                weights=[w * math.exp(-age / a) for _s, w, a in OPEN_STATES],
            )[0]
        elif rng.random() < MERGED_SHARE:
            status = "merged"
        else:
            close = rng.choices(list(CLOSE_REASONS), weights=list(CLOSE_REASONS.values()))[0]
        if status == "merged" and self.previous[0] is None:
            status, close = "closed", "answered"  # nothing to merge into yet
        handled = status not in ("received", "pending_review", "pending_dispatch", "merged")
        handled = handled and close not in ("answered", "not_accepted")

        rtype = rng.choices(cat.type_codes, weights=cat.type_weights)[0]
        if status == "pending_review":
            rtype = "complaint" if rng.random() < 0.85 else "report"
        elif rtype == "emergency" and (handled or status != "closed"):
            rtype = "help"
        elif rtype == "emergency":
            close = "answered"  # guided to 110 and the rescue lines at once (Art. 13)
        channel = rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0]
        category = None
        if handled or status in ("pending_review", "pending_dispatch") or rng.random() < 0.7:
            category = rng.choices(cat.leaves, weights=cat.leaf_weights)[0]
        place = None
        if (category is not None and category.territorial) or rng.random() < 0.5:
            place = rng.choice(cat.places)
        unit_id = None
        if handled and category is not None:
            unit_id = (
                place.unit_id
                if category.territorial and place is not None
                else category.lead_unit_id
            )
        if handled and unit_id is None:
            handled, status, close = False, "closed", "answered"

        # Caller and texts.
        caller = self.callers.pick(rng, remaining)
        phone, name, digest, p_mask, n_mask = self.callers.plain(caller)
        confidential = rng.random() < 0.03
        ring = CONFIDENTIAL if confidential else PERSONAL
        operator = rng.choice(cat.operators)
        where = place.name if place is not None else ""
        what = category.name if category is not None else cat.type_names[rtype]
        code = cat.unit_code.get(category.lead_unit_id or 0, "") if category is not None else ""
        pool = cat.texts.get(code or "") or cat.texts.get("") or []
        if pool and rng.random() < 0.6:
            content = rng.choice(pool)
        else:
            content = f"来电人反映{where}{what}方面的问题，希望有关部门尽快核实处理。"
        address = (
            f"{where}{rng.choice(ROADS)}{rng.randrange(1, 300)}号"
            if place or rng.random() < 0.3
            else ""
        )
        title = f"{where}{what}{cat.type_names[rtype]}"[:120]

        local = datetime.fromtimestamp(created, self.zone)
        key = f"{settings.HOTLINE_ORDER_PREFIX}{local:%Y%m%d}"
        seq = self.day_numbers[key] = self.day_numbers.get(key, 0) + 1

        values: dict[str, Any] = {
            "id": pk,
            "_caller": caller,
            "number": f"{key}{seq:05d}",
            "channel": channel,
            "request_type_id": rtype,
            "category_id": category.pk if category is not None else None,
            "caller_name": self.callers.sealed(caller, name, "orders.order.caller_name", ring),
            "caller_phone": self.callers.sealed(caller, phone, "orders.order.caller_phone", ring),
            "caller_name_mask": n_mask,
            "caller_phone_mask": p_mask,
            "caller_phone_digest": digest,
            "place_id": place.pk if place is not None else None,
            "is_confidential": confidential,
            "tracker_id": operator,
            "created_by_id": operator,
            "created_at": created,
        }
        if confidential:
            values.update(
                title=CONFIDENTIAL_PLACEHOLDER,
                content=CONFIDENTIAL_PLACEHOLDER,
                address="",
                search_text=search_text_for(CONFIDENTIAL_PLACEHOLDER, ""),
                confidential_title=self._sealed_text(title, "orders.order.confidential_title"),
                confidential_content=self._sealed_text(
                    content, "orders.order.confidential_content"
                ),
                confidential_address=self._sealed_text(address, "orders.order.confidential_address")
                if address
                else "",
            )
        else:
            values.update(
                title=title,
                content=content,
                address=address,
                search_text=search_text_for(title, address),
            )
        if channel == "linkage_110":
            values["linkage_ref"] = f"110-{local:%Y%m%d}-{pk:08d}"

        t = created
        self._event(
            pk, t, Action.CREATE, operator, cat.centre, "", "received", channel=channel, type=rtype
        )
        if channel == "phone":
            self._call_in(caller, created, operator, pk)

        state = "received"
        if status == "received":
            pass
        elif status == "merged":
            into, into_number = self.last_of_caller.get(caller) or self.previous
            t = self._after(t, rng.uniform(60, 900))
            values.update(merged_into_id=into)
            self._event(
                pk, t, Action.MERGE, operator, cat.centre, state, "merged", into=into_number
            )
            state = "merged"
        elif close == "not_accepted":
            t = self._after(t, rng.uniform(30, 600))
            exclusion = rng.choice(cat.exclusions) if cat.exclusions else None
            values.update(exclusion_id=exclusion, close_reason="not_accepted", closed_at=t)
            self._event(pk, t, Action.NOT_ACCEPT, operator, cat.centre, state, "closed")
            state = "closed"
        elif close == "answered":
            t = self._after(t, rng.uniform(30, 600))
            if rtype == "emergency" and cat.situations:
                values.update(
                    emergency_situation_id=rng.choice(cat.situations),
                    rescue_lines=["110"] + (["119"] if rng.random() < 0.3 else []),
                )
                self._event(pk, t, Action.EMERGENCY_ALERT, operator, cat.centre, state, state)
                if rng.random() < 0.5:
                    self._event(
                        pk, t + 5, Action.TRANSFER_POLICE, operator, cat.centre, state, state
                    )
            knowledge = rng.choice(cat.knowledge) if cat.knowledge and rng.random() < 0.6 else ""
            values.update(answer="已向来电人解答。", close_reason="answered", closed_at=t)
            self._event(
                pk, t, Action.ANSWER, operator, cat.centre, state, "closed", knowledge=knowledge
            )
            state = "closed"
        elif status in ("pending_review", "pending_dispatch"):
            t = self._after(t, rng.uniform(60, 900))
            self._event(pk, t, Action.SUBMIT_REVIEW, operator, cat.centre, state, "pending_review")
            state = "pending_review"
            if status == "pending_dispatch":
                t = self._after(t, rng.uniform(60, 4 * 3600))
                self._event(pk, t, Action.REVIEW_APPROVE, cat.reviewer, cat.centre, state, status)
                state = status
        else:
            assert unit_id is not None and category is not None  # handled: both were drawn
            state = self._handle(pk, values, t, status, close, rtype, unit_id, category, operator)
        values["status"] = state
        values["updated_at"] = max(
            v
            for v in (
                created,
                values.get("closed_at"),
                values.get("replied_at"),
                values.get("signed_at"),
                values.get("dispatched_at"),
            )
            if v is not None
        )
        if state != "merged":
            self.last_of_caller[caller] = self.previous = (pk, values["number"])
        values.pop("_caller")
        self.t[Order].add(**values)

    def _handle(  # noqa: C901, PLR0912, PLR0915
        self,
        pk: int,
        values: dict[str, Any],
        t: float,
        status: str,
        close: str,
        rtype: str,
        unit_id: int,
        category: Category,
        operator: int,
    ) -> str:
        """Dispatch and everything after it, up to `status` (or closed by `close`)."""
        rng, cat, now = self.rng, self.cat, self.now
        limit = category.limit_working_days or cat.type_limit.get(rtype) or 15
        centre = cat.centre
        state = "received"
        if rtype in ("complaint", "report") and rng.random() < 0.5:
            t = self._after(t, rng.uniform(60, 900))
            self._event(pk, t, Action.SUBMIT_REVIEW, operator, centre, state, "pending_review")
            t = self._after(t, rng.uniform(300, 4 * 3600))
            self._event(
                pk,
                t,
                Action.REVIEW_APPROVE,
                cat.reviewer,
                centre,
                "pending_review",
                "pending_dispatch",
            )
            state = "pending_dispatch"
        t = self._after(t, rng.uniform(120, 3 * 3600))
        if status == "dispatched":
            t = max(t, now - rng.expovariate(1 / (0.3 * DAY)))
            t = min(t, now - 1)
        dispatched = t
        due = self._due(dispatched, limit)
        values.update(dispatched_at=dispatched, limit_working_days=limit, lead_unit_id=unit_id)
        self._event(
            pk,
            t,
            Action.DISPATCH,
            operator,
            centre,
            state,
            "dispatched",
            lead_unit=cat.unit_code[unit_id],
            due_at=self._dt(due).isoformat(),
        )
        state = "dispatched"
        assignment = self._id(Assignment)
        assignments = [
            dict(
                id=assignment,
                order_id=pk,
                unit_id=unit_id,
                role="lead",
                is_active=True,
                assigned_at=t,
            )
        ]

        def finish(final: str) -> str:
            values["due_at"] = due
            for row in assignments:
                self.t[Assignment].add(**row)
            return final

        if status == "dispatched":
            return finish("dispatched")
        # Signed: mostly within hours, some late (the sign-on-time figure).
        t = self._after(
            t, (rng.uniform(600, 6 * 3600) if rng.random() < 0.93 else rng.uniform(1, 3) * DAY)
        )
        handler = cat.handler.get(unit_id)
        values.update(signed_at=t, handler_id=handler)
        self._event(
            pk,
            t,
            Action.SIGN,
            handler,
            unit_id,
            state,
            "in_progress",
            handler=f"{cat.unit_code[unit_id]}.handler",
        )
        state = "in_progress"

        # A return (退单): the unit says it is not theirs; the host sends it to another unit.
        returned = status == "return_review" or rng.random() < 0.03
        if returned:
            t = self._after(t, rng.uniform(3600, DAY))
            values["return_count"] = 1
            values["status_before_return"] = state
            self._event(
                pk,
                t,
                Action.RETURN,
                handler,
                unit_id,
                state,
                "return_review",
                reason="不属于本单位职责",
            )
            state = "return_review"
            if status == "return_review":
                return finish(state)
            other = rng.choice([u for u in cat.lead_units if u != unit_id])
            t = self._after(t, rng.uniform(1800, DAY))
            assignments[0].update(is_active=False, ended_at=t)
            assignments.append(
                dict(
                    id=self._id(Assignment),
                    order_id=pk,
                    unit_id=other,
                    role="lead",
                    is_active=True,
                    assigned_at=t,
                )
            )
            unit_id, handler = other, cat.handler.get(other)
            due = self._due(t, limit)
            values.update(lead_unit_id=unit_id, handler_id=handler, dispatched_at=t)
            self._event(
                pk,
                t,
                Action.RETURN_UPHELD,
                cat.reviewer,
                centre,
                state,
                "dispatched",
                lead_unit=cat.unit_code[unit_id],
                due_at=self._dt(due).isoformat(),
            )
            t = self._after(t, rng.uniform(600, 6 * 3600))
            values["signed_at"] = t
            self._event(pk, t, Action.SIGN, handler, unit_id, "dispatched", "in_progress")
            state = "in_progress"

        # Urged (催办) or supervised (督办).
        if rng.random() < 0.1:
            kind = "supervise" if rng.random() < 0.1 else "urge"
            at = self._after(t, rng.uniform(DAY, 5 * DAY))
            self.t[Urge].add(
                id=self._id(Urge),
                order_id=pk,
                unit_id=unit_id,
                kind=kind,
                note="请加快办理。",
                by_id=cat.lead if kind == "urge" else cat.reviewer,
                at=at,
                acknowledged_by_id=handler,
                acknowledged_at=self._after(at, 3600),
            )
            values["urge_count"] = 1
            if kind == "supervise":
                values["is_supervised"] = True
            action = Action.SUPERVISE if kind == "supervise" else Action.URGE
            self._event(pk, at, action, cat.lead, centre, state, state, reason="请加快办理。")

        # An extension (延期, Art. 15) for some complaints and reports.
        if rtype in ("complaint", "report") and rng.random() < 0.08:
            at = self._after(t, rng.uniform(DAY, 4 * DAY))
            self._event(
                pk,
                at,
                Action.EXTENSION_REQUEST,
                handler,
                unit_id,
                state,
                state,
                reason="需协调多部门",
            )
            if status == "in_progress" and at > now - 2 * DAY:
                values["extension_status"] = "requested"
            elif rng.random() < 0.8:
                old = due
                due = self._due(due - 1, 5)
                values.update(extension_status="approved", extension_count=1)
                self._event(
                    pk,
                    at + 3600,
                    Action.EXTENSION_APPROVED,
                    cat.reviewer,
                    centre,
                    state,
                    state,
                    old_due_at=self._dt(old).isoformat(),
                    due_at=self._dt(due).isoformat(),
                )
            else:
                values["extension_status"] = "denied"
                self._event(
                    pk, at + 3600, Action.EXTENSION_DENIED, cat.reviewer, centre, state, state
                )
        if status == "in_progress":
            return finish(state)

        # The reply: approved in the unit, checked by an operator (Art. 15, 16).
        span = max(3600.0, due - t)
        late = rng.random() >= 0.92  # replied after the limit (the on-time figure)
        t = self._after(
            t, span + rng.uniform(1, 5) * DAY if late else rng.uniform(0.1, 0.95) * span
        )
        values["replied_at"] = t
        reply = self._id(Reply)
        reply_state = "pending_approval"
        self._event(pk, t, Action.REPLY, handler, unit_id, state, "reply_approval", reply=reply)
        state = "reply_approval"
        if status != "reply_approval":
            t = self._after(t, rng.uniform(600, DAY))
            self._event(
                pk,
                t,
                Action.REPLY_APPROVED,
                cat.manager.get(unit_id),
                unit_id,
                state,
                "reply_check",
                reply=reply,
            )
            state, reply_state = "reply_check", "pending_check"
        checker = None
        if status not in ("reply_approval", "reply_check"):
            t = self._after(t, rng.uniform(600, DAY))
            checker = rng.choice(cat.operators)
            self._event(
                pk, t, Action.REPLY_ACCEPTED, checker, centre, state, "callback", reply=reply
            )
            state, reply_state = "callback", "accepted"
        self.t[Reply].add(
            id=reply,
            order_id=pk,
            unit_id=unit_id,
            author_id=handler or operator,
            text=rng.choice(REPLIES),
            state=reply_state,
            created_at=values["replied_at"],
            approved_by_id=cat.manager.get(unit_id) if reply_state != "pending_approval" else None,
            checked_by_id=checker,
        )
        if state != "callback":
            return finish(state)

        # The callback (回访, Art. 16): tries until the caller is reached or the rule closes it.
        task = self._id(CallbackTask)
        opened, tries = t, 0
        reached = False
        rated = ""
        if status == "callback":
            tries = rng.choice((0, 0, 1))
        else:
            while not reached and tries < 3:
                t = self._after(t, rng.uniform(1800, DAY))
                reached = close != "by_rule" and rng.random() < 0.8
                if close == "host":
                    reached = True
                agent = rng.choice(cat.operators)
                self.t[CallbackAttempt].add(
                    id=self._id(CallbackAttempt),
                    task_id=task,
                    operator_id=agent,
                    at=t,
                    reached=reached,
                    note="" if reached else "无人接听",
                )
                self._call_out(values["_caller"], t, agent, pk, reached)
                tries += 1
            if reached:
                rated = rng.choices(list(SATISFACTION), weights=list(SATISFACTION.values()))[0]
                if status == "unsatisfied" or close == "host":
                    rated = "unsatisfied"
                values["satisfaction"] = rated
                self._event(
                    pk,
                    t,
                    Action.CALLBACK,
                    agent,
                    centre,
                    "callback",
                    "unsatisfied" if rated == "unsatisfied" else "closed",
                    satisfaction=rated,
                )
        outcome, closed_at = "", None
        if status == "callback":
            pass
        elif status == "unsatisfied":
            state = "unsatisfied"
            if rng.random() < 0.5:
                values["reopen_count"] = 1
            outcome, closed_at = "rated", t
        elif rated == "unsatisfied" and close == "callback" and rng.random() < 0.5:
            # Reopened (重办) and handled again, then rated.
            t = self._after(t, rng.uniform(3600, DAY))
            values["reopen_count"] = 1
            self._event(
                pk,
                t,
                Action.REOPEN,
                cat.reviewer,
                centre,
                "unsatisfied",
                "in_progress",
                reason="来电人不满意",
            )
            due = self._due(t, limit)
            t = self._after(t, rng.uniform(DAY, 5 * DAY))
            values["replied_at"] = t
            self._event(pk, t, Action.REPLY, handler, unit_id, "in_progress", "reply_approval")
            t = self._after(t, rng.uniform(600, DAY))
            self._event(pk, t, Action.REPLY_ACCEPTED, checker, centre, "reply_check", "callback")
            t = self._after(t, rng.uniform(1800, DAY))
            rated = "basically" if rng.random() < 0.6 else "satisfied"
            values["satisfaction"] = rated
            self._event(
                pk, t, Action.CALLBACK, checker, centre, "callback", "closed", satisfaction=rated
            )
            state, outcome, closed_at = "closed", "rated", t
        else:
            state = "closed"
            reason = "callback" if reached else "by_rule"
            if close == "host":
                reason = "host_decision"
            outcome = {"callback": "rated", "by_rule": "unreachable", "host_decision": "closed"}[
                reason
            ]
            t = self._after(t, rng.uniform(60, 3600))
            closed_at = t
            values.update(close_reason=reason, closed_at=t)
            self._event(
                pk,
                t,
                Action.CLOSE,
                None if reason == "by_rule" else cat.lead,
                centre,
                "unsatisfied" if rated == "unsatisfied" else "callback",
                "closed",
                close_reason=reason,
            )
        self.t[CallbackTask].add(
            id=task,
            order_id=pk,
            required=rtype in ("complaint", "report") or rng.random() < 0.3,
            basis="类型规定回访" if rtype in ("complaint", "report") else "抽样回访",
            opened_at=opened,
            attempts=tries - (1 if reached else 0),
            last_attempt_at=t if tries else None,
            closed_at=closed_at,
            outcome=outcome,
        )
        return finish(state)

    # --- calls ------------------------------------------------------------------------------

    def _call_in(self, caller: int, created: float, agent: int, order_id: int) -> None:
        """The call a phone order was registered in; before it, sometimes a call nobody
        answered (a missed call, mostly returned)."""
        rng = self.rng
        phone, _name, digest, mask, _n = self.callers.plain(caller)
        if rng.random() < 0.05:
            missed_at = created - rng.uniform(600, 3 * 3600)
            missed = self._id(MissedCall)
            returned = rng.random() < 0.85
            self.t[MissedCall].add(
                id=missed,
                phone=self.callers.sealed(caller, phone, "callbacks.missedcall.phone", PERSONAL),
                phone_mask=mask,
                phone_digest=digest,
                called_at=missed_at,
                source="cti",
                returned_at=self._after(missed_at, rng.uniform(300, 4 * 3600))
                if returned
                else None,
                returned_by_id=agent if returned else None,
                result="已回拨" if returned else "",
            )
            self._call(caller, "in", missed_at, None, rng.randint(20, 90), None, None, missed)
        wait = int(rng.expovariate(1 / 7.0)) if rng.random() < 0.9 else rng.randint(16, 120)
        talk = rng.randint(60, 540)
        self._call(caller, "in", created - talk - wait, agent, wait, talk, order_id)

    def _call_out(self, caller: int, at: float, agent: int, order_id: int, reached: bool) -> None:
        talk = self.rng.randint(40, 240) if reached else None
        self._call(caller, "out", at, agent, 8 if reached else 20, talk, order_id)

    def _call(
        self,
        caller: int,
        direction: str,
        start: float,
        agent: int | None,
        wait: int,
        talk: int | None,
        order_id: int | None,
        missed: int | None = None,
    ) -> None:
        """One call as the call centre reports it: answered after `wait` seconds and talked
        `talk` seconds, or (`talk` None) ended unanswered after `wait` seconds."""
        phone, _name, digest, mask, _n = self.callers.plain(caller)
        answered = talk is not None
        ended = start + wait + (talk or 0)
        unanswered = "cancel" if direction == "in" else "noAnswer"  # caller gave up / nobody
        cause = "normalClearing" if answered else unanswered
        self.t[Call].add(
            id=self._id(Call),
            call_id=self._call_id(),
            direction=direction,
            phone=self.callers.sealed(caller, phone, "cti.call.phone", PERSONAL),
            phone_mask=mask,
            phone_digest=digest,
            line="12345",
            agent_id=agent,
            started_at=start,
            rang_at=start,
            answered_at=start + wait if answered else None,
            ended_at=ended,
            cause=cause,
            answered=answered,
            wait_seconds=wait if answered and direction == "in" else None,
            talk_seconds=talk,
            missed_call_id=missed,
            order_id=order_id,
            received_at=ended,
        )

    def _call_id(self) -> str:
        return f"seed-{self.plan.seed}-{self.ids[Call]:010d}"


SEEDED_MODELS: tuple[type[models.Model], ...] = (
    Order,
    Assignment,
    OrderEvent,
    Reply,
    Urge,
    CallbackTask,
    CallbackAttempt,
    MissedCall,
    Call,
)


def _finish(day_numbers: dict[str, int]) -> None:
    """Sequences past the ids written; the day counters of order numbers, so that orders
    registered afterwards continue each day's numbering."""
    with transaction.atomic():
        existing = dict(OrderNumberSequence.objects.values_list("day_key", "last"))
        OrderNumberSequence.objects.bulk_create(
            [
                OrderNumberSequence(day_key=key, last=last)
                for key, last in day_numbers.items()
                if key not in existing
            ],
            batch_size=1000,
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in SEEDED_MODELS:
                    # The models' own table names, never from input.
                    table = model._meta.db_table
                    sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"  # noqa: S608, E501
                    cursor.execute(sql)


def seed(
    plan: SeedPlan, *, workers: int = 2, progress: Callable[[str], None] = lambda _line: None
) -> SeedResult:
    """Fill an empty database with `plan.orders` orders of synthetic history, the parts
    generated by `workers` processes (each a core; the rows do not depend on how many)."""
    began = time.perf_counter()
    indexes_restore(progress)
    if Order.objects.exists():
        raise ValueError("数据库中已有工单：hotline seed 只写入空数据库（请用新的数据库）")
    seed_operators()
    parts = plan_parts(plan)
    # Inside an outer transaction (a test's) everything runs here, on its connection.
    inline = connection.in_atomic_block or workers <= 1
    deferred = connection.vendor == "postgresql" and not connection.in_atomic_block
    if deferred:
        indexes_drop(progress)
    if inline:
        results = [Seeder(plan, part, progress=progress).run() for part in parts]
    else:
        connection.close()  # each process opens its own
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_run_part, [(plan, part) for part in parts]))
    result = SeedResult()
    day_numbers: dict[str, int] = {}
    for part in results:
        result.orders += part.orders
        for label, count in part.rows.items():
            result.rows[label] = result.rows.get(label, 0) + count
        day_numbers.update(part.day_numbers)
    _finish(day_numbers)
    result.seconds = time.perf_counter() - began
    if deferred:
        started = time.perf_counter()
        indexes_restore(progress)
        with connection.cursor() as cursor:
            for model in SEEDED_MODELS:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
        result.index_seconds = time.perf_counter() - started
    return result


def _run_part(job: tuple[SeedPlan, Part]) -> PartResult:
    """One part in a worker process (forked: Django is set up, the connection is its own)."""
    plan, part = job
    try:
        return Seeder(
            plan, part, progress=lambda line: print(f"# {line}", file=sys.stderr, flush=True)
        ).run()
    finally:
        connection.close()


# --- PostgreSQL: indexes built once after the load ------------------------------------------
#
# Maintaining some forty secondary indexes row by row while tens of millions of rows arrive is
# most of the database's work (and random I/O once an index outgrows the cache); building each
# once from the loaded table is a sort. The definitions are kept in a file beside the database
# until every index is back, so that a run killed half-way gets them rebuilt by the next run
# (`hotline seed` does that first) rather than silently losing them. Primary keys and unique
# constraints stay: they are what keeps the loaded rows correct.


def _pending_path() -> Path:
    return Path(settings.VAR_DIR) / "seed-indexes.json"


def indexes_drop(progress: Callable[[str], None]) -> None:
    tables = [model._meta.db_table for model in SEEDED_MODELS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
            "ORDER BY i.tablename, i.indexname",
            [tables],
        )
        pending = [[name, definition] for name, definition in cursor.fetchall()]
    path = _pending_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(pending, ensure_ascii=False, indent=1), encoding="utf-8")
    with transaction.atomic(), connection.cursor() as cursor:
        for name, _definition in pending:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    progress(f"暂时删除 {len(pending)} 个二级索引，写入后重建")


def indexes_restore(progress: Callable[[str], None]) -> None:
    """Build the indexes a load dropped (this run's, or an interrupted run's)."""
    path = _pending_path()
    if not path.exists():
        return
    pending = json.loads(path.read_text(encoding="utf-8"))
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        present = {name for (name,) in cursor.fetchall()}
        for number, (name, definition) in enumerate(pending, start=1):
            if name not in present:
                began = time.perf_counter()
                cursor.execute(definition)
                progress(
                    f"重建索引 {number}/{len(pending)} {name}（{time.perf_counter() - began:.0f} 秒）"
                )
        cursor.execute("RESET maintenance_work_mem")
    path.unlink()
