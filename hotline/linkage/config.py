"""The connection to the 110 desk, from settings (docs/linkage.md)."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Peer:
    url: str  # where our messages go; empty: they wait, queued
    secret: str  # the shared HMAC secret
    our_id: str  # X-Linkage-Peer on what we send
    their_id: str  # the only X-Linkage-Peer we accept


def peer_110() -> Peer:
    return Peer(
        url=settings.HOTLINE_LINKAGE_110_URL,
        secret=settings.HOTLINE_LINKAGE_110_SECRET,
        our_id=settings.HOTLINE_LINKAGE_PEER_ID,
        their_id=settings.HOTLINE_LINKAGE_110_PEER_ID,
    )
