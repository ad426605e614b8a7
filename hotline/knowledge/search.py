"""Chinese full-text search over the knowledge base and the unit directory (Art. 11(2), 14(1)).

How a question finds its entry:

- **Terms.** Text is segmented with jieba in search mode (`lcut_for_search`, which also yields
  the short words inside long ones: 居住证 → 居住, 居住证; jieba's guessing of unknown words is
  off) and, besides, cut into character bigrams, so that a word jieba does not know still
  matches on its parts. Function words (怎么, 的, 了 …) are dropped.
- **Synonyms.** Every group of the `Synonym` table with a word occurring in the question adds
  the group's other words (办理 → 申领, 没水 → 停水) with a lower weight.
- **Ranking.** BM25F: the title weighs most, then the callers' phrasings (`questions`), then
  the answer, then the category and unit names. The sum is scaled by how much of the question
  the document covers (each question word weighted by its rarity; a synonym covers the word it
  stands for), so that one rare word matched many times does not beat a document answering
  the whole question. Directory cards (one per active unit: name, duties, phone, office hours)
  rank beside the entries and are favoured when the caller asks who is responsible or for a
  phone number (找谁, 电话, 几点上班 …).
- **Validity.** Only published entries whose validity period contains `today` are returned.
- **Highlighting.** The question's words and the synonyms used are wrapped in <mark> in the
  title and in the snippet (the part of the answer holding most of them); a question word the
  entry lacks whole is marked by its bigrams. All text is escaped first.

The index lives in memory, one per process, built at first use. It is dropped when an entry,
a synonym or a unit is saved or deleted in this process (signals, see `apps.py`) and compared
with the database at most every `RECHECK_SECONDS` (row counts, latest change, a digest of the
units' directory fields) to pick up other processes' changes. The first use also loads jieba's
dictionary (about 0.7 s and 70 MB once per process; `bench/bench_knowledge.py` measures it);
`knowledge_warm()` does both ahead of the first search where that matters (a web worker).
"""

import hashlib
import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hotline import clock
from hotline.core.cache import CachedIndex
from hotline.knowledge.models import Entry, EntryState, Synonym
from hotline.knowledge.terms import (
    CJK_RUN,
    STOPWORDS,
    bigrams,
    normalize,
    spans_of_words,
    terms,
    words,
)
from hotline.units.models import Unit

logger = logging.getLogger(__name__)

RECHECK_SECONDS = 30.0
MAX_QUERY = 200
MAX_LIMIT = 50
SNIPPET_CHARS = 90

# BM25F: per field, the weight of a match and how much the field's length damps it.
FIELD_WEIGHTS = {"title": 4.0, "questions": 2.5, "answer": 1.0, "meta": 0.6}
FIELD_B = {"title": 0.4, "questions": 0.5, "answer": 0.75, "meta": 0.3}
K1 = 1.2
# A query's own words weigh 1; its character bigrams and synonyms' words weigh less.
BIGRAM_WEIGHT = 0.45
SYNONYM_WEIGHT = 0.8
SYNONYM_PART_WEIGHT = 0.5
# A document matching none of the question's words keeps this share of its score.
COVERAGE_FLOOR = 0.3
# Directory cards when the caller asks who is responsible or for a phone number, and otherwise.
DIRECTORY_INTENT_BOOST = 1.8
DIRECTORY_DAMP = 0.75

DIRECTORY_INTENT = (
    "找谁",
    "找哪",
    "谁管",
    "归谁",
    "哪个部门",
    "哪个单位",
    "什么部门",
    "电话",
    "号码",
    "联系方式",
    "怎么联系",
    "办公时间",
    "上班时间",
    "几点上班",
    "地址",
)

# --- the index ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Doc:
    kind: str  # "entry" or "directory"
    pk: int  # the entry's or the unit's id
    unit_id: int
    unit_code: str
    unit_name: str
    category_name: str
    title: str
    body: str  # the indexed text: the answer, or the directory card's phone and hours
    questions: str
    valid_from: date | None
    valid_to: date | None
    answer: str  # what the operator reads to the caller
    ref: str


@dataclass(slots=True)
class KnowledgeIndex:
    docs: list[Doc]
    postings: dict[str, list[tuple[int, float]]]  # term → (doc number, weighted tf)
    synonyms: list[tuple[str, ...]]
    fingerprint: tuple[object, ...]
    built_ms: float = 0.0
    idf: dict[str, float] = field(default_factory=dict)

    def idf_of(self, term: str) -> float:
        value = self.idf.get(term)
        if value is None:
            n, df = len(self.docs), len(self.postings.get(term, ()))
            value = self.idf[term] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return value


def _fingerprint() -> tuple[object, ...]:
    entries = Entry.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    synonyms = Synonym.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    # Units carry no change time; their directory fields are few and short.
    units = hashlib.blake2b(
        repr(
            list(
                Unit.objects.order_by("pk").values_list(
                    "pk", "name", "duties", "phone", "office_hours", "is_active"
                )
            )
        ).encode("utf-8"),
        digest_size=16,
    ).hexdigest()
    return (entries["count"], entries["latest"], synonyms["count"], synonyms["latest"], units)


def directory_answer(name: str, phone: str, office_hours: str, duties: Sequence[str]) -> str:
    parts = [f"{name}负责{'、'.join(duties)}。" if duties else f"{name}。"]
    if phone:
        parts.append(f"联系电话:{phone}。")
    if office_hours:
        parts.append(f"办公时间:{office_hours}。")
    return "".join(parts)


def _documents() -> list[Doc]:
    docs = []
    entries = (
        Entry.objects.filter(state=EntryState.PUBLISHED, unit__is_active=True)
        .select_related("unit", "category")
        .order_by("pk")
    )
    for entry in entries:
        docs.append(
            Doc(
                kind="entry",
                pk=entry.pk,
                unit_id=entry.unit_id,
                unit_code=entry.unit.code,
                unit_name=entry.unit.name,
                category_name=entry.category.name if entry.category else "",
                title=entry.title,
                body=entry.answer,
                questions=entry.questions,
                valid_from=entry.valid_from,
                valid_to=entry.valid_to,
                answer=entry.answer,
                ref=entry.ref,
            )
        )
    for unit in Unit.objects.filter(is_active=True).order_by("sort_order", "pk"):
        duties = [str(duty) for duty in unit.duties or []]
        text = directory_answer(unit.name, unit.phone, unit.office_hours, duties)
        # The duties are indexed once (as `questions`), not again inside the card's text.
        contact = f"联系电话:{unit.phone or '—'} 办公时间:{unit.office_hours or '—'}"
        docs.append(
            Doc(
                kind="directory",
                pk=unit.pk,
                unit_id=unit.pk,
                unit_code=unit.code,
                unit_name=unit.name,
                category_name="",
                title=unit.name,
                body=contact,
                questions="\n".join(duties),
                valid_from=None,
                valid_to=None,
                answer=text,
                ref=f"UNIT-{unit.code}",
            )
        )
    return docs


def _synonym_groups() -> list[tuple[str, ...]]:
    groups = []
    for synonym in Synonym.objects.filter(is_active=True):
        group = tuple(normalize(word) for word in synonym.words() if len(word) >= 2)
        if len(group) > 1:
            groups.append(group)
    return groups


def index_build() -> KnowledgeIndex:
    """Read the published entries, the units and the synonyms and build a fresh index."""
    started = time.perf_counter()
    fingerprint = _fingerprint()
    docs = _documents()
    fields: list[dict[str, Counter[str]]] = []
    for doc in docs:
        meta = f"{doc.category_name} {doc.unit_name}"
        fields.append(
            {
                "title": terms(doc.title),
                "questions": terms(doc.questions),
                "answer": terms(doc.body),
                "meta": terms(meta),
            }
        )
    lengths = {name: [sum(f[name].values()) for f in fields] for name in FIELD_WEIGHTS}
    average = {
        name: (sum(values) / len(values) if values else 0.0) or 1.0
        for name, values in lengths.items()
    }
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for number, doc_fields in enumerate(fields):
        weighted: dict[str, float] = defaultdict(float)
        for name, counted in doc_fields.items():
            norm = 1 - FIELD_B[name] + FIELD_B[name] * lengths[name][number] / average[name]
            for term, count in counted.items():
                weighted[term] += FIELD_WEIGHTS[name] * count / norm
        for term, tf in weighted.items():
            postings[term].append((number, tf))
    index = KnowledgeIndex(
        docs=docs,
        postings=dict(postings),
        synonyms=_synonym_groups(),
        fingerprint=fingerprint,
    )
    index.built_ms = (time.perf_counter() - started) * 1000
    logger.info("knowledge index: %d documents in %.0f ms", len(docs), index.built_ms)
    return index


_cached = CachedIndex(
    build=index_build,
    fingerprint=_fingerprint,
    fingerprint_of=lambda index: index.fingerprint,
    recheck_seconds=RECHECK_SECONDS,
)
# The current index, built on first use and re-checked at most every `RECHECK_SECONDS`.
index_get = _cached.get
# Drop the index so that the next search rebuilds it (connected to the models' signals).
index_invalidate = _cached.invalidate


def index_changed(**_: object) -> None:
    """Signal receiver: drop the index now and again when the transaction commits, so that an
    index rebuilt inside the transaction (before the commit) does not outlive it."""
    index_invalidate()
    transaction.on_commit(index_invalidate)


def knowledge_warm() -> float:
    """Load jieba and build the index now rather than at the first search; returns ms."""
    started = time.perf_counter()
    index_get()
    return (time.perf_counter() - started) * 1000


# --- the query ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    weights: dict[str, float]  # term → weight
    # The words of the question (precise mode) and, for each term, which of them it stands
    # for: a document matching few of the question's words ranks lower (the coverage factor
    # in `knowledge_search`).
    concepts: tuple[str, ...]
    term_concepts: dict[str, frozenset[int]]
    # What to highlight: the question's words and the synonyms found for them; a word the
    # document lacks is highlighted by its character bigrams instead (`marks_for`).
    marks: tuple[str, ...]
    word_bigrams: tuple[tuple[str, tuple[str, ...]], ...]
    directory_intent: bool
    # The words asking for a contact (电话, 找谁, 几点上班 …): a directory card answers them.
    intent_concepts: frozenset[int]


def query_parse(text: str, synonyms: Iterable[tuple[str, ...]]) -> Query:
    """Terms of the caller's question, expanded with the synonyms of the words it contains."""
    text = normalize(text)[:MAX_QUERY]
    weights: dict[str, float] = {}
    term_concepts: dict[str, set[int]] = defaultdict(set)
    marks: set[str] = set()
    concepts = spans_of_words(text, "default")

    def inside(start: int, end: int) -> set[int]:
        """The question's words lying within [start, end) or containing it."""
        return {
            n
            for n, (_, a, b) in enumerate(concepts)
            if (start <= a and b <= end) or (a <= start and end <= b)
        }

    def add(term: str, weight: float, start: int, end: int) -> None:
        if weight > weights.get(term, 0.0):
            weights[term] = weight
        term_concepts[term] |= inside(start, end)

    marks.update(word for word, _, _ in concepts)
    for word, start, end in spans_of_words(text, "search"):
        add("w:" + word, 1.0, start, end)
    for run in CJK_RUN.finditer(text):
        for i in range(run.start(), run.end() - 1):
            pair = text[i : i + 2]
            if pair not in STOPWORDS:
                add("b:" + pair, BIGRAM_WEIGHT, i, i + 2)
    for group in synonyms:
        found = [(word, text.find(word)) for word in group if word in text]
        if not found:
            continue
        start = min(at for _, at in found)
        end = max(at + len(word) for word, at in found)
        for word in group:
            if word in text:
                continue
            # The synonym as a whole word; a long one (a phrase such as 耕地地力保护补贴)
            # also by its words. Short colloquial ones are not split: the parts of
            # 不来电 (来电) would find unrelated entries.
            add("w:" + word, SYNONYM_WEIGHT, start, end)
            if len(word) >= 4:
                for part in words(word):
                    if len(part) >= 2:
                        add("w:" + part, SYNONYM_PART_WEIGHT, start, end)
            marks.add(word)
    intent: set[int] = set()
    for phrase in DIRECTORY_INTENT:
        at = text.find(phrase)
        if at != -1:
            intent |= {n for n, (_, a, b) in enumerate(concepts) if a < at + len(phrase) and at < b}
    return Query(
        weights=weights,
        concepts=tuple(word for word, _, _ in concepts),
        intent_concepts=frozenset(intent),
        term_concepts={term: frozenset(found) for term, found in term_concepts.items()},
        word_bigrams=tuple(
            (word, tuple(bigrams(word))) for word, _, _ in concepts if len(word) >= 3
        ),
        marks=tuple(
            sorted((m for m in marks if len(m) >= 2 or m.isdigit()), key=len, reverse=True)
        ),
        directory_intent=any(phrase in text for phrase in DIRECTORY_INTENT),
    )


# --- highlighting ---------------------------------------------------------------------------


def marks_for(query: Query, text: str) -> tuple[str, ...]:
    """The strings to highlight in `text`: the question's words and synonyms, and the bigrams
    of a question word that `text` does not contain whole (an unknown or split word)."""
    lowered = text.lower()
    extra = [pair for word, pairs in query.word_bigrams if word not in lowered for pair in pairs]
    if not extra:
        return query.marks
    return tuple(sorted({*query.marks, *extra}, key=len, reverse=True))


def _spans(text: str, marks: Sequence[str]) -> list[tuple[int, int]]:
    """Merged (start, end) ranges of `text` where any of `marks` occurs (case-insensitive)."""
    lowered = text.lower()
    covered = [False] * len(text)
    for mark in marks:
        start = lowered.find(mark)
        while start != -1:
            for i in range(start, start + len(mark)):
                covered[i] = True
            start = lowered.find(mark, start + 1)
    spans, i = [], 0
    while i < len(text):
        if covered[i]:
            j = i
            while j < len(text) and covered[j]:
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def highlight(text: str, marks: Sequence[str]) -> SafeString:
    """`text` HTML-escaped, with every occurrence of `marks` wrapped in <mark>."""
    parts: list[str] = []
    last = 0
    for start, end in _spans(text, marks):
        parts.append(escape(text[last:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def snippet(text: str, marks: Sequence[str], size: int = SNIPPET_CHARS) -> str:
    """The `size` characters of `text` holding the most highlighted characters."""
    text = " ".join(text.split())
    if len(text) <= size:
        return text
    spans = _spans(text, marks)
    best_start, best = 0, -1
    for start, _end in spans:
        window_start = max(0, min(start - 12, len(text) - size))
        window_end = window_start + size
        covered = sum(
            min(e, window_end) - max(s, window_start)
            for s, e in spans
            if s < window_end and e > window_start
        )
        if covered > best:
            best_start, best = window_start, covered
    piece = text[best_start : best_start + size]
    return ("…" if best_start > 0 else "") + piece + ("…" if best_start + size < len(text) else "")


# --- searching ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str  # "entry" or "directory"
    entry_id: int | None
    unit_id: int
    unit_code: str
    unit_name: str
    category_name: str
    title: str
    snippet: str
    title_html: SafeString
    snippet_html: SafeString
    answer: str  # the text an operator answers with (for "用此条答复")
    ref: str  # "KB-<id>" for entries (recorded by 直接答复), "UNIT-<code>" for the directory
    valid_to: date | None
    score: float

    @property
    def id(self) -> int:
        return self.entry_id if self.entry_id is not None else self.unit_id

    @property
    def is_entry(self) -> bool:
        return self.kind == "entry"


def knowledge_search(
    *,
    query: str,
    limit: int = 10,
    today: date | None = None,
    unit_codes: Iterable[str] | None = None,
    include_directory: bool = True,
) -> list[Hit]:
    """Published entries valid on `today` (default: the local date now) and, unless
    `include_directory` is false, unit directory cards that match `query`, best first.
    `unit_codes` keeps only the entries and cards of those units."""
    if not normalize(query):
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    today = today or timezone.localdate(clock.now())
    codes = set(unit_codes) if unit_codes is not None else None
    index = index_get()
    parsed = query_parse(query, index.synonyms)

    scores: dict[int, float] = defaultdict(float)
    covered: dict[int, set[int]] = defaultdict(set)
    for term, weight in parsed.weights.items():
        postings = index.postings.get(term)
        if not postings:
            continue
        idf = index.idf_of(term)
        concepts = parsed.term_concepts.get(term, frozenset())
        for number, tf in postings:
            scores[number] += weight * idf * tf * (K1 + 1) / (K1 + tf)
            covered[number] |= concepts
    # Each word of the question weighs its rarity; a document covering more of them (directly
    # or through a synonym) keeps more of its score.
    concept_weights = [index.idf_of("w:" + word) for word in parsed.concepts]
    total = sum(concept_weights)

    ranked: list[tuple[float, int]] = []
    for number, score in scores.items():
        doc = index.docs[number]
        if codes is not None and doc.unit_code not in codes:
            continue
        if total:
            found = covered[number]
            if doc.kind == "directory":
                found = found | parsed.intent_concepts
            coverage = sum(concept_weights[n] for n in found) / total
            score *= COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage
        if doc.kind == "directory":
            if not include_directory:
                continue
            score *= DIRECTORY_INTENT_BOOST if parsed.directory_intent else DIRECTORY_DAMP
        elif (doc.valid_from is not None and today < doc.valid_from) or (
            doc.valid_to is not None and today > doc.valid_to
        ):
            continue
        ranked.append((score, number))
    ranked.sort(key=lambda item: (-item[0], item[1]))

    hits = []
    for score, number in ranked[:limit]:
        doc = index.docs[number]
        marks = marks_for(parsed, f"{doc.title}\n{doc.answer}")
        piece = snippet(doc.answer, marks)
        hits.append(
            Hit(
                kind=doc.kind,
                entry_id=doc.pk if doc.kind == "entry" else None,
                unit_id=doc.unit_id,
                unit_code=doc.unit_code,
                unit_name=doc.unit_name,
                category_name=doc.category_name,
                title=doc.title,
                snippet=piece,
                title_html=highlight(doc.title, marks),
                snippet_html=highlight(piece, marks),
                answer=doc.answer,
                ref=doc.ref,
                valid_to=doc.valid_to,
                score=round(score, 4),
            )
        )
    return hits
