"""Cleaning what people type: one rule for every service."""

from django.utils.translation import gettext as _

from hotline.core.errors import InvalidInput

# The one limit for free text (content, replies, notes, reasons) and its shorter siblings;
# forms show and enforce the same numbers.
MAX_TEXT = 4000
MAX_REASON = 2000


def clean_text(value: str | None, *, field: str, required: bool = True, limit: int) -> str:
    """`value` stripped; InvalidInput naming `field` when it is required and empty or when it
    is longer than `limit` characters (never cut silently)."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_("请填写%(field)s。") % {"field": field})
    if len(text) > limit:
        raise InvalidInput(_("%(field)s不能超过 %(n)d 个字。") % {"field": field, "n": limit})
    return text
