"""The call centre's event, as protocols/cti-events.md defines it, and how a request body is
read into one. Anything else is refused with `invalid_input` (400), before any change."""

import json
from datetime import UTC, datetime, timedelta
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AwareDatetime, field_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import ErrorDetails

from hotline.core.errors import InvalidInput


class CtiEventIn(Schema):
    """One event of one call (newCall, answer or hangup)."""

    event: Literal["newCall", "answer", "hangup"]
    call_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:@-]+$")
    direction: Literal["in", "out"]
    from_: str = Field("", alias="from", max_length=32)
    to: str = Field("", max_length=32)
    at: AwareDatetime
    agent: str = Field("", max_length=150)
    cause: Literal["", "normalClearing", "busy", "noAnswer", "cancel", "failed"] = ""
    recording: str = Field("", max_length=255)

    @field_validator("at")
    @classmethod
    def _plausible_moment(cls, value: datetime) -> datetime:
        """A real moment: an offset the world uses (±14 h) and a year in 2000–2099; anything
        else (e.g. year 207 at -23:56, which PostgreSQL cannot store) is bad input."""
        offset = value.utcoffset()
        if offset is None or abs(offset) > timedelta(hours=14):
            raise ValueError("offset out of range")
        if not 2000 <= value.astimezone(UTC).year <= 2099:
            raise ValueError("year out of range")
        return value.astimezone(UTC)

    @property
    def citizen_number(self) -> str:
        """The citizen's number: the caller of an `in` call, the called party of an `out`."""
        return self.from_ if self.direction == "in" else self.to

    @property
    def line(self) -> str:
        return self.to if self.direction == "in" else self.from_


def _field(error: ErrorDetails) -> str:
    return ".".join(str(part) for part in error["loc"]) or "?"


def event_parse(body: bytes) -> CtiEventIn:
    """The event in `body`, or InvalidInput naming the first field that is wrong (never its
    value: a number must not reach a log line)."""
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(_("请求体不是有效的 JSON")) from exc
    if not isinstance(data, dict):
        raise InvalidInput(_("请求体必须是 JSON 对象"))
    try:
        return CtiEventIn.model_validate(data)
    except PydanticValidationError as exc:
        fields = sorted({_field(error) for error in exc.errors()})
        raise InvalidInput(_("请求格式不正确：%(fields)s") % {"fields": ", ".join(fields)}) from exc
