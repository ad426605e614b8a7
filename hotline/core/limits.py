"""Counting attempts in a window, for rate limits (the portal's, the API's).

A counter is a row with `count` and `started_at`, found by its key fields. Taking one is a
conditional UPDATE (`count < allowed`): under concurrency the database lets each increment
through only while the count is below the limit (PostgreSQL re-checks the condition on the row
it waited for; SQLite runs one writer at a time), so simultaneous requests cannot all pass a
check made before any of them counted. Called inside a transaction, the row stays locked until
it ends."""

from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import F


def counter_take(
    model: type[models.Model],
    *,
    key: dict[str, Any],
    allowed: int,
    window: timedelta,
    now: datetime,
) -> datetime | None:
    """Count one attempt on the counter `key` of `model`, or say when one may be made again
    (nothing counted). A window that has ended starts again at `now`."""
    rows = model._default_manager.filter(**key)
    model._default_manager.bulk_create(
        [model(**key, count=0, started_at=now)], ignore_conflicts=True
    )
    rows.filter(started_at__lte=now - window).update(count=0, started_at=now)
    if rows.filter(count__lt=allowed).update(count=F("count") + 1):
        return None
    started = rows.values_list("started_at", flat=True).first() or now
    return started + window
