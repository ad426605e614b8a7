"""The knowledge search log (知识库检索记录, Art. 10, 14(1)): which searches operators made,
what they found and what followed, so that the host unit sees how often the knowledge base
answered a call and what it was asked for in vain.

The intake screen searches while the operator types (a GET that writes nothing). The script
keeps the settled searches of the call and sends them with the intake form in one hidden
field; `order_intake` records them with the order in the same transaction, so each search
is linked to the order it became and to what the operator did (`SearchOutcome`) and no
search of an abandoned call is kept. Only the masked query is stored (`masking.query_mask`).
"""

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from hotline import clock
from hotline.accounts.models import User
from hotline.knowledge.masking import query_mask, without_placeholders
from hotline.knowledge.models import SearchLog, SearchOutcome, SearchSource
from hotline.knowledge.terms import normalize, spans_of_words
from hotline.orders.models import Order

MAX_SEARCHES = 20  # per intake: the settled searches of one call
MAX_REFS = 5  # the top results shown that are kept
MAX_QUERY = 200  # as `search.MAX_QUERY`
MAX_TERMS = 20
MAX_FIELD = 16_000  # characters of the hidden field; a longer one is ignored whole
MAX_AGE = timedelta(hours=4)  # a search older than the call it belongs to is not believed
REF = re.compile(r"^(?:KB-[0-9]{1,12}|UNIT-[A-Za-z0-9_.-]{1,30})$")


@dataclass(frozen=True)
class SearchRecord:
    """One settled search as the intake screen reports it: the query as typed (not yet
    masked), the references of the top results shown and how many seconds before the
    submit it was made."""

    query: str
    refs: tuple[str, ...] = ()
    age_seconds: int = 0


def _record_from(item: object) -> SearchRecord | None:
    if not isinstance(item, dict):
        return None
    query = item.get("q")
    refs = item.get("refs", [])
    age = item.get("age", 0)
    if not isinstance(query, str) or not isinstance(refs, list):
        return None
    if not isinstance(age, int) or isinstance(age, bool):
        return None
    query = normalize(query)[:MAX_QUERY]
    if not query:
        return None
    kept = tuple(ref for ref in refs if isinstance(ref, str) and REF.match(ref))[:MAX_REFS]
    return SearchRecord(
        query=query, refs=kept, age_seconds=min(max(age, 0), int(MAX_AGE.total_seconds()))
    )


def searches_settle(records: Iterable[SearchRecord]) -> list[SearchRecord]:
    """The searches worth keeping, in order: a query that only extends or shortens the one
    before it (the panel searching while the operator types or corrects) replaces it, an
    identical repeat is kept once, and at most the last `MAX_SEARCHES` remain."""
    settled: list[SearchRecord] = []
    for record in records:
        if settled:
            last = settled[-1].query
            if record.query.startswith(last) or last.startswith(record.query):
                settled[-1] = record
                continue
        settled.append(record)
    return settled[-MAX_SEARCHES:]


def searches_parse(raw: str) -> list[SearchRecord]:
    """The settled searches carried by the intake form's hidden field: a JSON list of
    {"q": query, "refs": [result refs], "age": seconds before the submit}. Whatever is
    malformed or beyond the limits is dropped: a call is never refused for its search log."""
    if not raw or len(raw) > MAX_FIELD:
        return []
    try:
        items = json.loads(raw)
    except ValueError:
        return []
    if not isinstance(items, list):
        return []
    records = (_record_from(item) for item in items[: MAX_SEARCHES * 5])
    return searches_settle(record for record in records if record is not None)


def query_terms(masked: str) -> list[str]:
    """The words of a masked query (jieba's precise mode, function words dropped, as the
    knowledge search reads a question), each once, in order; the mask labels are no terms."""
    found: list[str] = []
    text = normalize(without_placeholders(masked))
    for word, _start, _end in spans_of_words(text, "default"):
        word = word.strip()
        if word and word not in found:
            found.append(word[:40])
    return found[:MAX_TERMS]


def _row(
    record: SearchRecord, *, actor: User | None, source: str, now: datetime, **link: object
) -> SearchLog:
    masked = query_mask(record.query)[:MAX_QUERY]
    return SearchLog(
        at=now - timedelta(seconds=record.age_seconds),
        actor=actor,
        source=source,
        query=masked,
        terms=query_terms(masked),
        result_refs=list(record.refs),
        **link,
    )


@transaction.atomic
def knowledge_searches_record(
    *,
    actor: User | None,
    searches: Sequence[SearchRecord],
    order: Order | None = None,
    outcome: str = "",
    entry_ref: str = "",
    source: str = SearchSource.INTAKE,
    now: datetime | None = None,
) -> list[SearchLog]:
    """Record the settled `searches` of one call (or one page search) in one insert, masked,
    linked to the `order` the call became and what followed (`outcome`; for
    `answered_from_entry` the `entry_ref` answered with). The figures of Art. 10 and 14(1)
    (`selectors.knowledge_use`, `knowledge_gaps`) read these rows. Called by `order_intake`
    inside its transaction, so the rows exist exactly when the order does."""
    if outcome and outcome not in SearchOutcome.values:
        raise ValueError(f"unknown search outcome {outcome!r}")
    if source not in SearchSource.values:
        raise ValueError(f"unknown search source {source!r}")
    if outcome == SearchOutcome.ANSWERED_FROM_ENTRY and not REF.match(entry_ref or ""):
        outcome = SearchOutcome.ANSWERED_FREE  # what it named is no entry of ours
    if outcome != SearchOutcome.ANSWERED_FROM_ENTRY:
        entry_ref = ""
    now = now or clock.now()
    rows = [
        _row(
            record,
            actor=actor,
            source=source,
            now=now,
            order=order,
            outcome=outcome,
            entry_ref=entry_ref,
        )
        for record in searches_settle(searches)
    ]
    return SearchLog.objects.bulk_create(rows)
