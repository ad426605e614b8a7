"""A process-wide value built from the database, rebuilt when the data behind it changes.

The value is built lazily on first use. It is dropped when this process changes the data
(`invalidate`, connected to the models' signals), and compared with the database at most
every `recheck_seconds` through a cheap fingerprint (row counts, latest change) to pick up
other processes' changes. Readers never wait for a rebuild that is not needed."""

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class CachedIndex(Generic[T]):
    def __init__(
        self,
        *,
        build: Callable[[], T],
        fingerprint: Callable[[], object],
        fingerprint_of: Callable[[T], object],
        recheck_seconds: float,
    ) -> None:
        self._build = build
        self._fingerprint = fingerprint
        self._fingerprint_of = fingerprint_of
        self.recheck_seconds = recheck_seconds
        self._lock = threading.Lock()
        self._value: T | None = None
        self._checked_at = 0.0

    def get(self) -> T:
        """The current value, built on first use and re-checked at most every
        `recheck_seconds`."""
        value = self._value
        if value is not None and time.monotonic() - self._checked_at < self.recheck_seconds:
            return value
        with self._lock:
            value = self._value
            if value is None or (
                time.monotonic() - self._checked_at >= self.recheck_seconds
                and self._fingerprint() != self._fingerprint_of(value)
            ):
                value = self._value = self._build()
            self._checked_at = time.monotonic()
            return value

    def invalidate(self, **_: object) -> None:
        """Drop the value so that the next use rebuilds it (a signal receiver)."""
        with self._lock:
            self._value = None
