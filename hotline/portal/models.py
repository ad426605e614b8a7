"""Attempts from the public portal, kept to slow down guessing and flooding (rate limit)."""

from django.db import models
from django.utils import timezone


class PortalAttempt(models.Model):
    """One submission or one failed order lookup from a client (an HMAC of its address,
    never the address itself)."""

    class Kind(models.TextChoices):
        LOOKUP_FAILED = "lookup_failed", "查询失败"
        SUBMIT = "submit", "提交诉求"

    client = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "kind", "at"], name="portal_attempt_client")]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
