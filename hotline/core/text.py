"""Cleaning what people type: one rule for every service, and the one set of text limits.

Every form field (`hotline.core.forms.LimitedCharField`), model column, API schema and service
uses these numbers. Text over its limit is refused with a message that says by how much; it is
never cut to fit.
"""

import re

from django.utils.translation import gettext as _

from hotline.core.errors import InvalidInput

# A request's content, a reply or direct answer, a handling note, an assisting unit's opinion,
# a knowledge entry's answer.
MAX_TEXT = 4000
# A reason or opinion given with a decision: dispatch, return, review, extension, close, urge…
MAX_REASON = 2000
# A short note: the caller's comment on a rating, a callback try, a history note.
MAX_NOTE = 500
# A one-line note: why caller details were revealed, what came of a call-back.
MAX_SHORT = 200
MAX_ADDRESS = 200
MAX_TITLE = 120
MAX_NAME = 40
# A phone number as people write it ("+86 139-1234-5678"), and an order number.
MAX_PHONE = 30
MAX_NUMBER = 24


# Characters nobody types and no stored text should hold (hostile input, issue 13): control
# characters other than tab and line break (C0, DEL, C1), lone surrogates (which cannot be
# encoded, and so cannot be stored or encrypted), the non-characters U+FFFE/U+FFFF, and the
# bidirectional overrides that make text display otherwise than it reads.
UNTYPABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)


def normalize_newlines(text: str) -> str:
    """Browsers send a textarea's line breaks as CRLF but count them as one character; so do
    we, so that the counter beside the field and the server agree."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def too_long_message(*, field: str, limit: int, length: int) -> str:
    return _(
        "%(field)s不能超过 %(limit)d 个字（现在 %(length)d 个字，多了 %(over)d 个字），请删减后再提交。"
    ) % {
        "field": field,
        "limit": limit,
        "length": length,
        "over": length - limit,
    }


def clean_text(value: str | None, *, field: str, required: bool = True, limit: int) -> str:
    """`value` stripped, with its line breaks normalized; InvalidInput naming `field` when it
    holds a character nobody types (UNTYPABLE), when it is required and empty or when it is
    longer than `limit` characters (never cut)."""
    text = normalize_newlines(value or "").strip()
    if UNTYPABLE.search(text):
        raise InvalidInput(
            _("%(field)s含有无法识别的字符（如控制字符），请删除后再提交。") % {"field": field}
        )
    if required and not text:
        raise InvalidInput(_("请填写%(field)s。") % {"field": field})
    if len(text) > limit:
        raise InvalidInput(too_long_message(field=field, limit=limit, length=len(text)))
    return text
