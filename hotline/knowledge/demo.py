"""Search logs for the demo's orders (知识库检索记录, Art. 10, 14(1)), so that the use and gap
page shows data to a new user. The demo makes its orders through the services without the
intake screen; this writes what the screen would have recorded for some of them, through
`knowledge_searches_record`, at a moment just before each order was taken."""

import random
from collections import Counter
from collections.abc import Iterable

from django.db import transaction

from hotline.knowledge.models import SearchLog, SearchOutcome
from hotline.knowledge.search import knowledge_search
from hotline.knowledge.searchlog import REF, SearchRecord, knowledge_searches_record
from hotline.orders.models import Action, Channel, CloseReason, Order, OrderEvent

GAP_THEMES = 5  # the dispatched orders of this many most frequent categories get searches
GAP_SHARE = 0.5  # of those, the share whose operator searched first
QUERY_CHARS = 24


def _query(order: Order) -> str:
    """What an operator types: the first words of the request, up to a comma or full stop."""
    text = order.content.replace("，", "。").replace(",", "。").split("。")[0]
    return text[:QUERY_CHARS] or order.content[:QUERY_CHARS]


def _refs(query: str) -> tuple[str, ...]:
    return tuple(hit.ref for hit in knowledge_search(query=query, limit=3))


@transaction.atomic
def knowledge_searches_load_demo(
    *, orders: Iterable[Order] | None = None, seed: int = 12345
) -> int:
    """Search logs for existing demo phone orders that have none yet: every order answered at
    once gets the search it was answered from (with the entry its history names, or as a
    free answer when it names none), and half of the dispatched or reviewed orders of the
    most frequent categories get a search that did not answer them. Idempotent; returns the
    number of rows written."""
    rng = random.Random(seed)
    chosen = Order.objects.filter(channel=Channel.PHONE, created_by__isnull=False)
    if orders is not None:
        chosen = chosen.filter(pk__in=[order.pk for order in orders])
    logged = set(SearchLog.objects.filter(order__isnull=False).values_list("order_id", flat=True))
    chosen = chosen.exclude(pk__in=logged).select_related("created_by").order_by("pk")

    answers = {
        order_id: (data or {}).get("knowledge") or ""
        for order_id, data in OrderEvent.objects.filter(
            action=Action.ANSWER, order__in=chosen
        ).values_list("order_id", "data")
    }
    dispatched = set(
        OrderEvent.objects.filter(
            action__in=[Action.DISPATCH, Action.SUBMIT_REVIEW], order__in=chosen
        ).values_list("order_id", flat=True)
    )
    themes = Counter(
        order.category_id for order in chosen if order.pk in dispatched and order.category_id
    )
    gap_categories = {category for category, _ in themes.most_common(GAP_THEMES)}

    written = 0
    for order in chosen:
        if order.close_reason == CloseReason.ANSWERED:
            ref = answers.get(order.pk, "")
            outcome = (
                SearchOutcome.ANSWERED_FROM_ENTRY if REF.match(ref) else SearchOutcome.ANSWERED_FREE
            )
        elif order.pk in dispatched and order.category_id in gap_categories:
            # Decided by the order alone, so that a second run picks the same ones.
            if random.Random(seed + order.pk).random() >= GAP_SHARE:
                continue
            ref, outcome = "", SearchOutcome.DISPATCHED
        else:
            continue
        query = _query(order)
        refs = _refs(query)
        if outcome == SearchOutcome.ANSWERED_FROM_ENTRY and ref not in refs:
            refs = (ref, *refs[:2])
        rows = knowledge_searches_record(
            actor=order.created_by,
            searches=[SearchRecord(query=query, refs=refs, age_seconds=rng.randint(15, 120))],
            order=order,
            outcome=outcome,
            entry_ref=ref,
            now=order.created_at,
        )
        written += len(rows)
    return written
