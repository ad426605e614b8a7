"""The platform's notion of "now". Services read it here so that the demo can replay a month
of history and tests can stand on a chosen day without patching Django."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("hotline_clock", default=None)


def now() -> datetime:
    return _frozen.get() or timezone.now()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Within the block, `now()` returns `moment` (an aware datetime)."""
    if moment.utcoffset() is None:
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
