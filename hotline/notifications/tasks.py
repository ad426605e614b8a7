"""Delivering queued notifications, with retries until the gateway accepts them."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from hotline.notifications.gateways import GatewayError, gateway_for
from hotline.notifications.models import Notification

logger = logging.getLogger("hotline.notifications")

MAX_ATTEMPTS = 8


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most an hour between tries."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def _address(note: Notification) -> str:
    if note.to_caller:
        return note.order.caller_phone if note.order else ""
    user = note.recipient_user
    if user is None:
        return ""
    return user.phone if note.channel == Notification.Channel.SMS else user.email


@task()
def deliver_notification(notification_id: int) -> str:
    """Send one notification. Idempotent: a sent or abandoned one is left alone, and the row
    lock keeps two workers from sending the same message."""
    with transaction.atomic():
        note = (
            # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
            Notification.objects.select_for_update(of=("self",))
            .select_related("order", "recipient_user")
            .filter(pk=notification_id)
            .first()
        )
        if note is None or note.status != Notification.Status.PENDING:
            return "skipped"
        note.attempts += 1
        address = _address(note)
        try:
            if not address:
                raise GatewayError("no address for this recipient")
            gateway_for(note.channel).send(
                channel=note.channel, address=address, subject=note.subject, body=note.body
            )
        except Exception as exc:  # any failure of the gateway is retried, never lost
            note.last_error = str(exc)[:500]
            if note.attempts >= MAX_ATTEMPTS or not address:
                note.status = Notification.Status.FAILED
                logger.warning(
                    "notification %s abandoned after %s attempts: %s", note.pk, note.attempts, exc
                )
            else:
                note.next_attempt_at = timezone.now() + retry_delay(note.attempts)
                deliver_notification.using(run_after=note.next_attempt_at).enqueue(note.pk)
            note.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return "failed"
        note.status = Notification.Status.SENT
        note.sent_at = timezone.now()
        note.last_error = ""
        note.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        return "sent"
