"""What a member unit is told, and that it is told exactly once :
dispatch, urge, supervision and the reminder one working day before the due date each queue
one in-app message for the unit and one SMS (with one delivery task) per manager with a
phone; queueing the same event again adds nothing; a failed SMS stays pending with a retry
and is sent by a later try."""

from collections.abc import Callable
from typing import Any, ClassVar

from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.clock import frozen_at
from hotline.notifications.gateways import GatewayError
from hotline.notifications.models import Notification
from hotline.notifications.services import notify_unit
from hotline.notifications.tasks import deliver_notification
from hotline.orders import messages, services
from hotline.orders.models import Action, Order, OrderEvent
from hotline.orders.services import notify_due_soon
from hotline.testing import BaseTestCase, aware

HERE = __name__


class FailingGateway:
    def send(self, *, channel: str, address: str, subject: str, body: str) -> None:
        raise GatewayError("SMS gateway timed out")


class RecordingGateway:
    sent: ClassVar[list[tuple[str, str, str]]] = []

    def send(self, *, channel: str, address: str, subject: str, body: str) -> None:
        RecordingGateway.sent.append((channel, address, body))


class Boom(Exception):
    pass


class UnitNotificationTestCase(BaseTestCase):
    def setUp(self) -> None:
        RecordingGateway.sent = []
        # Unit A: a second manager with a phone, one without, and staff in other roles with
        # phones, who get no SMS for these events (except the leader under supervision).
        self.manager_a2 = account_create(
            username="urban.manager2", roles=[Role.MANAGER], unit=self.unit_a, phone="13900000012"
        )
        account_create(username="urban.manager3", roles=[Role.MANAGER], unit=self.unit_a)
        account_create(
            username="urban.handler.p", roles=[Role.HANDLER], unit=self.unit_a, phone="13900000013"
        )
        User.objects.filter(pk=self.leader_a.pk).update(phone="13900000014")
        User.objects.filter(pk=self.manager_b.pk).update(phone="13900000015")

    def written_by(
        self, call: Callable[[], Any]
    ) -> tuple[Any, list[Notification], list[DBTaskResult]]:
        """Run `call`; return its result, the notifications and the task rows it wrote."""
        notes = set(Notification.objects.values_list("id", flat=True))
        tasks = set(DBTaskResult.objects.values_list("id", flat=True))
        result = call()
        return (
            result,
            list(Notification.objects.exclude(id__in=notes).select_related("recipient_user")),
            list(DBTaskResult.objects.exclude(id__in=tasks)),
        )

    def assertToldOnce(
        self,
        notes: list[Notification],
        tasks: list[DBTaskResult],
        *,
        kind: str,
        unit: Any,
        sms_to: list[User],
        order: Order,
    ) -> None:
        """Of `notes`, exactly one in-app message of `kind` to `unit` and one pending SMS to
        each of `sms_to` (the unit's staff), each SMS with exactly one delivery task."""
        mine = [
            n
            for n in notes
            if n.kind == kind
            and (
                n.recipient_unit_id == unit.pk
                or (n.recipient_user is not None and n.recipient_user.unit_id == unit.pk)
            )
        ]
        inapp = [n for n in mine if n.channel == Notification.Channel.INAPP]
        self.assertEqual(
            [(n.recipient_unit_id, n.recipient_user_id, n.status) for n in inapp],
            [(unit.pk, None, Notification.Status.SENT)],
        )
        self.assertIn(order.number, inapp[0].body)
        sms = [n for n in mine if n.channel == Notification.Channel.SMS]
        self.assertEqual(
            sorted(n.recipient_user.username for n in sms if n.recipient_user),
            sorted(u.username for u in sms_to),
        )
        self.assertEqual(len(sms), len(sms_to))
        self.assertTrue(all(n.status == Notification.Status.PENDING for n in sms))
        self.assertTrue(all(n.order_id == order.pk for n in mine))
        delivered = [
            row.args_kwargs["args"][0]
            for row in tasks
            if row.task_path.endswith("deliver_notification")
        ]
        for note in sms:
            self.assertEqual(delivered.count(note.pk), 1, note.recipient_user)


class OncePerEventTests(UnitNotificationTestCase):
    def test_dispatch_tells_the_lead_and_the_assisting_unit_once_each(self):
        order = services.order_accept(order=self.create_order(), actor=self.operator)
        order, notes, tasks = self.written_by(
            lambda: services.order_dispatch(
                order=order,
                actor=self.operator,
                lead_unit=self.unit_a,
                assisting_units=[self.unit_b],
            )
        )
        self.assertToldOnce(
            notes,
            tasks,
            kind="dispatched",
            unit=self.unit_a,
            sms_to=[self.manager_a, self.manager_a2],
            order=order,
        )
        self.assertToldOnce(
            notes, tasks, kind="dispatched", unit=self.unit_b, sms_to=[self.manager_b], order=order
        )
        self.assertEqual(len(notes), 5)
        self.assertEqual(len(tasks), 3)

    def test_urge_tells_the_unit_once(self):
        order = self.in_progress_order()
        order, notes, tasks = self.written_by(
            lambda: services.order_urge(order=order, actor=self.operator, note="市民再次来电")
        )
        self.assertToldOnce(
            notes,
            tasks,
            kind="urge",
            unit=self.unit_a,
            sms_to=[self.manager_a, self.manager_a2],
            order=order,
        )
        self.assertEqual((len(notes), len(tasks)), (3, 2))

    def test_supervision_tells_the_unit_and_texts_its_managers_and_leader(self):
        order = self.in_progress_order()
        order, notes, tasks = self.written_by(
            lambda: services.order_supervise(order=order, actor=self.reviewer, note="限期办结")
        )
        self.assertToldOnce(
            notes,
            tasks,
            kind="supervise",
            unit=self.unit_a,
            sms_to=[self.manager_a, self.manager_a2, self.leader_a],
            order=order,
        )
        self.assertEqual((len(notes), len(tasks)), (4, 3))

    def test_due_soon_reminder_tells_the_unit_once(self):
        with frozen_at(aware("2025-09-29 10:00")):
            order = self.in_progress_order()  # due at 24:00 on Thu 9 Oct
        with frozen_at(aware("2025-09-30 10:00")):
            _sent, notes, tasks = self.written_by(notify_due_soon)
        self.assertToldOnce(
            notes,
            tasks,
            kind="due_soon",
            unit=self.unit_a,
            sms_to=[self.manager_a, self.manager_a2],
            order=order,
        )
        self.assertEqual((len(notes), len(tasks)), (3, 2))
        # Run again the same day and on the due day: nothing more.
        for moment in ("2025-09-30 10:05", "2025-10-09 08:00"):
            with self.subTest(moment=moment), frozen_at(aware(moment)):
                _sent, notes, tasks = self.written_by(notify_due_soon)
                self.assertEqual((notes, tasks), ([], []))

    def test_queueing_the_same_event_again_adds_nothing(self):
        """A retried worker or transaction that queues an event's messages again must not send
        them twice: the outbox keys each message by event and recipient."""
        order = self.in_progress_order()
        order = services.order_urge(order=order, actor=self.operator, note="请尽快")
        event = OrderEvent.objects.get(order=order, action=Action.URGE)
        _none, notes, tasks = self.written_by(
            lambda: notify_unit(
                unit=self.unit_a,
                kind="urge",
                event_key=f"order-event-{event.pk}",
                order=order,
                body="重复的催办通知",
            )
        )
        self.assertEqual((notes, tasks), ([], []))
        dispatch = OrderEvent.objects.get(order=order, action=Action.DISPATCH)
        _none, notes, tasks = self.written_by(lambda: messages.dispatched(order, dispatch, []))
        self.assertEqual((notes, tasks), ([], []))

    def test_each_urge_is_its_own_event(self):
        order = self.in_progress_order()
        services.order_urge(order=order, actor=self.operator, note="一催")
        services.order_urge(order=order, actor=self.operator, note="二催")
        inapp = Notification.objects.filter(order=order, kind="urge", channel="inapp")
        self.assertEqual(inapp.count(), 2)
        self.assertEqual(
            Notification.objects.filter(order=order, kind="urge", channel="sms").count(), 4
        )

    def test_a_rolled_back_dispatch_leaves_no_message_and_no_task(self):
        order = services.order_accept(order=self.create_order(), actor=self.operator)
        before = (Notification.objects.count(), DBTaskResult.objects.count())
        with self.assertRaises(Boom), transaction.atomic():
            services.order_dispatch(order=order, actor=self.operator, lead_unit=self.unit_a)
            self.assertGreater(Notification.objects.count(), before[0])
            raise Boom
        self.assertEqual((Notification.objects.count(), DBTaskResult.objects.count()), before)
        self.assertEqual(self.reload(order).status, "pending_dispatch")

    def test_a_rolled_back_reminder_run_leaves_nothing_and_runs_again_later(self):
        with frozen_at(aware("2025-09-29 10:00")):
            order = self.in_progress_order()
        before = (Notification.objects.count(), DBTaskResult.objects.count())
        with frozen_at(aware("2025-09-30 10:00")):
            with self.assertRaises(Boom), transaction.atomic():
                notify_due_soon()
                raise Boom
            self.assertEqual((Notification.objects.count(), DBTaskResult.objects.count()), before)
            notify_due_soon()
        self.assertEqual(
            Notification.objects.filter(order=order, kind="due_soon", channel="inapp").count(), 1
        )


class RetryTests(UnitNotificationTestCase):
    def dispatch_sms(self) -> Notification:
        order = services.order_accept(order=self.create_order(), actor=self.operator)
        services.order_dispatch(order=order, actor=self.operator, lead_unit=self.unit_a)
        return Notification.objects.get(
            kind="dispatched", channel="sms", recipient_user=self.manager_a
        )

    def tasks_for(self, note: Notification) -> list[DBTaskResult]:
        return [
            row
            for row in DBTaskResult.objects.all()
            if row.task_path.endswith("deliver_notification")
            and row.args_kwargs["args"] == [note.pk]
        ]

    def test_a_failed_sms_stays_pending_with_a_retry_then_a_later_try_sends_it(self):
        note = self.dispatch_sms()
        self.assertEqual(len(self.tasks_for(note)), 1)
        with override_settings(HOTLINE_SMS_GATEWAY=f"{HERE}.FailingGateway"):
            self.assertEqual(deliver_notification.call(note.pk), "failed")
        note.refresh_from_db()
        self.assertEqual((note.status, note.attempts), (Notification.Status.PENDING, 1))
        self.assertIn("timed out", note.last_error)
        retries = [row for row in self.tasks_for(note) if row.run_after == note.next_attempt_at]
        self.assertEqual(len(retries), 1)
        self.assertEqual(len(self.tasks_for(note)), 2)

        with override_settings(HOTLINE_SMS_GATEWAY=f"{HERE}.RecordingGateway"):
            self.assertEqual(deliver_notification.call(note.pk), "sent")
            # The first task row, run late by a second worker, sends nothing again.
            self.assertEqual(deliver_notification.call(note.pk), "skipped")
        note.refresh_from_db()
        self.assertEqual((note.status, note.attempts, note.last_error), ("sent", 2, ""))
        self.assertIsNotNone(note.sent_at)
        self.assertEqual(RecordingGateway.sent, [("sms", "13900000002", note.body)])

    @override_settings(HOTLINE_SMS_GATEWAY=f"{HERE}.FailingGateway")
    def test_a_failing_gateway_does_not_stop_the_change_or_the_inapp_message(self):
        order = services.order_accept(order=self.create_order(), actor=self.operator)
        order = services.order_dispatch(order=order, actor=self.operator, lead_unit=self.unit_a)
        for note in Notification.objects.filter(order=order, channel="sms"):
            deliver_notification.call(note.pk)
        self.assertEqual(self.reload(order).status, "dispatched")
        inapp = Notification.objects.get(order=order, kind="dispatched", channel="inapp")
        self.assertEqual(inapp.status, Notification.Status.SENT)
        self.assertEqual(
            set(
                Notification.objects.filter(order=order, channel="sms").values_list(
                    "status", flat=True
                )
            ),
            {Notification.Status.PENDING},
        )


class MailTests(UnitNotificationTestCase):
    def test_a_manager_with_a_mail_address_also_gets_one_mail_per_event(self):
        User.objects.filter(pk=self.manager_a.pk).update(email="manager@urban.example")
        order, notes, tasks = self.written_by(lambda: self.dispatched_order())
        mails = [n for n in notes if n.channel == Notification.Channel.MAIL]
        self.assertEqual(
            [(n.recipient_user_id, n.kind) for n in mails], [(self.manager_a.pk, "dispatched")]
        )
        delivered = [
            row.args_kwargs["args"][0]
            for row in tasks
            if row.task_path.endswith("deliver_notification")
        ]
        self.assertEqual(delivered.count(mails[0].pk), 1)
        # Handlers are told in the app, not by mail.
        User.objects.filter(pk=self.handler_a.pk).update(email="handler@urban.example")
        _order, notes, _tasks = self.written_by(
            lambda: services.order_urge(order=order, actor=self.operator, note="请尽快")
        )
        self.assertEqual(
            [n.recipient_user_id for n in notes if n.channel == Notification.Channel.MAIL],
            [self.manager_a.pk],
        )
