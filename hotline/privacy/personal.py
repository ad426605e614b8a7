"""Normalising, hashing and masking callers' personal data."""

import re

from hotline.privacy.crypto import keyed_digest

_NON_DIGITS = re.compile(r"[^\d]")


def phone_normalize(raw: str) -> str:
    """Digits only, without the +86 / 0086 country prefix: '+86 138-0000-1234' → '13800001234'."""
    digits = _NON_DIGITS.sub("", raw or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 11:
            digits = digits[len(prefix) :]
            break
    return digits


def phone_is_valid(raw: str) -> bool:
    digits = phone_normalize(raw)
    return 7 <= len(digits) <= 13


def phone_digest(raw: str) -> str:
    """The keyed hash that finds every order from one number (indexed, not reversible)."""
    digits = phone_normalize(raw)
    return keyed_digest(digits, purpose="phone") if digits else ""


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
