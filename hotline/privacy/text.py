"""Personal numbers and the caller's own name and phone written inside free text (Art. 22;
个人信息保护法 Art. 28, 51; 等保 level 3: personal information protected at rest).

Residents write their ID number, a second phone or a bank card number into the request, the
address or a unit's reply. `text_protect` finds them and gives back the text with each one
masked (``身份证号 110101********1234``, ``电话 139****5678``, ``卡号 6222 **** **** 1234``,
``张*``) and the original, to be sealed beside it. The clear column then holds only the mask,
so every list, page, message, export, API answer, search index and log shows the mask without
a change of its own; the original opens only through the audited reveal.

What counts as a number, and what does not:

- 居民身份证号码 (GB 11643-1999): 18 characters, a province code, a real birth date and the
  ISO 7064 MOD 11-2 check character (``X`` or ``x`` for 10); the old 15-digit number with a
  province code and a real birth date.
- 手机号码: 11 digits 1[3-9]…, after +86 / 0086 / 86 or not, grouped 3-4-4 or not.
- 固定电话: an area code (010, 02x, 0xxx) and a 7–8 digit local number starting 2–9, in
  brackets or with a hyphen or a space (an extension after it, ``-801`` or ``转801``, is the
  office's and stays); a local
  number without its area code only right after a word such as 电话, 手机 or 联系.
- 银行卡号: 13–19 digits starting 3, 4, 5, 6 or 9 that pass the Luhn check, plain or in groups.
- the order's caller: their phone wherever its digits occur, their name (two or more
  characters) wherever it is written.

Not numbers (left as they are): order numbers (``YL2025100100037``: a number glued to letters),
dates, times, amounts (a decimal point, or 元/万/个/人… right after), counts, house numbers,
postal codes, the 12345/110/119/120 lines, and 400/800 service numbers (a company's public
line, not a person's: masking it would hide whom the complaint is about).

Full-width digits (``１３９…``) and separators count as their ASCII forms; the mask keeps the
characters it does not hide as they were written. Pure functions: no database, no models.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from hotline.privacy.crypto import keyed_digest, keyed_digests
from hotline.privacy.personal import name_mask, phone_normalize

ID_NUMBER, PHONE, BANK_CARD, NAME = "id", "phone", "card", "name"

# One character for one character (str.translate), so positions in the folded text are
# positions in the original: full-width digits, X, plus, hyphens, brackets and spaces.
_FOLD = {ord("０") + i: ord("0") + i for i in range(10)} | {
    ord("Ｘ"): "X",
    ord("ｘ"): "x",
    ord("＋"): "+",
    ord("－"): "-",
    ord("‐"): "-",
    ord("‑"): "-",
    ord("–"): "-",
    ord("—"): "-",
    ord("（"): "(",
    ord("）"): ")",
    ord("\u3000"): " ",
    ord("\u00a0"): " ",
    ord("\t"): " ",
    ord("\u200b"): " ",  # zero-width characters pasted between digits group them
    ord("\u200c"): " ",
    ord("\u200d"): " ",
    ord("\u2060"): " ",
    ord("\ufeff"): " ",
}
# Chinese numerals (一三九…, 幺 for 1 as phone numbers are read out): digits only in a run of
# seven or more, where they can be nothing but a number (二〇二六年 stays a year).
_CN_DIGITS = {ord(ch): ord(str(i)) for i, ch in enumerate("〇一二三四五六七八九")} | {
    ord("零"): ord("0"),
    ord("幺"): ord("1"),
}
_CN_RUN = re.compile("[〇零幺一二三四五六七八九]{7,}")


def _fold(text: str) -> str:
    """`text` with every character that writes a digit or a separator as its ASCII form,
    one character for one, so positions stay those of the original."""
    folded = text.translate(_FOLD)
    if _CN_RUN.search(folded):
        folded = _CN_RUN.sub(lambda m: m[0].translate(_CN_DIGITS), folded)
    return folded


# A run of digit groups as people write a number: groups joined by one space, a hyphen (with
# spaces around it or not), a bracket or a dot; an opening bracket or + before the first.
# Groups joined by a dot (an amount, a version, an address) make only a mobile or an ID.
# A run glued to letters (an order number, a plate), or to a decimal point or a thousands
# comma (an amount), is not a number of a person.
_RUN = re.compile(
    r"(?<![0-9A-Za-z.,])[(+]?[0-9]+(?:(?: ?- ?| |\) ?| ?\(|\.)[0-9]+)*[xX]?(?![0-9A-Za-z]|[.,][0-9])"
)
_GROUP = re.compile(r"[0-9]+[xX]?")
MAX_DIGITS = 23  # a 19-digit card, or a mobile after 0086 and its spaces: no number is longer
# A count, an amount or a measure right after the digits: not a phone or a card.
_MEASURE_AFTER = re.compile(
    r" ?(?:元|万|亿|块|角|美元|个|人|次|户|件|张|套|台|辆|天|年|平方|平米|米|吨|公斤|斤|克|%|％|‰)"
)
# Words after which a bare 7–8 digit number is a local landline (电话87654321).
_PHONE_WORD_BEFORE = re.compile(
    r"(?:电话|手机|座机|联系|号码|致电|拨打|来电|tel|TEL|Tel)[^0-9\n]{0,4}$"
)

# The province codes of GB/T 2260 that begin an ID number (71 Taiwan, 81 Hong Kong, 82 Macao,
# 83 the residence permits of Taiwan residents, 91 foreigners' permanent residence).
_PROVINCES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63"}
    | {"64", "65", "71", "81", "82", "83", "91"}
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0(?:10|2[0-9])[2-9][0-9]{7}|0[3-9][0-9]{2}[2-9][0-9]{6,7}")
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")


@dataclass(frozen=True)
class Found:
    """One piece of personal data in a text: its kind and where it stands (`text[start:end]`).
    `keep_head`/`keep_tail` are how many of its digits the mask leaves showing."""

    kind: str
    start: int
    end: int
    keep_head: int = 0
    keep_tail: int = 0


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return born <= date.today()


def id_check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of a resident ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_resident_id(digits: str) -> bool:
    """An 18-character ID with a province code, a real birth date and a right check
    character, or a 15-digit old one with a province code and a real birth date."""
    if len(digits) == 18:
        if not digits[:17].isdigit() or digits[:2] not in _PROVINCES:
            return False
        if not _real_date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14])):
            return False
        return int(digits[6:10]) >= 1900 and id_check_character(digits[:17]) == digits[17].upper()
    if len(digits) == 15 and digits.isdigit() and digits[:2] in _PROVINCES:
        return _real_date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    return False


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def is_bank_card(digits: str) -> bool:
    """13–19 digits of a card scheme's range (3 JCB/Amex, 4 Visa, 5 Mastercard, 6 UnionPay,
    9 older domestic cards) passing the Luhn check."""
    return (
        13 <= len(digits) <= 19 and digits.isdigit() and digits[0] in "34569" and luhn_valid(digits)
    )


def _is_date(digits: str) -> bool:
    return len(digits) == 8 and _real_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def _country_prefix(digits: str) -> int:
    """How many leading digits are a +86 / 0086 country code before a mobile number."""
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and _MOBILE.fullmatch(digits[len(prefix) :]):
            return len(prefix)
    return 0


def _classify(digits: str, *, phone_word: bool, caller_phone: str) -> tuple[str, int, int] | None:
    """(kind, digits kept at the head, digits kept at the tail) when `digits` is a personal
    number, else None."""
    prefix = _country_prefix(digits)
    bare = digits[prefix:]
    if caller_phone and len(caller_phone) >= 7 and bare == caller_phone:
        return (PHONE, prefix + 3, 4) if len(bare) == 11 else (PHONE, 0, min(4, len(bare) // 2))
    if is_resident_id(digits):
        return (ID_NUMBER, 6, 4) if len(digits) == 18 else (ID_NUMBER, 6, 3)
    if not digits.isdigit():
        return None
    if _MOBILE.fullmatch(bare):
        return PHONE, prefix + 3, 4
    if _LANDLINE.fullmatch(digits):
        area = 3 if digits[1] in "12" else 4
        return PHONE, area, 2
    if is_bank_card(digits):
        return BANK_CARD, 4, 4
    if phone_word and _LOCAL.fullmatch(digits) and not _is_date(digits):
        return PHONE, 0, 2
    return None


def _numbers(folded: str, *, caller_phone: str) -> Iterable[Found]:
    for run in _RUN.finditer(folded):
        groups = [(m.start() + run.start(), m.end() + run.start()) for m in _GROUP.finditer(run[0])]
        i = 0
        while i < len(groups):
            found = None
            # Only as many groups as the longest number holds (a card and a country code):
            # a text of ten thousand "1 " is read in linear time, not quadratic.
            last, digits_seen = i, 0
            while last < len(groups):
                digits_seen += groups[last][1] - groups[last][0]
                if digits_seen > MAX_DIGITS:
                    break
                last += 1
            for j in range(last - 1, i - 1, -1):
                digits = "".join(folded[start:end] for start, end in groups[i : j + 1])
                start, end = groups[i][0], groups[j][1]
                if _MEASURE_AFTER.match(folded, end):
                    continue
                phone_word = bool(_PHONE_WORD_BEFORE.search(folded, max(0, start - 12), start))
                kind = _classify(digits, phone_word=phone_word, caller_phone=caller_phone)
                if kind is None:
                    continue
                if "." in folded[groups[i][1] : groups[j][0]] and not (
                    kind[0] == ID_NUMBER or _MOBILE.fullmatch(digits[_country_prefix(digits) :])
                ):
                    continue
                found = Found(kind[0], start, end, kind[1], kind[2])
                i = j + 1
                break
            if found is None:
                i += 1
            else:
                yield found


def _names(text: str, names: Iterable[str]) -> Iterable[Found]:
    for name in names:
        name = (name or "").strip()
        if len(name) < 2:
            continue  # one character would mask every word it occurs in
        for match in re.finditer(re.escape(name), text):
            yield Found(NAME, match.start(), match.end())


def text_find(text: str, *, caller_name: str = "", caller_phone: str = "") -> list[Found]:
    """Every personal number in `text`, and the caller's name and phone where they occur,
    in order and not overlapping (a number wins over a name it overlaps)."""
    if not text:
        return []
    folded = _fold(text)
    phone = phone_normalize(caller_phone)
    numbers = list(_numbers(folded, caller_phone=phone))
    spans = [(f.start, f.end) for f in numbers]
    names = [
        f
        for f in _names(text, [caller_name])
        if not any(f.start < end and start < f.end for start, end in spans)
    ]
    return sorted(numbers + names, key=lambda f: f.start)


def _mask_one(piece: str, found: Found) -> str:
    if found.kind == NAME:
        return name_mask(piece)
    folded = piece.translate(_FOLD).translate(_CN_DIGITS)
    total = sum(1 for ch in folded if ch.isdigit() or ch in "xX")
    out, position = [], 0
    for original, ch in zip(piece, folded, strict=True):
        if ch.isdigit() or ch in "xX":
            hidden = found.keep_head <= position < total - found.keep_tail
            out.append("*" if hidden else original)
            position += 1
        else:
            out.append(original)
    return "".join(out)


def text_mask(text: str, *, caller_name: str = "", caller_phone: str = "") -> str:
    """`text` with every piece `text_find` finds masked, the same length as before; a text
    with none comes back unchanged. Masking a masked text changes nothing."""
    found = text_find(text, caller_name=caller_name, caller_phone=caller_phone)
    if not found:
        return text or ""
    out, position = [], 0
    for item in found:
        out.append(text[position : item.start])
        out.append(_mask_one(text[item.start : item.end], item))
        position = item.end
    out.append(text[position:])
    return "".join(out)


def text_protect(text: str, *, caller_name: str = "", caller_phone: str = "") -> tuple[str, str]:
    """(masked text, original to seal): the original is "" when nothing needed masking, so a
    sealed column is filled only where there is something to hide."""
    masked = text_mask(text, caller_name=caller_name, caller_phone=caller_phone)
    return masked, ("" if masked == text else text)


def text_numbers(text: str) -> set[str]:
    """The personal numbers written in `text` in one normal form each (digits, an ID's X in
    upper case, a mobile without its country code), for their keyed digests."""
    folded = _fold(text or "")
    values = set()
    for found in _numbers(folded, caller_phone=""):
        value = "".join(ch for ch in folded[found.start : found.end] if ch.isdigit() or ch in "xX")
        values.add(phone_normalize(value) if found.kind == PHONE else value.upper())
    return values


def number_digest(value: str, *, kid: str | None = None) -> str:
    """The keyed digest of a number found in text (`text_numbers`): equal numbers, equal
    digests; the number itself is never stored beside it. Under the personal ring's current
    key, or key `kid` (what `hotline datakey retire` looks for; docs/keys.md)."""
    return keyed_digest(value, purpose="text-number", kid=kid)


def number_digests(value: str) -> list[str]:
    """The digests of a number under every key of the ring (current first): a search finds
    the orders indexed before a key rotation too (docs/keys.md)."""
    return keyed_digests(value, purpose="text-number")


def query_numbers(query: str) -> set[str] | None:
    """The numbers of a search that is nothing but personal numbers (``110105…``,
    ``139 1234 5678``), or None for a search of words."""
    folded = _fold(query or "")
    found = list(_numbers(folded, caller_phone=""))
    if not found:
        return None
    rest = list(folded)
    for item in found:
        rest[item.start : item.end] = [" "] * (item.end - item.start)
    if re.search(r"[^\W_]", "".join(rest)):
        return None
    return text_numbers(query)
