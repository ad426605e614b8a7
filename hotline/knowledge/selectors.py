"""Reads of the knowledge base, always scoped by the user (STYLE §5), and the figures of its
use and its gaps (Art. 10, 14(1)) that the statistics pages show."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from hotline.accounts.models import User
from hotline.knowledge import permissions
from hotline.knowledge.models import Entry, EntryEvent, EntryState, SearchLog, SearchOutcome
from hotline.knowledge.searchlog import REF
from hotline.knowledge.terms import STOPWORDS
from hotline.orders.models import Action, CloseReason, Order, OrderEvent
from hotline.units.models import Unit


class EntryNotFound(Exception):
    """No such entry, or not one the user may see (the two are not told apart)."""


@dataclass(frozen=True)
class EntryAccess:
    entry: Entry
    actions: list[str]  # what the user may do now (see `permissions.RULES`)


def entry_get_for_user(*, user: User, pk: int) -> EntryAccess:
    """The entry if the user may read it, with the actions open to them; else `EntryNotFound`.
    Published entries are read by everyone who may search; the others only by their editors."""
    entry = Entry.objects.select_related("unit", "category", "revises").filter(pk=pk).first()
    if entry is None or not permissions.may_read(user, entry):
        raise EntryNotFound()
    return EntryAccess(entry=entry, actions=permissions.entry_actions(user, entry))


def entries_manageable(*, user: User, state: str = "", q: str = "") -> QuerySet[Entry]:
    """The entries the user maintains: all for operator leads and host reviewers, their own
    unit's for unit staff, none for anyone else."""
    entries = Entry.objects.select_related("unit", "category").order_by("-updated_at", "-pk")
    if user.has_role(*permissions.ANY_UNIT_EDITOR_ROLES):
        pass
    elif user.is_unit_staff and user.unit_id is not None:
        entries = entries.filter(unit_id=user.unit_id)
    else:
        return entries.none()
    if state in EntryState.values:
        entries = entries.filter(state=state)
    if q:
        entries = entries.filter(title__icontains=q)
    return entries


def entries_pending_review(*, user: User) -> QuerySet[Entry]:
    """The host reviewer's queue: entries waiting to be published (oldest first)."""
    if not permissions.may_publish(user):
        return Entry.objects.none()
    return (
        Entry.objects.filter(state=EntryState.PENDING)
        .select_related("unit", "category")
        .order_by("updated_at", "pk")
    )


def entry_history(*, entry: Entry) -> QuerySet[EntryEvent]:
    return entry.events.select_related("actor").order_by("at", "pk")


def directory_units() -> QuerySet[Unit]:
    """The units of the directory, in catalogue order."""
    return Unit.objects.filter(is_active=True).order_by("sort_order", "code")


def entry_by_ref(ref: str) -> Entry | None:
    """The entry a `KB-<id>` reference (recorded by 直接答复) names, whatever its state now."""
    prefix = "KB-"
    if not ref.startswith(prefix) or not ref[len(prefix) :].isdigit():
        return None
    return Entry.objects.filter(pk=int(ref[len(prefix) :])).first()


# --- knowledge-base use and gaps (Art. 10, 14(1)) --------------------------------------------

TOP_ENTRIES = 10
GAP_TERMS = 8
GAP_EXAMPLES = 3
GAP_ORDERS = 50


def _local_range(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the platform's time zone (Asia/Shanghai)."""
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


@dataclass(frozen=True)
class EntryUse:
    ref: str  # "KB-<id>", or "UNIT-<code>" for a card of the unit directory
    key: str  # the entry's import key, else its ref
    title: str
    count: int
    entry_id: int | None = None  # for the link to the entry


@dataclass(frozen=True)
class KnowledgeUse:
    """How the knowledge base answered calls in [start, end] (local dates, inclusive).

    - `answered_at_once`: orders received in the period and closed as answered at once
      (直接答复, close reason `answered`), whatever the channel.
    - `answered_from_entry`: of them, those whose answer names a knowledge entry or a card of
      the unit directory (`KB-<id>` / `UNIT-<code>` in the history row of the answer).
    - `rate` = answered_from_entry ÷ answered_at_once; None when nothing was answered.
    - `top_entries`: the entries answered with most often, by count, at most 10.
    - `searches`: searches recorded on the intake screen in the period (by their own time).
    """

    start: date
    end: date
    answered_at_once: int
    answered_from_entry: int
    rate: float | None
    top_entries: list[EntryUse]
    searches: int

    @property
    def percent(self) -> float | None:
        """`rate` in per cent, one decimal."""
        return None if self.rate is None else round(self.rate * 100, 1)


def _entry_uses(counted: Counter[str]) -> list[EntryUse]:
    top = counted.most_common(TOP_ENTRIES)
    entry_ids = [int(ref[3:]) for ref, _ in top if ref.startswith("KB-")]
    entries = {entry.pk: entry for entry in Entry.objects.filter(pk__in=entry_ids)}
    codes = [ref[5:] for ref, _ in top if ref.startswith("UNIT-")]
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
    uses = []
    for ref, count in top:
        key, title, entry_id = ref, ref, None
        if ref.startswith("KB-") and int(ref[3:]) in entries:
            entry = entries[int(ref[3:])]
            key, title, entry_id = entry.key or ref, entry.title, entry.pk
        elif ref.startswith("UNIT-") and ref[5:] in units:
            title = units[ref[5:]].name
        uses.append(EntryUse(ref=ref, key=key, title=title, count=count, entry_id=entry_id))
    return uses


def knowledge_use(*, start: date, end: date) -> KnowledgeUse:
    """The knowledge base's share in the orders answered at once (Art. 14(1)) received from
    `start` to `end` (local dates, both included); see `KnowledgeUse` for each formula."""
    since, until = _local_range(start, end)
    answered = Order.objects.filter(
        created_at__gte=since, created_at__lt=until, close_reason=CloseReason.ANSWERED
    )
    # The last answer of each order names the entry it was given from.
    refs: dict[int, str] = {}
    events = OrderEvent.objects.filter(action=Action.ANSWER, order__in=answered).order_by("pk")
    for order_id, data in events.values_list("order_id", "data"):
        ref = (data or {}).get("knowledge") or ""
        refs[order_id] = ref if isinstance(ref, str) and REF.match(ref) else ""
    counted = Counter(ref for ref in refs.values() if ref)
    total = answered.count()
    from_entry = sum(counted.values())
    return KnowledgeUse(
        start=start,
        end=end,
        answered_at_once=total,
        answered_from_entry=from_entry,
        rate=from_entry / total if total else None,
        top_entries=_entry_uses(counted),
        searches=SearchLog.objects.filter(at__gte=since, at__lt=until, order__isnull=False).count(),
    )


@dataclass
class KnowledgeGap:
    """Searches of one theme (the order's 事项分类) after which the operator answered without
    an entry or dispatched the call: what the knowledge base was asked for and lacked."""

    category_id: int | None
    category_name: str  # "" when the order has no category
    lead_unit_code: str  # the category's responsible unit (`Category.lead_unit`), or ""
    lead_unit_name: str
    searches: int = 0
    dispatched: int = 0
    answered_free: int = 0
    terms: list[tuple[str, int]] = field(default_factory=list)  # most frequent first
    examples: list[str] = field(default_factory=list)  # masked queries, newest first
    order_numbers: list[str] = field(default_factory=list)  # newest first, at most 50
    order_count: int = 0


def _is_term(word: str) -> bool:
    return len(word) >= 2 and word not in STOPWORDS and not word.isdigit()


def knowledge_gaps(*, start: date, end: date, limit: int = 20) -> list[KnowledgeGap]:
    """What operators searched for in vain from `start` to `end` (local dates of the search,
    both included), by theme, so that the host unit can ask the responsible units for the
    missing content (Art. 10).

    A search counts when its call was answered at once without an entry (`answered_free`)
    or dispatched / submitted for review (`dispatched`). Searches are grouped by the
    category of the order they became, with the category's lead unit. Per group:
    `searches` = the number of such searches, `terms` = the most frequent words of their
    queries (function words, single characters and numbers dropped; each word counted once
    per search), `examples` = up to three distinct masked queries, `order_numbers` = the
    orders behind them. Groups by `searches` descending, at most `limit`."""
    since, until = _local_range(start, end)
    rows = (
        SearchLog.objects.filter(
            at__gte=since,
            at__lt=until,
            order__isnull=False,
            outcome__in=[SearchOutcome.ANSWERED_FREE, SearchOutcome.DISPATCHED],
        )
        .order_by("-at", "-pk")
        .values_list(
            "query",
            "terms",
            "outcome",
            "order__number",
            "order__category_id",
            "order__category__name",
            "order__category__lead_unit__code",
            "order__category__lead_unit__name",
        )
    )
    groups: dict[int | None, KnowledgeGap] = {}
    words: dict[int | None, Counter[str]] = defaultdict(Counter)
    numbers: dict[int | None, list[str]] = defaultdict(list)
    for query, terms, outcome, number, category_id, name, unit_code, unit_name in rows:
        gap = groups.get(category_id)
        if gap is None:
            gap = groups[category_id] = KnowledgeGap(
                category_id=category_id,
                category_name=name or "",
                lead_unit_code=unit_code or "",
                lead_unit_name=unit_name or "",
            )
        gap.searches += 1
        if outcome == SearchOutcome.DISPATCHED:
            gap.dispatched += 1
        else:
            gap.answered_free += 1
        words[category_id].update({w for w in terms or [] if isinstance(w, str) and _is_term(w)})
        if query not in gap.examples and len(gap.examples) < GAP_EXAMPLES:
            gap.examples.append(query)
        if number not in numbers[category_id]:
            numbers[category_id].append(number)
    for key, gap in groups.items():
        gap.terms = sorted(words[key].items(), key=lambda item: (-item[1], item[0]))[:GAP_TERMS]
        gap.order_count = len(numbers[key])
        gap.order_numbers = numbers[key][:GAP_ORDERS]
    ranked = sorted(groups.values(), key=lambda gap: (-gap.searches, gap.category_name))
    return ranked[: max(0, limit)]
