"""The callback queue's one writer: every transition into the callback state opens the order's
task, and every transition out of it closes the task with its outcome (Art. 16). The order's
services call these inside their transaction, so the queue and the order never disagree."""

import hashlib
from datetime import datetime

from django.utils.translation import gettext as _

from hotline.callbacks.models import CallbackPolicy, CallbackTask
from hotline.orders.models import Order

DEFAULT_REQUIRED = ["complaint", "report", "help", "emergency"]


def callback_policy() -> CallbackPolicy:
    policy, _created = CallbackPolicy.objects.get_or_create(
        pk=1, defaults={"required_types": DEFAULT_REQUIRED}
    )
    return policy


def callback_required(*, order: Order, policy: CallbackPolicy) -> tuple[bool, str]:
    """Whether the order must be called back, and why (a type the rule names, or the sample)."""
    if order.request_type_id in (policy.required_types or []):
        return True, _("规则：%(type)s类必须回访") % {"type": order.request_type.name}
    bucket = int(hashlib.sha256(order.number.encode()).hexdigest()[:8], 16) % 100
    if bucket < policy.sample_percent:
        return True, _("抽样回访（%(percent)d%%）") % {"percent": policy.sample_percent}
    return False, _("无需电话回访，市民可网上评价")


def callback_task_open(*, order: Order, at: datetime) -> CallbackTask:
    """The order enters the callback queue (its reply was accepted). A reopened order that
    comes back gets its task opened again, with its tries counted afresh."""
    required, basis = callback_required(order=order, policy=callback_policy())
    task, created = CallbackTask.objects.get_or_create(
        order=order, defaults={"required": required, "basis": basis, "opened_at": at}
    )
    if not created:
        task.required, task.basis, task.opened_at = required, basis, at
        task.attempts, task.last_attempt_at, task.closed_at, task.outcome = (
            0,
            None,
            None,
            CallbackTask.Outcome.OPEN,
        )
        task.save()
    return task


def callback_task_close(*, order: Order, outcome: str, at: datetime) -> None:
    """The order left the callback state: rated, unreachable, closed by rule or by the
    operator lead. An order without an open task (e.g. from before the queue) is left alone."""
    CallbackTask.objects.filter(order=order, closed_at__isnull=True).update(
        closed_at=at, outcome=outcome
    )
