"""The satisfaction callback (Art. 16: 对已办结诉求件进行满意度回访) and missed calls.

When the operating centre accepts a unit's reply, the order enters the callback queue. The
policy decides which orders must be called back (complaints, reports and help by default,
and a stable sample of the others); the operator records each try. A caller reached gives a
rating; a caller not reached on `max_attempts` different days is closed as unreachable. An
order that needs no call and that the caller did not rate online is closed by the periodic
job after `auto_close_days`.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import CENTRE_ROLES, Role
from hotline.callbacks.models import CallbackAttempt, CallbackTask, MissedCall
from hotline.callbacks.queue import callback_policy
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.core.text import MAX_NOTE, MAX_REASON, MAX_SHORT, clean_text
from hotline.orders import services as order_services
from hotline.orders.models import Order, Status
from hotline.orders.personal_text import order_text
from hotline.privacy.personal import phone_digest, phone_is_valid, phone_mask, phone_normalize


def _require_operator(actor: User) -> None:
    if not actor.has_role(*CENTRE_ROLES):
        raise NotAllowed(_("只有热线运营中心可以回访。"))


@transaction.atomic
def callback_reached(*, order: Order, actor: User, satisfaction: str, note: str = "") -> Order:
    """The caller was reached and rated the result: the try is kept, and the rating closes the
    order's callback task (`order_record_callback`)."""
    _require_operator(actor)
    task = CallbackTask.objects.select_for_update().filter(order=order).first()
    order = order_services.order_record_callback(
        order=order, actor=actor, satisfaction=satisfaction, note=note
    )
    if task is not None:
        note = clean_text(note, field=_("回访记录"), required=False, limit=MAX_REASON)
        note = order_text(order, note)[0]  # numbers in a callback note: masked (issue 13)
        CallbackAttempt.objects.create(
            task=task, operator=actor, at=clock.now(), reached=True, note=note
        )
    return order


@transaction.atomic
def callback_not_reached(*, order: Order, actor: User, note: str = "") -> CallbackTask:
    """A try that did not reach the caller. With `distinct_days`, only the first failed try
    of a day counts; after `max_attempts` the order is closed as unreachable."""
    _require_operator(actor)
    note = order_text(order, clean_text(note, field=_("情况"), required=False, limit=MAX_NOTE))[0]
    task = (
        CallbackTask.objects.select_for_update().select_related("order").filter(order=order).first()
    )
    if task is None or task.order.status != Status.CALLBACK:
        raise WrongState(_("该工单不在回访队列中。"))
    policy = callback_policy()
    now = clock.now()
    today = timezone.localtime(now).date()
    counted_before = {timezone.localtime(t.at).date() for t in task.tries.filter(reached=False)}
    CallbackAttempt.objects.create(task=task, operator=actor, at=now, reached=False, note=note)
    if not policy.distinct_days or today not in counted_before:
        task.attempts += 1
    task.last_attempt_at = now
    task.save(update_fields=["attempts", "last_attempt_at"])
    if task.attempts >= policy.max_attempts:
        order_services.order_close_by_rule(
            order=task.order,
            actor=actor,
            reason=_("%(n)d 次回访均未接通，按规则办结。") % {"n": task.attempts},
            outcome=CallbackTask.Outcome.UNREACHABLE,
        )
        task.refresh_from_db()
    return task


def callback_queue(*, user: User) -> list[CallbackTask]:
    """Orders that must be called back, oldest first; a task tried today comes after the
    others (call it again another day)."""
    if not user.has_role(*CENTRE_ROLES):
        return []
    tasks = (
        CallbackTask.objects.filter(
            required=True, closed_at__isnull=True, order__status=Status.CALLBACK
        )
        .select_related("order", "order__request_type", "order__lead_unit")
        .order_by("opened_at")
    )
    today = timezone.localtime(clock.now()).date()
    rows = list(tasks[:500])
    return sorted(
        rows,
        key=lambda t: (
            t.last_attempt_at is not None and timezone.localtime(t.last_attempt_at).date() == today,
            t.opened_at,
        ),
    )


def callback_counts(*, user: User) -> tuple[int, int] | None:
    """Of the orders waiting for their callback: how many the operating centre must call
    (the callback queue) and how many wait for the caller's own rating on the web (closed
    by rule if none comes). None for those who do not call back."""
    if not user.has_role(*CENTRE_ROLES):
        return None
    waiting = CallbackTask.objects.filter(closed_at__isnull=True, order__status=Status.CALLBACK)
    to_call = waiting.filter(required=True).count()
    return to_call, waiting.filter(required=False).count()


@transaction.atomic
def callbacks_auto_close(*, now: datetime | None = None) -> int:
    """Close the orders that needed no call and were not rated online in time."""
    now = now or clock.now()
    policy = callback_policy()
    due = CallbackTask.objects.select_related("order").filter(
        required=False,
        closed_at__isnull=True,
        order__status=Status.CALLBACK,
        opened_at__lte=now - timedelta(days=policy.auto_close_days),
    )
    closed = 0
    for task in due:
        order_services.order_close_by_rule(
            order=task.order,
            reason=_("市民未在 %(n)d 天内评价，按规则办结。") % {"n": policy.auto_close_days},
            outcome=CallbackTask.Outcome.AUTO_CLOSED,
        )
        closed += 1
    return closed


@transaction.atomic
def missed_call_record(
    *, phone: str, called_at: datetime, actor: User | None, source: str = MissedCall.Source.MANUAL
) -> MissedCall:
    """Record a call nobody answered, for the call-back list."""
    if actor is not None and not actor.has_role(*CENTRE_ROLES):
        raise NotAllowed(_("只有热线运营中心可以登记未接来电。"))
    if not phone_is_valid(phone):
        raise InvalidInput(_("号码格式不正确。"))
    if called_at > clock.now() + timedelta(minutes=5):
        raise InvalidInput(_("来电时间不能晚于现在。"))
    digits = phone_normalize(phone)
    return MissedCall.objects.create(
        phone=digits,
        phone_mask=phone_mask(digits),
        phone_digest=phone_digest(digits),
        called_at=called_at,
        source=source,
        recorded_by=actor,
    )


@transaction.atomic
def missed_call_returned(*, call: MissedCall, actor: User, result: str) -> MissedCall:
    """Mark a missed call as called back, with what came of it."""
    if not actor.has_role(*CENTRE_ROLES, Role.REVIEWER):
        raise NotAllowed(_("只有热线运营中心可以回拨。"))
    locked = MissedCall.objects.select_for_update().get(pk=call.pk)
    if locked.returned_at is not None:
        raise WrongState(_("该来电已由 %(who)s 回拨。") % {"who": locked.returned_by})
    result = clean_text(result, field=_("回拨结果"), limit=MAX_SHORT)
    locked.returned_at, locked.returned_by, locked.result = clock.now(), actor, result
    locked.save(update_fields=["returned_at", "returned_by", "result"])
    return locked


@transaction.atomic
def missed_call_withdraw(*, call: MissedCall) -> bool:
    """Withdraw a missed call the call centre reported and then reported answered after all
    (its events came out of order). One already called back stays, as it happened. True when
    it was withdrawn."""
    return bool(
        MissedCall.objects.filter(
            pk=call.pk, source=MissedCall.Source.CTI, returned_at__isnull=True
        ).delete()[0]
    )
