"""`history.py`: one history row per transition, and the rows cannot be changed or deleted."""

from hotline.core.models import AppendOnlyError
from hotline.orders import services
from hotline.orders.models import OrderEvent, Satisfaction
from hotline.orders.tests.base import OrderTestCase


class HistoryTests(OrderTestCase):
    def test_full_loop_writes_one_event_per_transition(self):
        order = self.reply_checked_order()
        services.order_record_callback(
            order=order, actor=self.operator, satisfaction=Satisfaction.SATISFIED
        )
        self.assertEqual(
            list(
                order.events.order_by("at", "id").values_list("action", "from_status", "to_status")
            ),
            [
                ("create", "", "received"),
                ("accept", "received", "pending_dispatch"),
                ("dispatch", "pending_dispatch", "dispatched"),
                ("sign", "dispatched", "in_progress"),
                ("reply", "in_progress", "reply_approval"),
                ("reply_approved", "reply_approval", "reply_check"),
                ("reply_accepted", "reply_check", "callback"),
                ("callback", "callback", "closed"),
            ],
        )

    def test_order_events_are_append_only(self):
        order = self.create_order()
        event = order.events.get()
        event.reason = "篡改"
        with self.assertRaises(AppendOnlyError):
            event.save()
        with self.assertRaises(AppendOnlyError):
            event.delete()
        self.assertEqual(order.events.get().reason, "")
        self.assertEqual(OrderEvent.objects.filter(order=order).count(), 1)
