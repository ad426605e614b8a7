"""Finding orders by words of their title or address, fast at millions of orders.

Chinese is written without spaces, so the index does what search engines do for CJK text: it
cuts every run of Chinese characters into overlapping two-character pieces (bigrams) and keeps
runs of ASCII letters and digits whole. 「幸福路12号」 is stored as ``幸福 福路 路 12 号``: the
last character of a run stands alone so that a one-character query still finds it.

A query is cut the same way; an order matches when it holds every piece (ASCII words as
prefixes, so 「12」 finds 「120号」), and then — the pieces say nothing about order — when
each word of the query occurs in the title or the address as typed. The index only narrows
the rows to check; the answer is the same as a plain substring search, except that words held
by very many orders are looked for among the newest orders holding about RECENT_MATCHES of
them (and the list says so).

The pieces are kept in ``Order.search_text`` (written by ``Order.save`` and by anything that
creates orders in bulk), and each database indexes that column with what it has:

- PostgreSQL: a stored generated column ``search_vector`` =
  ``array_to_tsvector(string_to_array(search_text, ' '))`` (outside the Django model), the
  pieces taken verbatim (no text-search parser, so the server's locale does not matter), with
  a GIN index;
- SQLite: an FTS5 table over the column (external content), kept in step by triggers.
  FTS5 reads its matches newest first, which is what bounds a frequent word cheaply.

``index_install`` creates either; it runs in the migration and after every ``migrate``,
because SQLite drops a table's triggers whenever Django rebuilds the table to alter it.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.db import connections
from django.db.models import BooleanField, Max, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan

from hotline.orders.models import Order
from hotline.orders.search_text import Term, query_terms

ORDER_NUMBER = re.compile(r"[A-Za-z]{1,6}\d{8,}")

# ASCII letters and digits as their full-width forms (「A3」 → 「Ａ３」), as addresses are often typed.
_FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}

SQLITE_TABLE = "orders_order_search"
# Words held by more orders than this are looked for among the newest orders that hold about
# this many: reading every match of a frequent word to sort them, or walking a list in its order
# testing each order, costs seconds at a million orders (docs/benchmarks.md). The list says so.
RECENT_MATCHES = 2_000
POSTGRES_INDEX = "order_search_vector"
# A stored generated column outside the Django model (PostgreSQL only): the pieces as a tsvector,
# so neither the index nor a query rebuilds them from the text for every row it reads.
POSTGRES_COLUMN = "search_vector"
FREQUENCIES_KEPT_SECONDS = 600
_frequencies: dict[str, tuple[float, dict[str, float]]] = {}
POSTGRES_EXPRESSION = "array_to_tsvector(string_to_array(search_text, ' '))"
# Trigger bodies: an external-content FTS5 table is told of every change to its rows.
_SQLITE_TRIGGERS = {
    "orders_order_search_insert": (
        "AFTER INSERT ON orders_order BEGIN "
        "INSERT INTO orders_order_search(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
    "orders_order_search_delete": (
        "AFTER DELETE ON orders_order BEGIN "
        "INSERT INTO orders_order_search(orders_order_search, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    ),
    "orders_order_search_update": (
        "AFTER UPDATE OF search_text ON orders_order BEGIN "
        "INSERT INTO orders_order_search(orders_order_search, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO orders_order_search(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
}


def _postgres_piece_frequencies(using: str) -> dict[str, float]:
    """The share of orders holding each of the commonest pieces, from PostgreSQL's statistics
    of the index (ANALYZE keeps the 1,000 commonest); cached for a few minutes."""
    cached = _frequencies.get(using)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = 'orders_order' AND attname = %s",
            [POSTGRES_COLUMN],
        )
        row = cursor.fetchone()
    frequencies = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _frequencies[using] = (time.monotonic() + FREQUENCIES_KEPT_SECONDS, frequencies)
    return frequencies


def _postgres_match(terms: list[list[Term]], using: str) -> tuple[str, float]:
    """The tsquery with one piece per run, the rarest by the statistics, and the share of
    orders expected to match it (0 when every piece is rarer than the statistics keep).

    One piece per run because the planner multiplies the shares of the pieces as if they were
    independent, and a run's overlapping pieces are anything but: given all of them it expects
    a few rows where there are thousands. Runs are independent enough."""
    frequencies = _postgres_piece_frequencies(using)

    def share(term: Term) -> float:
        piece, prefix = term
        if prefix:
            return sum(f for element, f in frequencies.items() if element.startswith(piece))
        return frequencies.get(piece, 0.0)

    chosen = [min(run, key=share) for run in terms]
    expected = math.prod(share(term) for term in chosen)
    # Pieces hold only letters and digits (\w), so quoting them in tsquery syntax is safe.
    tsquery = " & ".join(f"'{piece}'" + (":*" if prefix else "") for piece, prefix in chosen)
    return tsquery, expected


def _postgres_oldest_searched(expected: float, using: str) -> int | None:
    """The lowest id among the newest orders expected to hold about RECENT_MATCHES matches."""
    newest = Order.objects.using(using).aggregate(newest=Max("id"))["newest"] or 0
    if expected * newest <= RECENT_MATCHES:
        return None
    return newest - math.ceil(RECENT_MATCHES / expected) + 1


# A word in more than this share of orders is found faster by reading the newest orders' own
# vectors than through the index, whose list for it is long.
POSTGRES_DENSE_SHARE = 0.05


def _postgres_condition(terms: list[list[Term]], using: str) -> Q:
    """The list's orders among the candidates, which the database gathers first.

    Left to itself the planner either reads every match and sorts them (slow for a frequent
    word) or walks the list in its order testing each order (slow when the user's orders hold
    the word rarely, e.g. a unit searching another unit's matter: seconds at a million). The
    candidates — matches among the newest orders when the word is frequent — are an array
    computed once (`= ANY(ARRAY(...))`): through the index and the id range for most words,
    through the id range alone for very frequent ones; the list then sorts only them."""
    tsquery, expected = _postgres_match(terms, using)
    oldest = _postgres_oldest_searched(expected, using)
    params: list[str | int]
    if oldest is None:
        where, params = f"{POSTGRES_COLUMN} @@ (%s)::tsquery", [tsquery]
    elif expected >= POSTGRES_DENSE_SHARE:
        # IS TRUE keeps the planner off the index: the id range is short for such a word.
        where = f"id >= %s AND ({POSTGRES_COLUMN} @@ (%s)::tsquery) IS TRUE"
        params = [oldest, tsquery]
    else:
        where = f"id >= %s AND {POSTGRES_COLUMN} @@ (%s)::tsquery"
        params = [oldest, tsquery]
    # At most the newest RECENT_MATCHES candidates, also when the statistics thought the words
    # rare (a piece they do not keep may still be in thousands of orders).
    candidates = f"SELECT id FROM orders_order WHERE {where} ORDER BY id DESC LIMIT %s"  # noqa: S608
    return Q(
        RawSQL(  # noqa: S611 - fixed SQL, the words and bounds are parameters
            f'"orders_order"."id" = ANY(ARRAY({candidates}))',
            [*params, RECENT_MATCHES],
            output_field=BooleanField(),
        )
    )


def _postgres_newest_matches_end(tsquery: str, using: str) -> int | None:
    """The id of the RECENT_MATCHES-th newest order holding the pieces, if there are that many
    (what the candidates' LIMIT cut off, for the list to say so)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM orders_order WHERE {POSTGRES_COLUMN} @@ (%s)::tsquery "  # noqa: S608
            "ORDER BY id DESC OFFSET %s LIMIT 1",
            [tsquery, RECENT_MATCHES - 1],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _sqlite_match(terms: list[Term]) -> str:
    return " AND ".join(f'"{piece}"' + ("*" if prefix else "") for piece, prefix in terms)


def _sqlite_oldest_searched(match: str, using: str) -> int | None:
    """The id of the RECENT_MATCHES-th newest order holding the pieces, if there are that
    many. FTS5 walks its list newest first and stops there, so this costs little."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM orders_order_search WHERE orders_order_search MATCH %s "
            "ORDER BY rowid DESC LIMIT 1 OFFSET %s",
            [match, RECENT_MATCHES - 1],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _sqlite_condition(terms: list[Term], using: str) -> Q:
    match = _sqlite_match(terms)
    oldest = _sqlite_oldest_searched(match, using)
    sql = "SELECT rowid FROM orders_order_search WHERE orders_order_search MATCH %s"
    params: list[str | int] = [match]
    if oldest is not None:
        sql += " AND rowid >= %s"
        params.append(oldest)
    return Q(id__in=RawSQL(sql, params))  # noqa: S611 - fixed SQL, the words are parameters


def _oldest_searched(terms: list[list[Term]], using: str) -> int | None:
    vendor = connections[using].vendor
    if vendor == "sqlite":
        return _sqlite_oldest_searched(_sqlite_match([t for run in terms for t in run]), using)
    if vendor == "postgresql":
        tsquery, expected = _postgres_match(terms, using)
        oldest = _postgres_oldest_searched(expected, using)
        return oldest if oldest is not None else _postgres_newest_matches_end(tsquery, using)
    return None


@dataclass(frozen=True)
class SearchBound:
    """A search narrowed to the newest orders because its words are frequent."""

    since: datetime  # when the oldest order searched was received


def search_bound(query: str, *, using: str = "default") -> SearchBound | None:
    """Whether the search for `query` looks only at the newest orders, for the list to say so."""
    query = query.strip()
    if not query or ORDER_NUMBER.fullmatch(query):
        return None
    terms = _words_and_terms(query)[1]
    oldest = _oldest_searched(terms, using) if terms else None
    if oldest is None:
        return None
    first = Order.objects.using(using).filter(pk__gte=oldest).order_by("pk").first()
    return SearchBound(since=first.created_at) if first else None


def _contains(field: str, text: str, vendor: str) -> Q:
    """`field` contains `text`, case aside. On PostgreSQL written as strpos(upper(...)) > 0:
    the planner takes LIKE '%long word%' for a near-certain miss and, with that estimate,
    sorts thousands of matches instead of walking the list in its order (a third, its guess
    for this form, is closer to what the index has already narrowed)."""
    if vendor != "postgresql":
        return Q(**{f"{field}__icontains": text})
    return Q(GreaterThan(StrIndex(Upper(field), Upper(Value(text))), 0))


def _words_and_terms(query: str, vendor: str = "") -> tuple[Q, list[list[Term]]]:
    """The substring test for each word, and each word's index pieces."""
    condition = Q()
    terms: list[list[Term]] = []
    for word in query.split():
        ascii_form = unicodedata.normalize("NFKC", word)
        forms = {word, ascii_form, ascii_form.translate(_FULL_WIDTH)}
        written = Q()
        for form in forms:
            written |= _contains("title", form, vendor) | _contains("address", form, vendor)
        condition &= written
        terms.extend(query_terms(word))
    return condition, terms


def order_text_condition(query: str, *, using: str = "default") -> Q:
    """The filter for the list's search box: an order number, or words of title or address.

    Every space-separated word must occur in the title or the address, as typed, in ASCII or
    in full-width forms; an order number (e.g. YL2025100100037) matches that order only. Words
    held by more than RECENT_MATCHES orders are looked for among the newest orders only
    (`search_bound` says since when).
    """
    query = query.strip()
    if ORDER_NUMBER.fullmatch(query):
        return Q(number__in={query, query.upper()})  # numbers are stored as issued: YL…
    vendor = connections[using].vendor
    condition, terms = _words_and_terms(query, vendor)
    if not terms:
        return condition  # only punctuation: no index helps, the substring test decides
    if vendor == "postgresql":
        return _postgres_condition(terms, using) & condition
    if vendor == "sqlite":
        return _sqlite_condition([term for run in terms for term in run], using) & condition
    return condition


def index_install(using: str = "default", *, rebuild: bool = False) -> None:
    """Create the database's index of ``search_text`` if it is missing (idempotent).

    On SQLite a missing trigger means the table was rebuilt since the index was filled, so the
    FTS5 table is rebuilt from the column as well.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"ALTER TABLE orders_order ADD COLUMN IF NOT EXISTS {POSTGRES_COLUMN} tsvector "
                f"GENERATED ALWAYS AS ({POSTGRES_EXPRESSION}) STORED"
            )
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {POSTGRES_INDEX} ON orders_order "
                f"USING gin ({POSTGRES_COLUMN})"
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5("
                "search_text, content='orders_order', content_rowid='id', "
                "tokenize='unicode61 remove_diacritics 0')"
            )
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["orders_order"],
            )
            present = {name for (name,) in cursor.fetchall()}
            for name, body in _SQLITE_TRIGGERS.items():
                if name not in present:
                    cursor.execute(f"CREATE TRIGGER {name} {body}")
                    rebuild = True
            if rebuild:
                cursor.execute(
                    "INSERT INTO orders_order_search(orders_order_search) VALUES ('rebuild')"
                )


def index_remove(using: str = "default") -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {POSTGRES_INDEX}")
            cursor.execute(f"ALTER TABLE orders_order DROP COLUMN IF EXISTS {POSTGRES_COLUMN}")
        elif connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")
