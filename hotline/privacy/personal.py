"""Normalising, hashing and masking callers' personal data."""

import re
import unicodedata

from hotline.privacy.crypto import keyed_digest, keyed_digests

# What people write between the digits of a number: spaces, hyphens, dots, brackets, and a
# leading + before the country code. Anything else (a mask's *, letters) is not a number.
_SEPARATORS = re.compile(r"[\s\-.()]")
_WRITTEN_NUMBER = re.compile(r"\+?[0-9]+")
MIN_DIGITS, MAX_DIGITS = 7, 13


def _ascii(raw: str) -> str:
    """Full-width digits and signs as ASCII (Chinese input methods type １３８…, ＋８６)."""
    return unicodedata.normalize("NFKC", raw or "").strip()


def phone_normalize(raw: str) -> str:
    """Digits only, without the +86 / 0086 country prefix: '+86 138-0000-1234' and
    '１３８ ００００ １２３４' → '13800001234'. The one normal form of a number: every store,
    digest and look-up goes through it."""
    digits = "".join(ch for ch in _ascii(raw) if "0" <= ch <= "9")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 11:
            digits = digits[len(prefix) :]
            break
    return digits


def phone_is_valid(raw: str) -> bool:
    """A phone number as people write one: 7 to 13 digits with the usual separators, in
    ASCII or full-width; a masked number (152****1080) or one with letters is not."""
    written = _SEPARATORS.sub("", _ascii(raw))
    if not _WRITTEN_NUMBER.fullmatch(written):
        return False
    return MIN_DIGITS <= len(phone_normalize(raw)) <= MAX_DIGITS


def phone_digest(raw: str) -> str:
    """The keyed hash that finds every order from one number (indexed, not reversible)."""
    digits = phone_normalize(raw)
    return keyed_digest(digits, purpose="phone") if digits else ""


def phone_digests(raw: str) -> list[str]:
    """The number's digest under every key of the personal ring, the current one first: what
    a look-up matches (`phone_digest__in=`), so that it finds every row while `hotline datakey
    rotate` has recomputed some digests and not yet the others. Empty for no number."""
    digits = phone_normalize(raw)
    return keyed_digests(digits, purpose="phone") if digits else []


def phone_mask(raw: str) -> str:
    """'13800001234' → '138****1234'; short numbers keep only their last digits."""
    digits = phone_normalize(raw)
    if not digits:
        return ""
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "*" * len(digits)


def name_mask(raw: str) -> str:
    """'张三' → '张*'; '欧阳小明' → '欧**明'."""
    name = (raw or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
