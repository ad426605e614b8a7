"""Order numbers: prefix, local date and a daily sequence (e.g. YL2025100100037)."""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from hotline import clock
from hotline.orders.models import OrderNumberSequence


def order_number_next(*, now: datetime | None = None) -> str:
    """The next order number, e.g. YL2025100100037: prefix, local date, a daily sequence.

    Unique under concurrent creation: the day's counter row is incremented with an UPDATE that
    takes its lock. Gaps are tolerated (a rolled-back order's number may be reused or skipped).
    """
    local = timezone.localtime(now or clock.now())
    key = f"{settings.HOTLINE_ORDER_PREFIX}{local:%Y%m%d}"
    for _attempt in range(5):
        if OrderNumberSequence.objects.filter(day_key=key).update(last=F("last") + 1):
            last = OrderNumberSequence.objects.values_list("last", flat=True).get(day_key=key)
            return f"{key}{last:05d}"
        try:
            with transaction.atomic():
                OrderNumberSequence.objects.create(day_key=key, last=1)
            return f"{key}{1:05d}"
        except IntegrityError:
            continue  # another transaction created the day's row first; increment it
    raise RuntimeError("could not allocate an order number")
