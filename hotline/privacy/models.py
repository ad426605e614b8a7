"""Where a key rotation has got to (`hotline datakey rotate`, docs/keys.md)."""

from django.db import models


class RotationProgress(models.Model):
    """One table's progress in re-sealing its values under `kid`, the current key of `ring`.

    Each batch advances `last_pk` in the transaction that rewrites its rows, so a rotation
    stopped anywhere (a crash, a deploy, Ctrl-C) continues after the last batch that committed.
    """

    ring = models.CharField(max_length=20)
    kid = models.CharField(max_length=10)
    table = models.CharField(max_length=100)  # the model's label, e.g. "orders.Order"
    last_pk = models.BigIntegerField(default=0)
    rewritten = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ring", "kid", "table"], name="rotation_once_per_table")
        ]

    def __str__(self) -> str:
        return f"{self.ring} → {self.kid}: {self.table} after {self.last_pk}"
