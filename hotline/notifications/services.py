"""Queueing notifications from inside a transition's transaction (the outbox)."""

from collections.abc import Iterable

from django.db import transaction

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.notifications.models import Notification
from hotline.notifications.tasks import deliver_notification
from hotline.units.models import Unit

Channel = Notification.Channel


def _queue(
    *, dedupe_key: str, channel: str, kind: str, body: str, order=None, **recipient
) -> Notification:
    """Write one outbox row (once per dedupe key) and, for SMS and mail, enqueue its delivery
    in the same transaction. In-app messages are delivered by being written."""
    inapp = channel == Channel.INAPP
    note, created = Notification.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "channel": channel,
            "kind": kind,
            "body": body,
            "order": order,
            "status": Notification.Status.SENT if inapp else Notification.Status.PENDING,
            "sent_at": clock.now() if inapp else None,
            "created_at": clock.now(),
            **recipient,
        },
    )
    if created and not inapp:
        deliver_notification.enqueue(note.pk)
    return note


def notify_unit(
    *,
    unit: Unit,
    kind: str,
    event_key: str,
    body: str,
    order=None,
    sms_roles: Iterable[str] = (Role.MANAGER,),
) -> None:
    """Tell a unit: an in-app message to its inbox, and an SMS (and a mail, where they have an
    address) to its staff in `sms_roles`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "notifications are queued inside the transaction of the change that causes them"
        )
    _queue(
        dedupe_key=f"{event_key}:inapp:unit{unit.pk}",
        channel=Channel.INAPP,
        kind=kind,
        body=body,
        order=order,
        recipient_unit=unit,
    )
    wanted = set(sms_roles)
    if wanted:
        for user in User.objects.filter(unit=unit, is_active=True):
            if not wanted & user.role_set:
                continue
            for channel, address in ((Channel.SMS, user.phone), (Channel.MAIL, user.email)):
                if address:
                    notify_user(
                        user=user,
                        kind=kind,
                        event_key=event_key,
                        body=body,
                        order=order,
                        channel=channel,
                    )


def notify_user(
    *, user: User, kind: str, event_key: str, body: str, order=None, channel: str = Channel.INAPP
) -> Notification:
    return _queue(
        dedupe_key=f"{event_key}:{channel}:user{user.pk}",
        channel=channel,
        kind=kind,
        body=body,
        order=order,
        recipient_user=user,
    )


def notify_role(
    *,
    role: str,
    unit_code: str | None,
    kind: str,
    event_key: str,
    body: str,
    order=None,
    sms: bool = False,
) -> None:
    """Tell every active holder of `role` (in the unit `unit_code`, when given)."""
    users = User.objects.filter(is_active=True)
    if unit_code:
        users = users.filter(unit__code=unit_code)
    for user in users:
        if role in user.role_set:
            notify_user(user=user, kind=kind, event_key=event_key, body=body, order=order)
            if sms and user.phone:
                notify_user(
                    user=user,
                    kind=kind,
                    event_key=event_key,
                    body=body,
                    order=order,
                    channel=Channel.SMS,
                )


def notify_caller(*, order, kind: str, event_key: str, body: str) -> Notification | None:
    """An SMS to the caller; the number is decrypted only when the message is sent."""
    if not order.caller_phone:
        return None
    return _queue(
        dedupe_key=f"{event_key}:sms:caller",
        channel=Channel.SMS,
        kind=kind,
        body=body,
        order=order,
        to_caller=True,
    )
