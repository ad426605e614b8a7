"""Counters of attempts from the public portal, kept to slow down guessing and flooding."""

from django.db import models


class PortalCounter(models.Model):
    """How many attempts of one scope one key made in the window that began at `started_at`.

    The key is an HMAC (of a client's address, an order number, a phone number, or an address
    with a number), never the value itself. A counter is taken with one conditional UPDATE
    (`count < allowed`), so simultaneous requests cannot all pass a check made before any of
    them counted: the limit holds under concurrency on SQLite and PostgreSQL alike."""

    scope = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="portal_counter_scope_key")
        ]
        indexes = [models.Index(fields=["started_at"], name="portal_counter_started")]

    def __str__(self) -> str:
        return f"{self.scope} {self.count} since {self.started_at:%Y-%m-%d %H:%M}"
