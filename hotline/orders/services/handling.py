"""Handling that changes no state (Art. 10, 15, 16, 22): notes and contact records, urges and
supervision and their acknowledgement, the host unit's corrections, attachments, and
revealing the caller to someone who must contact them. Each is authorized by the rules table
and written to the order's history in its own transaction."""

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.audit.models import AuditEntry
from hotline.audit.services import audit_record
from hotline.core.errors import Conflict, InvalidInput, NotAllowed, WrongState
from hotline.core.text import MAX_REASON, MAX_SHORT, MAX_TEXT, clean_text
from hotline.orders import history, messages
from hotline.orders.attachments import check_uploads
from hotline.orders.models import (
    CONFIDENTIAL_CLEAR,
    CONFIDENTIAL_PLACEHOLDER,
    FINAL_STATES,
    Action,
    Attachment,
    CallParty,
    Note,
    Order,
    Urge,
)
from hotline.orders.personal_text import order_sealed_texts, order_text
from hotline.orders.rules import tracker_candidates
from hotline.orders.services.base import begin, held_by, save

# A contact time a little ahead of the server's clock is a clock difference, not the future.
CLOCK_SKEW = timedelta(minutes=5)


@transaction.atomic
def order_add_note(
    *,
    order: Order,
    actor: User,
    text: str,
    kind: str = Note.Kind.NOTE,
    method: str = "",
    contacted_at: datetime | None = None,
) -> Note:
    """Record a handling note, or that the caller was contacted (when and how), on an order
    the actor's unit holds (lead or assisting) or that the operating centre follows."""
    if kind not in Note.Kind.values:
        raise InvalidInput(_("未知的记录类别。"))
    order = begin(order, actor, Action.CONTACT if kind == Note.Kind.CONTACT else Action.NOTE, None)
    text, sealed = order_text(order, clean_text(text, field=_("记录内容"), limit=MAX_TEXT))
    now = clock.now()
    if kind == Note.Kind.CONTACT:
        if method not in Note.Method.values:
            raise InvalidInput(_("请选择联系方式。"))
        contacted_at = contacted_at or now
        if contacted_at > now + CLOCK_SKEW:
            raise InvalidInput(_("联系时间不能晚于现在。"))
    else:
        method, contacted_at = "", None
    note = Note.objects.create(
        order=order,
        unit=actor.unit,
        author=actor,
        kind=kind,
        method=method,
        contacted_at=contacted_at,
        text=text,
        text_sealed=sealed,
        created_at=now,
    )
    history.noted(order, actor=actor, note=note)
    return note


@transaction.atomic
def order_urge(
    *, order: Order, actor: User, note: str, expected_version: int | None = None
) -> Order:
    """An operator urges the unit (催办, Art. 16: 跟踪落实); the unit must acknowledge it."""
    order = begin(order, actor, Action.URGE, expected_version)
    note = order_text(order, clean_text(note, field=_("催办内容"), limit=MAX_REASON))[0]
    order.urge_count += 1
    save(order, ["urge_count"])
    event = history.urged(order, action=Action.URGE, actor=actor, note=note)
    Urge.objects.create(
        order=order, unit=held_by(order), kind=Urge.Kind.URGE, note=note, by=actor, at=event.at
    )
    messages.urged(order, event)
    return order


@transaction.atomic
def order_supervise(
    *, order: Order, actor: User, note: str, expected_version: int | None = None
) -> Order:
    """The host or supervising unit puts the order under supervision (督办, Art. 5, 6); the
    unit's manager and leader are told and the unit must acknowledge it."""
    order = begin(order, actor, Action.SUPERVISE, expected_version)
    note = order_text(order, clean_text(note, field=_("督办意见"), limit=MAX_REASON))[0]
    order.is_supervised = True
    save(order, ["is_supervised"])
    event = history.urged(order, action=Action.SUPERVISE, actor=actor, note=note)
    Urge.objects.create(
        order=order,
        unit=held_by(order),
        kind=Urge.Kind.SUPERVISE,
        note=note,
        by=actor,
        at=event.at,
    )
    messages.supervised(order, event)
    return order


@transaction.atomic
def urge_acknowledge(*, urge: Urge, actor: User) -> Urge:
    """The unit confirms it has seen an urge or a supervision (催办/督办须确认)."""
    locked = Urge.objects.select_for_update().select_related("order").get(pk=urge.pk)
    order = begin(locked.order, actor, Action.URGE_ACK, None)
    if actor.unit_id != locked.unit_id:
        raise NotAllowed(_("只有被催办的单位可以确认。"))
    if locked.acknowledged_at is not None:
        raise Conflict(_("该催办已由 %(who)s 确认。") % {"who": locked.acknowledged_by})
    locked.acknowledged_by, locked.acknowledged_at = actor, clock.now()
    locked.save(update_fields=["acknowledged_by", "acknowledged_at"])
    history.urge_acknowledged(order, actor=actor, urge=locked)
    return locked


CORRECTABLE_FIELDS = (
    "request_type",
    "category",
    "place",
    "address",
    "title",
    "supervision_channel",
)
# Correctable texts that may hold personal data: each has a sealed column beside it.
SEALED_TEXTS = ("address", "title")


@transaction.atomic
def order_correct(
    *,
    order: Order,
    actor: User,
    reason: str,
    expected_version: int | None = None,
    **changes: Any,
) -> Order:
    """The host unit corrects an order's classification or place (更正), the only change an
    archived order admits. Each correction keeps the old and new values in the history, so
    statistics can be traced (Art. 19, 21: 弄虚作假 is accountable)."""
    order = begin(order, actor, Action.CORRECT, expected_version)
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("不能更正这些字段：%(fields)s") % {"fields": "、".join(sorted(unknown))}
        )
    reason = clean_text(reason, field=_("更正理由"), limit=MAX_REASON)
    order.reveal_confidential()  # compare with the text itself, not the placeholder
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    fields = []
    for name, value in changes.items():
        old = getattr(order, name)
        sealed = None
        if name in SEALED_TEXTS and isinstance(value, str):
            # The corrected text is masked like the first (privacy/text.py), and the history
            # keeps only masks: the old value in the column is already one.
            value, sealed = order_text(order, value)
        if old == value:
            continue
        before[name] = getattr(old, "pk", old)
        after[name] = getattr(value, "pk", value)
        if order.is_confidential and name in CONFIDENTIAL_CLEAR:
            # The history is read by more people than the order (Art. 23): no text in it.
            before[name] = after[name] = CONFIDENTIAL_PLACEHOLDER
        setattr(order, name, value)
        fields.append(name)
        if sealed is not None:
            setattr(order, f"{name}_sealed", sealed)
            fields.append(f"{name}_sealed")
    if not after:
        raise InvalidInput(_("没有需要更正的内容。"))
    save(order, fields)
    history.corrected(order, actor=actor, reason=reason, before=before, after=after)
    return order


@transaction.atomic
def order_record_three_party_call(
    *, order: Order, actor: User, party: str, outcome: str, expected_version: int | None = None
) -> Order:
    """Record a three-party call with 110 (or another rescue line or the unit) about a case
    whose handling was unclear: with whom and what was agreed, in the order's history (Art. 13;
    国办发〔2022〕12号). It changes no state."""
    order = begin(order, actor, Action.THREE_PARTY_CALL, expected_version)
    if party not in CallParty.values:
        raise InvalidInput(_("请选择三方通话的对方。"))
    outcome = clean_text(outcome, field=_("通话结果"), limit=MAX_REASON)
    history.three_party_called(order, actor=actor, party=party, outcome=outcome)
    return order


@transaction.atomic
def order_assign_tracker(
    *,
    order: Order,
    actor: User,
    tracker: User,
    reason: str = "",
    expected_version: int | None = None,
) -> Order:
    """Name the person of the operating centre who follows a confidential order, or change
    them (Art. 23: 指派专人跟踪落实). The host unit assigns and reassigns; an operator lead
    names the first tracker of an order that arrived without one. The history keeps who
    followed it before and who does now."""
    order = begin(order, actor, Action.ASSIGN_TRACKER, expected_version)
    if not tracker_candidates().filter(pk=tracker.pk).exists():
        raise InvalidInput(_("跟踪人须为热线运营中心的在岗人员。"))
    if order.tracker_id == tracker.pk:
        raise InvalidInput(_("%(name)s 已是该工单的跟踪人。") % {"name": tracker})
    reason = clean_text(
        reason, field=_("指派说明"), required=order.tracker_id is not None, limit=MAX_REASON
    )
    before, order.tracker = order.tracker, tracker
    save(order, ["tracker"])
    event = history.tracker_assigned(order, actor=actor, before=before, reason=reason)
    messages.tracker_assigned(order, event)
    return order


@transaction.atomic
def order_reveal_caller(*, order: Order, actor: User, reason: str) -> tuple[str, str]:
    """Show the caller's name and phone in clear to someone who must contact them, and the
    order's texts as written (the personal numbers `privacy/text.py` masked in them); every
    reveal is written to the audit trail, naming what it opened (Art. 22: 不得泄露市民个人信息).
    The reason is stored masked: it is typed text too."""
    order = begin(order, actor, Action.REVEAL, None)
    reason, _sealed = order_text(order, clean_text(reason, field=_("查看事由"), limit=MAX_SHORT))
    audit_record(
        actor=actor,
        action=AuditEntry.Action.REVEAL_PERSONAL_DATA,
        target=order.number,
        reason=reason,
        shown=order_sealed_texts(order),
    )
    return order.caller_name, order.caller_phone


@transaction.atomic
def order_view_confidential(*, order: Order, viewer: User, via: str) -> Order:
    """Open a confidential order's sealed title, address and content for `viewer`, who may
    see the order (the caller checked it with `order_get_for_user`), and write the view to
    the audit trail with the viewer and where (`via`: "page", "api"). Art. 23: 保密工单 are
    read by the named few, and every reading is on record. An ordinary order is returned as
    it is, unaudited."""
    if order.is_confidential:
        audit_record(
            actor=viewer,
            action=AuditEntry.Action.VIEW_CONFIDENTIAL,
            target=order.number,
            via=via,
        )
        order.reveal_confidential()
    return order


@transaction.atomic
def attachments_add(
    *,
    order: Order,
    actor: User | None,
    uploads: Sequence[UploadedFile],
    kind: str = Attachment.Kind.REQUEST,
) -> list[Attachment]:
    """Attach files to an order, all or none. `actor` None is the caller on the portal, at the
    moment the order is submitted."""
    if actor is not None:
        order = begin(order, actor, Action.ATTACH, None)
    elif order.status in FINAL_STATES:
        raise WrongState(_("工单已办结归档，不能再上传附件。"))
    if kind not in Attachment.Kind.values:
        raise InvalidInput(_("未知的附件类别。"))
    types = check_uploads(uploads, already=order.attachments.count())
    now = clock.now()
    saved = []
    for upload, content_type in zip(uploads, types, strict=True):
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        attachment = Attachment(
            order=order,
            kind=kind,
            original_name=(upload.name or "file")[:200],
            content_type=content_type,
            size=upload.size or 0,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
            uploaded_at=now,
        )
        attachment.file.save(upload.name or "file", upload, save=False)
        attachment.save()
        saved.append(attachment)
    if saved:
        history.attached(
            order, actor=actor, at=now, files=[a.original_name for a in saved], kind=kind
        )
    return saved
