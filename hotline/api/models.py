"""Counters of API requests per account, for the rate limit (hotline.api.limits)."""

from django.db import models


class ApiCounter(models.Model):
    """How many requests one account made in the window that began at `started_at`. Taken with
    one conditional UPDATE (`count < allowed`), like the portal's counters, so that concurrent
    requests in several processes cannot all pass one check: the limit holds on SQLite and
    PostgreSQL without a shared cache server."""

    account = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["started_at"], name="api_counter_started")]

    def __str__(self) -> str:
        return f"{self.account} {self.count} since {self.started_at:%Y-%m-%d %H:%M}"
