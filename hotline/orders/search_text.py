"""The search text of an order: its title and address cut into the pieces the search index
holds (`orders/search.py` says how each database indexes them).

Chinese is written without spaces, so the pieces are what search engines use for CJK text:
every run of Chinese characters is cut into overlapping two-character pieces (bigrams) and
runs of ASCII letters and digits are kept whole. 「幸福路12号」 is stored as ``幸福 福路 路 12 号``:
the last character of a run stands alone so that a one-character query still finds it. A
query is cut the same way (`query_terms`). Pure functions: no database, no models.
"""

import re
import unicodedata
from collections.abc import Iterable

_RUN = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[0-9a-z]+")


def normalized(text: str) -> str:
    """Full-width letters and digits as ASCII (「１２号」 → 「12号」), lower case."""
    return unicodedata.normalize("NFKC", text).casefold()


def runs(text: str) -> Iterable[tuple[str, bool]]:
    """(run, is_ascii_word) for each run of letters and digits, scripts split apart."""
    for run in _RUN.findall(normalized(text)):
        position = 0
        for word in _ASCII_WORD.finditer(run):
            if word.start() > position:
                yield run[position : word.start()], False
            yield word.group(), True
            position = word.end()
        if position < len(run):
            yield run[position:], False


def pieces(run: str) -> list[str]:
    """「幸福路」 → 幸福, 福路, 路."""
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def search_text_for(*texts: str) -> str:
    """The index column's value for an order's title and address: distinct pieces, spaced."""
    seen: dict[str, None] = {}
    for text in texts:
        for run, is_word in runs(text or ""):
            for piece in [run] if is_word else pieces(run):
                seen.setdefault(piece, None)
    return " ".join(seen)


Term = tuple[str, bool]  # an index piece, and whether it is matched as a prefix


def query_terms(word: str) -> list[list[Term]]:
    """What an order holding `word` must have in its index, run by run: the pieces of one run
    overlap (so the database may take the rarest of them), different runs do not.

    Letters and digits match from the start of a stored word: as a prefix when the query word
    ends with them (「12」 finds 「120号」), whole when more follows (「12号」 finds 「12号」,
    not 「120号」 or 「112号」). A single Chinese character is looked up as a prefix (it starts
    「路灯」's piece 路灯 or stands alone), which reads many lists; it is left to the substring
    test when the word has other pieces, as in 「神农路12号」."""
    word_runs = list(runs(word))
    terms: list[list[Term]] = []
    single: list[list[Term]] = []
    for position, (run, is_word) in enumerate(word_runs):
        if is_word:
            terms.append([(run, position == len(word_runs) - 1)])
        elif len(run) == 1:
            single.append([(run, True)])
        else:
            terms.append([(run[i : i + 2], False) for i in range(len(run) - 1)])
    return terms or single


def _likeness_pieces(text: str) -> set[str]:
    found: set[str] = set()
    for run, is_word in runs(text or ""):
        if is_word:
            found.add(run)
        elif len(run) > 1:
            found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def likeness(a: str, b: str) -> float:
    """How alike two requests read, from 0 to 1: the Dice coefficient of their two-character
    pieces and whole ASCII words, so word order, punctuation and full-width digits do not
    matter (「幸福路12号井盖丢了」 and 「幸福路１２号的井盖丢失」 are alike)."""
    x, y = _likeness_pieces(a), _likeness_pieces(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))
