"""The reminder one working day before an order's limit ends (Art. 10: 按照规定时限办理),
run by `hotline tick`."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from hotline import clock
from hotline.calendar.services import working_days_between
from hotline.orders import messages
from hotline.orders.models import UNIT_STATES, Order

# The next working day is at most a long holiday away.
LOOK_AHEAD = timedelta(days=14)


def orders_due_tomorrow(*, now: datetime | None = None) -> list[Order]:
    """Orders held by a unit whose limit ends today or on the next working day."""
    now = now or clock.now()
    today = timezone.localtime(now).date()
    candidates = Order.objects.filter(
        status__in=UNIT_STATES, due_at__gt=now, due_at__lte=now + LOOK_AHEAD
    ).select_related("lead_unit")
    return [
        order
        for order in candidates
        if order.due_date is not None
        and order.lead_unit is not None
        and working_days_between(after=today, through=order.due_date) <= 1
    ]


@transaction.atomic
def notify_due_soon(*, now: datetime | None = None) -> int:
    """Remind each unit one working day before an order's limit ends, once per due date
    (an extension moves the due date and earns a new reminder). Safe to run often."""
    due = orders_due_tomorrow(now=now)
    for order in due:
        messages.due_soon(order)
    return len(due)
