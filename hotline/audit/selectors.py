"""Reading the audit trail."""

from datetime import datetime, timedelta

from hotline import clock
from hotline.accounts.models import User
from hotline.audit.models import AuditEntry

# How long revealed personal data stays shown to the person who revealed it. The reveal is the
# audited POST; the pages that then show the data only read the trail, so a reload writes
# nothing and shows nothing to anyone else.
REVEAL_SHOWN_FOR = timedelta(minutes=10)


def revealed_recently(*, actor: User, target: str, now: datetime | None = None) -> bool:
    """Whether `actor` revealed the personal data of `target` (an order number, a survey
    target) within `REVEAL_SHOWN_FOR`."""
    return AuditEntry.objects.filter(
        at__gte=(now or clock.now()) - REVEAL_SHOWN_FOR,
        actor=actor,
        action=AuditEntry.Action.REVEAL_PERSONAL_DATA,
        target=target,
    ).exists()
