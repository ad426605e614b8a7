"""Recording the call centre's events (protocols/cti-events.md), linking a call to the order
taken during it, and opening a recording (Art. 24)."""

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.audit.services import audit_record
from hotline.callbacks.models import MissedCall
from hotline.callbacks.services import missed_call_record, missed_call_withdraw
from hotline.core.errors import NotAllowed, NotFound
from hotline.cti.models import Call, CallEvent, Direction, EventKind
from hotline.cti.protocol import CtiEventIn
from hotline.cti.rules import may_hear_recordings
from hotline.orders.models import Order
from hotline.privacy.personal import (
    phone_digest,
    phone_digests,
    phone_is_valid,
    phone_mask,
    phone_normalize,
)

logger = logging.getLogger("hotline.cti")


@dataclass(frozen=True)
class EventResult:
    call: Call
    repeated: bool  # the event had been received before: nothing changed


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds()))


def _locked_call(event: CtiEventIn) -> Call:
    """The call of `event`, locked; created on its first event. Two first events at once:
    one inserts, the other waits on the unique call id and then locks the row."""
    call = Call.objects.select_for_update().filter(call_id=event.call_id).first()
    if call is not None:
        return call
    digits = phone_normalize(event.citizen_number)
    try:
        with transaction.atomic():
            Call.objects.create(
                call_id=event.call_id,
                direction=event.direction,
                phone=digits,
                phone_mask=phone_mask(digits),
                phone_digest=phone_digest(digits),
                line=event.line[:20],
                started_at=event.at,
            )
    except IntegrityError:
        pass  # created meanwhile by the other event
    return Call.objects.select_for_update().get(call_id=event.call_id)


def _agent(login: str) -> User | None:
    if not login:
        return None
    return User.objects.filter(username=login, is_active=True, is_machine=False).first()


@transaction.atomic
def cti_event_record(*, actor: User, event: CtiEventIn) -> EventResult:
    """Record one event of the call centre, in one transaction with the call's row locked.

    Guarantees: one call per call id and at most one event of each kind per call, so a repeat
    changes nothing (`repeated`); the call's state depends on the events received, not on
    their order (times are the reported ones; `answered`, waiting and talk time are derived
    from them each time); an `in` call that has ended without an answer becomes one missed call
    on the call-back list (国办函〔2025〕66号), withdrawn again if its answer arrives late and
    nobody has called back yet. Only an account with the CTI role may report."""
    if not actor.has_role(Role.CTI):
        raise NotAllowed(_("只有呼叫中心接口账户可以上报话务事件。"))
    call = _locked_call(event)
    if CallEvent.objects.filter(call=call, kind=event.event).exists():
        return EventResult(call=call, repeated=True)
    CallEvent.objects.create(
        call=call, kind=event.event, at=event.at, agent_login=event.agent, cause=event.cause
    )
    if event.event == EventKind.NEW_CALL:
        call.rang_at = event.at
    elif event.event == EventKind.ANSWER:
        call.answered_at, call.answered = event.at, True
    else:
        call.ended_at, call.cause = event.at, event.cause
        call.recording = event.recording or call.recording
    # The agent named by the answer wins over the one named by the hangup.
    if event.agent and (event.event == EventKind.ANSWER or not call.agent_login):
        call.agent_login, call.agent = event.agent, _agent(event.agent)
    call.started_at = min(t for t in (call.rang_at, call.answered_at, call.ended_at) if t)
    call.wait_seconds = _seconds(call.rang_at, call.answered_at)
    call.talk_seconds = _seconds(call.answered_at, call.ended_at)
    _missed_call_sync(call)
    call.save()
    return EventResult(call=call, repeated=False)


def _missed_call_sync(call: Call) -> None:
    """Keep the call-back list in step with the call: an ended, unanswered `in` call from a
    number that can be called back has one missed call."""
    missed = call.direction == Direction.IN and call.ended_at is not None and not call.answered
    if missed and call.missed_call_id is None:
        if not phone_is_valid(call.phone):
            logger.info("cti call %s ended unanswered without a number to call back", call.pk)
            return
        call.missed_call = missed_call_record(
            phone=call.phone,
            called_at=call.rang_at or call.started_at,
            actor=None,
            source=MissedCall.Source.CTI,
        )
    elif (
        not missed and call.missed_call is not None and missed_call_withdraw(call=call.missed_call)
    ):
        call.missed_call = None


@transaction.atomic
def call_link_order(*, actor: User, order: Order) -> Call | None:
    """Link the order an agent has just recorded to the call the agent is in, when the order's
    number is the caller's: the order then records the call it came from (and its recording,
    for those who may hear it). A call is linked to one order, the first."""
    if not order.caller_phone_digest:
        return None
    call = (
        Call.objects.select_for_update()
        .filter(
            agent=actor,
            answered=True,
            ended_at__isnull=True,
            order__isnull=True,
            phone_digest__in=phone_digests(order.caller_phone),
        )
        .order_by("-answered_at")
        .first()
    )
    if call is not None:
        call.order = order
        call.save(update_fields=["order"])
    return call


@dataclass(frozen=True)
class Recording:
    reference: str
    path: Path | None  # the file in HOTLINE_RECORDINGS_DIR, when there is one


def _recording_path(reference: str) -> Path | None:
    """The file of `reference` inside HOTLINE_RECORDINGS_DIR, or None. A reference that leads
    out of the directory (.., an absolute path, a link) is never opened."""
    base_setting = getattr(settings, "HOTLINE_RECORDINGS_DIR", "")
    if not base_setting or not reference:
        return None
    base = Path(base_setting).resolve()
    candidate = (base / reference.lstrip("/")).resolve()
    if not candidate.is_relative_to(base) or not candidate.is_file():
        return None
    return candidate


@transaction.atomic
def recording_open(*, actor: User, call: Call) -> Recording:
    """Open a call's recording for playback or download. Only the roles that may hear
    recordings (`rules.RECORDING_ROLES`, Art. 24: the content of calls is personal data) may;
    each opening is written to the audit trail (Art. 20) in the same transaction."""
    if not may_hear_recordings(actor):
        raise NotAllowed(_("无权收听通话录音。"))
    if not call.recording:
        raise NotFound(_("该通话没有录音。"))
    path = _recording_path(call.recording)
    audit_record(
        actor=actor,
        action="cti.recording_open",
        target=f"call:{call.pk}",
        call_id=call.call_id,
        order=call.order.number if call.order is not None else "",
        file=path is not None,
    )
    return Recording(reference=call.recording, path=path)
