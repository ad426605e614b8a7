"""The terms of Chinese text for the knowledge search: jieba's search-mode words without
function words, and character bigrams, so that a word jieba does not know still matches on
its parts (`search.py` says how they are weighed)."""

import logging
import re
import threading
import time
from collections import Counter
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

_STOPWORD_TEXT = """
    的 了 吗 呢 啊 吧 呀 么 嘛 哦 哈 嗯 喂 是 在 有 和 与 及 或 就 都 也 还 又 才 再 很 太 最
    我 我们 我家 你 你们 您 他 她 它 他们 自己 咱 咱们 家里 这边 那边 现在 今天 刚才 一直
    请问 问 问一下 咨询 咨询一下 想 想问 想要 要 需要 能 能不能 可以 可不可以 会 应该 得
    怎么 怎么样 怎样 如何 什么 啥 哪 哪里 哪儿 哪些 哪个 为什么 为啥 多少 几 谁 找 去 到 把
    被 给 让 这 那 这个 那个 这种 那种 一个 一下 个 没有 没 不 不是 吗 呀 了吗 怎么回事
    一 下 上 里 中 后 前 时 时候 等 对 从 向 跟 说 看 知道 告诉 办 弄 搞 行 好 人
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_TOKEN_OK = re.compile(r"[\u4e00-\u9fff0-9a-z]")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WS = re.compile(r"\s+")

_jieba_lock = threading.Lock()
_jieba: Any = None


def segmenter() -> Any:
    """jieba's default tokenizer, initialised once and quietly (it ships its dictionary and
    downloads nothing). Not changed here: other apps may segment with it too."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                started = time.perf_counter()
                jieba.initialize()
                logger.info("jieba ready in %.0f ms", (time.perf_counter() - started) * 1000)
                _jieba = jieba
    return _jieba


def normalize(text: str) -> str:
    return _WS.sub(" ", (text or "").lower()).strip()


def _keep(token: str) -> bool:
    return bool(token) and token not in STOPWORDS and bool(_TOKEN_OK.search(token))


def words(text: str) -> list[str]:
    """jieba's search-mode words of `text`, without function words and punctuation. jieba's
    guessing of unknown words (HMM) is off: it glues characters into non-words (养了一只狗要 →
    狗要); the character bigrams already match what the dictionary does not know."""
    jieba = segmenter()
    return [
        t
        for t in (t.strip() for t in jieba.lcut_for_search(normalize(text), HMM=False))
        if _keep(t)
    ]


def spans_of_words(text: str, mode: str) -> list[tuple[str, int, int]]:
    jieba = segmenter()
    return [(w, a, b) for w, a, b in jieba.tokenize(text, mode=mode, HMM=False) if _keep(w.strip())]


def bigrams(text: str) -> list[str]:
    found: list[str] = []
    for run in CJK_RUN.findall(text):
        found.extend(run[i : i + 2] for i in range(len(run) - 1))
    return found


def terms(text: str) -> Counter[str]:
    """Index terms of a text: `w:` words and `b:` character bigrams."""
    return Counter(dict(_terms_cached(text)))


@lru_cache(maxsize=20_000)
def _terms_cached(text: str) -> tuple[tuple[str, int], ...]:
    # Rebuilding the index after one entry changed segments only the changed texts.
    counted: Counter[str] = Counter("w:" + word for word in words(text))
    counted.update("b:" + pair for pair in bigrams(normalize(text)) if pair not in STOPWORDS)
    return tuple(counted.items())
