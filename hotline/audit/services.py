from typing import Any

from hotline.accounts.models import User
from hotline.audit.models import AuditEntry


def audit_record(
    *, actor: User | None, action: str, target: str = "", reason: str = "", **detail: Any
) -> AuditEntry:
    """Write one audit row. Call it inside the transaction of the action it records."""
    return AuditEntry.objects.create(
        actor=actor, action=action, target=target, reason=reason, detail=detail
    )
