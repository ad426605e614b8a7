"""The text model's features: jieba's words and word pairs, and character 1–3-grams, each
weighed by TF-IDF; character n-grams catch what the dictionary does not know (place names,
dialect, typing slips), words catch meaning across word order. The model scores how alike
two requests read with them (model.py, `likeness`)."""

import re

from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from hotline.knowledge.terms import segmenter

_KEEP = re.compile(r"[\u4e00-\u9fff0-9a-z]")
_DIGITS = re.compile(r"\d+")


def clean(text: str) -> str:
    """Lower case, full-width forms folded (１２３ → 123), every number one token: the model
    learns 「12楼」 and 「3楼」 as the same thing."""
    folded = "".join(
        chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in text or ""
    )
    return _DIGITS.sub("0", folded.lower())


def words(text: str) -> list[str]:
    jieba = segmenter()
    return [w for w in jieba.lcut(text, HMM=False) if _KEEP.search(w)]


class TextVectors:
    """Fitted on a corpus once; `transform` turns texts into one L2-normed sparse row each."""

    def __init__(self) -> None:
        self.chars = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2, max_features=80_000
        )
        self.words = TfidfVectorizer(
            analyzer=self._word_pieces, sublinear_tf=True, min_df=2, max_features=40_000
        )

    @staticmethod
    def _word_pieces(text: str) -> list[str]:
        found = words(text)
        return found + [f"{a}_{b}" for a, b in zip(found, found[1:], strict=False)]

    def fit(self, texts: list[str]) -> "TextVectors":
        cleaned = [clean(t) for t in texts]
        self.chars.fit(cleaned)
        self.words.fit(cleaned)
        return self

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        cleaned = [clean(t) for t in texts]
        both = sparse.hstack([self.chars.transform(cleaned), self.words.transform(cleaned)])
        return normalize(both.tocsr())
