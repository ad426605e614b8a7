"""`history.py`: one history row per transition, and the rows cannot be changed or deleted —
neither through the model nor in the database (core/guards.py)."""

from django.db import IntegrityError, connection, transaction

from hotline.core.guards import append_only_lifted
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

    def test_the_database_refuses_to_update_or_delete_order_events(self):
        order = self.create_order()
        event = order.events.get()
        for sql in (
            "UPDATE orders_orderevent SET reason = '篡改' WHERE id = %s",
            "DELETE FROM orders_orderevent WHERE id = %s",
        ):
            with (
                self.subTest(sql=sql),
                self.assertRaises(IntegrityError),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [event.pk])
        events = OrderEvent.objects.filter(pk=event.pk)
        with self.assertRaises(IntegrityError), transaction.atomic():
            events.update(reason="篡改")
        with self.assertRaises(IntegrityError), transaction.atomic():
            events._raw_delete(events.db)
        self.assertEqual(order.events.get().reason, "")

    def test_only_the_lifted_switch_lets_a_change_through(self):
        order = self.create_order()
        event = order.events.get()
        with append_only_lifted():
            OrderEvent.objects.filter(pk=event.pk).update(reason="测试清理")
        self.assertEqual(order.events.get().reason, "测试清理")
        with self.assertRaises(IntegrityError), transaction.atomic():
            OrderEvent.objects.filter(pk=event.pk).update(reason="再改")
