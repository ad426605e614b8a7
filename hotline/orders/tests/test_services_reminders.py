"""`services/reminders.py`: the reminder one working day before the due date."""

from typing import Any

from hotline.clock import frozen_at
from hotline.notifications.models import Notification
from hotline.orders import services
from hotline.orders.models import Order
from hotline.orders.services import notify_due_soon
from hotline.orders.tests.base import THU_OCT_9, OrderTestCase
from hotline.testing import aware


class DueSoonTests(OrderTestCase):
    def dispatched_at(self, moment: str, **kwargs: Any) -> Order:
        with frozen_at(aware(moment)):
            return self.dispatched_order(**kwargs)

    def reminded(self) -> list[tuple[str, str]]:
        return sorted(
            Notification.objects.filter(
                kind="due_soon", channel=Notification.Channel.INAPP
            ).values_list("order__number", "recipient_unit__code")
        )

    def test_only_orders_due_today_or_on_the_next_working_day_are_reminded(self):
        # Help requests have 2 working days, consultations 3 (counted by hand).
        due_sep_30 = self.dispatched_at("2025-09-28 10:00")  # Sun (调休): Sep 29, 30
        due_oct_9 = self.dispatched_at("2025-09-29 10:00")  # Sep 30, (holiday), Oct 9
        due_oct_10 = self.dispatched_at("2025-09-29 10:00", request_type="consult")
        overdue = self.dispatched_at("2025-09-26 10:00")  # Fri: Sep 28, 29
        b_due_oct_9 = self.dispatched_at("2025-09-29 10:00", unit=self.unit_b)
        with frozen_at(aware("2025-09-29 10:00")):
            replied = self.left_the_unit(self.in_progress_order())
        self.assertEqual(
            [self.reload(o).due_at for o in (due_sep_30, due_oct_9, due_oct_10, overdue, replied)],
            [
                aware("2025-10-01 00:00"),
                aware("2025-10-10 00:00"),
                aware("2025-10-11 00:00"),
                aware("2025-09-30 00:00"),
                aware("2025-10-10 00:00"),
            ],
        )

        # Tue 30 Sep: after today comes the holiday, so Thu 9 Oct is the next working day.
        with frozen_at(aware("2025-09-30 10:00")):
            self.assertEqual(notify_due_soon(), 3)
        self.assertEqual(
            self.reminded(),
            sorted(
                [
                    (due_sep_30.number, "urban"),
                    (due_oct_9.number, "urban"),
                    (b_due_oct_9.number, "market"),
                ]
            ),
        )
        note = Notification.objects.get(order=due_oct_9, kind="due_soon", channel="inapp")
        self.assertIn(due_oct_9.number, note.body)
        # The same last day as the order page shows: 2025-10-09 24:00.
        self.assertIn("2025-10-09 24:00", note.body)

    def test_the_reminder_is_sent_once_per_due_date(self):
        order = self.dispatched_at("2025-09-29 10:00")  # due Thu 9 Oct
        for moment in ("2025-09-30 10:00", "2025-09-30 16:00", "2025-10-05 09:00", THU_OCT_9):
            with self.subTest(moment=moment), frozen_at(aware(moment)):
                notify_due_soon()
                self.assertEqual(self.reminded(), [(order.number, "urban")])
        self.assertEqual(
            Notification.objects.filter(order=order, kind="due_soon", channel="sms").count(), 1
        )

    def test_an_extension_moves_the_due_date_and_earns_a_new_reminder(self):
        order = self.dispatched_at("2025-09-29 09:00", request_type="complaint")
        order = services.order_sign(order=order, actor=self.handler_a)
        # Sep 30, Oct 9, 10, 11 (调休), 13 → due at 24:00 on Mon 13 Oct.
        self.assertEqual(order.due_at, aware("2025-10-14 00:00"))
        with frozen_at(aware("2025-10-10 10:00")):  # Oct 11 and 13 still to come
            notify_due_soon()
        self.assertEqual(self.reminded(), [])
        with frozen_at(aware("2025-10-11 10:00")):  # only Mon 13 is left
            notify_due_soon()
            notify_due_soon()
            self.assertEqual(self.reminded(), [(order.number, "urban")])
            order = services.order_request_extension(
                order=order, actor=self.handler_a, reason="需第三方检测"
            )
            order = services.order_decide_extension(order=order, actor=self.reviewer, approve=True)
        # Oct 14, 15, 16, 17, 20 → due at 24:00 on Mon 20 Oct.
        self.assertEqual(self.reload(order).due_at, aware("2025-10-21 00:00"))
        with frozen_at(aware("2025-10-11 11:00")):
            notify_due_soon()
        self.assertEqual(len(self.reminded()), 1)
        with frozen_at(aware("2025-10-17 10:00")):  # Fri; Mon 20 is the next working day
            notify_due_soon()
        self.assertEqual(self.reminded(), [(order.number, "urban"), (order.number, "urban")])
