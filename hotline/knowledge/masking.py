"""Personal numbers out of the text operators typed into the knowledge search, before it is
stored (个人信息保护法 Art. 6: no more than the purpose needs). The search log keeps what was
asked about, never who asked: ID numbers, phone numbers and bank-card numbers are replaced by
a label saying what stood there."""

import re
import unicodedata

# Longest first: an 18-digit ID is not also read as a card, a card not as a phone number.
# Digits may be grouped by single spaces or hyphens, as people type them (6222 0212 3456 …).
_PATTERNS = (
    # 居民身份证号码: 17 digits and a check character (a digit or X).
    (
        re.compile(
            r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9x](?![0-9x])",
            re.I,
        ),
        "[身份证号]",
    ),
    # 银行卡号: 16–19 digits, plain or in groups.
    (re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){15,18}(?![0-9])"), "[银行卡号]"),
    # 手机号码: 11 digits from 13–19, optionally after +86, plain or grouped 3-4-4.
    (
        re.compile(r"(?:\+?86[ -]?)?(?<![0-9])1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])"),
        "[手机号]",
    ),
    # 固定电话: an area code 0xx/0xxx and 7–8 digits (029-87654321, (029)87654321).
    (re.compile(r"(?<![0-9])[(（]?0[1-9][0-9]{1,2}[)）]?[ -]?[2-9][0-9]{6,7}(?![0-9])"), "[电话]"),
    # Any other run of 7 or more digits may be a number that identifies someone.
    (re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){6,}(?![0-9])"), "[号码]"),
)
PLACEHOLDER = re.compile(r"\[(?:身份证号|银行卡号|手机号|电话|号码)\]")


def query_mask(text: str) -> str:
    """`text` with ID, mobile, landline and bank-card numbers (and any other run of seven or
    more digits) replaced by a label such as "[手机号]". Full-width digits count as digits."""
    text = unicodedata.normalize("NFKC", text or "")
    for pattern, label in _PATTERNS:
        text = pattern.sub(label, text)
    return text


def without_placeholders(text: str) -> str:
    """The masked text without its labels, for segmenting (a label is not a search term)."""
    return PLACEHOLDER.sub(" ", text)
