"""The audit trail's hash chain (等保 level 3, 安全审计: audit records protected against
deletion, change and overwriting; Art. 22–24 for what is recorded).

Each entry carries `seq` (1, 2, 3, … with no gaps), the hash of the entry before it
(`prev_hash`; the first entry names `GENESIS`) and its own `hash`: SHA-256 over a canonical
JSON serialization of its content and `prev_hash`. Editing an entry breaks its hash, removing
one leaves a gap in `seq` and breaks the next entry's `prev_hash`, inserting one breaks the
`prev_hash` of the entry after it. `selectors.chain_verify` walks the chain and names the first bad
entry; `hotline audit_verify` runs it.

What the chain alone cannot show: entries cut off at the end of the chain, or a chain
rewritten from some entry onwards by someone who can write the database. Keeping the latest
`seq` and `hash` outside the database (a printed report, a log server) closes that."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def entry_digest(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    target: str,
    reason: str,
    detail: Any,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the entry's canonical form: sorted keys, no spaces, UTF-8, the time as
    ISO 8601 in UTC with microseconds. The data migration that chained the existing rows uses
    it too: change it only with a migration that re-chains, and never once the trail is in
    use."""
    canonical = json.dumps(
        {
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor_id,
            "action": action,
            "target": target,
            "reason": reason,
            "detail": detail,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
