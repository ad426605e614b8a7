"""The notification outbox (DESIGN §3): notifications are written in the transaction of the
change that causes them, delivered by a task, retried on failure and never sent twice."""

from datetime import timedelta
from typing import ClassVar

from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.notifications.gateways import GatewayError
from hotline.notifications.models import Notification
from hotline.notifications.tasks import MAX_ATTEMPTS, deliver_notification
from hotline.orders import services
from hotline.testing import BaseTestCase

HERE = __name__


class FailingGateway:
    def send(self, *, channel: str, address: str, subject: str, body: str) -> None:
        raise GatewayError("gateway said 503 Service Unavailable")


class RecordingGateway:
    sent: ClassVar[list[tuple[str, str, str]]] = []

    def send(self, *, channel: str, address: str, subject: str, body: str) -> None:
        RecordingGateway.sent.append((channel, address, body))


class Boom(Exception):
    pass


class OutboxTestCase(BaseTestCase):
    def setUp(self) -> None:
        RecordingGateway.sent = []

    def delivery_tasks(self, note: Notification) -> list[DBTaskResult]:
        return [
            row
            for row in DBTaskResult.objects.order_by("enqueued_at")
            if row.task_path.endswith("deliver_notification")
            and row.args_kwargs["args"] == [note.pk]
        ]


class QueueingTests(OutboxTestCase):
    def test_rolled_back_transition_leaves_no_notification_and_no_task(self):
        order = self.in_progress_order()
        notes, tasks = Notification.objects.count(), DBTaskResult.objects.count()
        with self.assertRaises(Boom), transaction.atomic():
            services.order_urge(order=order, actor=self.operator, note="催办")
            # The urge queued its messages; then the surrounding transaction fails.
            self.assertGreater(Notification.objects.count(), notes)
            raise Boom
        self.assertEqual(Notification.objects.count(), notes)
        self.assertEqual(DBTaskResult.objects.count(), tasks)
        self.assertEqual(self.reload(order).urge_count, 0)

    def test_urge_writes_one_inbox_message_and_one_sms_per_manager_with_a_phone(self):
        second = account_create(
            username="urban.manager2", roles=[Role.MANAGER], unit=self.unit_a, phone="13900000003"
        )
        account_create(
            username="urban.manager3", roles=[Role.MANAGER], unit=self.unit_a
        )  # no phone
        account_create(
            username="urban.handler.p", roles=[Role.HANDLER], unit=self.unit_a, phone="13900000004"
        )
        account_create(
            username="market.manager.p", roles=[Role.MANAGER], unit=self.unit_b, phone="13900000005"
        )
        order = self.in_progress_order()
        tasks_before = set(DBTaskResult.objects.values_list("id", flat=True))
        notes_before = set(Notification.objects.values_list("id", flat=True))

        services.order_urge(order=order, actor=self.operator, note="市民再次来电")

        written = Notification.objects.exclude(id__in=notes_before)
        inbox = written.filter(channel=Notification.Channel.INAPP)
        self.assertEqual(inbox.count(), 1)
        self.assertEqual(
            (inbox[0].recipient_unit, inbox[0].status), (self.unit_a, Notification.Status.SENT)
        )
        sms = written.filter(channel=Notification.Channel.SMS)
        self.assertEqual(
            sorted(sms.values_list("recipient_user__username", flat=True)),
            sorted([self.manager_a.username, second.username]),
        )
        self.assertTrue(
            all(n.status == Notification.Status.PENDING and n.attempts == 0 for n in sms)
        )
        self.assertEqual(written.count(), 3)
        tasks = DBTaskResult.objects.exclude(id__in=tasks_before)
        self.assertEqual(
            sorted(row.args_kwargs["args"][0] for row in tasks),
            sorted(sms.values_list("id", flat=True)),
        )
        self.assertTrue(all(row.task_path.endswith("deliver_notification") for row in tasks))

    def test_notification_is_queued_once_per_event_and_recipient(self):
        order = self.in_progress_order()
        services.order_urge(order=order, actor=self.operator, note="一")
        services.order_urge(order=order, actor=self.operator, note="二")
        self.assertEqual(Notification.objects.filter(kind="urge", channel="inapp").count(), 2)
        self.assertEqual(
            len(set(Notification.objects.filter(kind="urge").values_list("dedupe_key", flat=True))),
            4,
        )


class DeliveryTests(OutboxTestCase):
    def urge_sms(self) -> Notification:
        order = self.in_progress_order()
        services.order_urge(order=order, actor=self.operator, note="请尽快办理")
        return Notification.objects.get(kind="urge", channel=Notification.Channel.SMS)

    @override_settings(HOTLINE_SMS_GATEWAY=f"{HERE}.FailingGateway")
    def test_failed_send_is_kept_pending_and_retried_later(self):
        note = self.urge_sms()
        self.assertEqual(len(self.delivery_tasks(note)), 1)
        before = timezone.now()

        self.assertEqual(deliver_notification.call(note.pk), "failed")

        note.refresh_from_db()
        self.assertEqual(note.attempts, 1)
        self.assertEqual(note.status, Notification.Status.PENDING)
        self.assertIn("503", note.last_error)
        self.assertIsNone(note.sent_at)
        self.assertGreater(note.next_attempt_at, before)
        tasks = self.delivery_tasks(note)
        self.assertEqual(len(tasks), 2)
        retries = [row for row in tasks if row.run_after == note.next_attempt_at]
        self.assertEqual(len(retries), 1)
        self.assertGreaterEqual(retries[0].run_after, before + timedelta(minutes=1))
        self.assertEqual(retries[0].status, "READY")

    def test_later_success_marks_it_sent_and_a_repeat_does_not_send_twice(self):
        note = self.urge_sms()
        with override_settings(HOTLINE_SMS_GATEWAY=f"{HERE}.FailingGateway"):
            deliver_notification.call(note.pk)
        with override_settings(HOTLINE_SMS_GATEWAY=f"{HERE}.RecordingGateway"):
            self.assertEqual(deliver_notification.call(note.pk), "sent")
            note.refresh_from_db()
            self.assertEqual(
                (note.status, note.attempts, note.last_error), (Notification.Status.SENT, 2, "")
            )
            self.assertIsNotNone(note.sent_at)
            self.assertEqual(RecordingGateway.sent, [("sms", self.manager_a.phone, note.body)])

            self.assertEqual(deliver_notification.call(note.pk), "skipped")
            self.assertEqual(len(RecordingGateway.sent), 1)
            note.refresh_from_db()
            self.assertEqual(note.attempts, 2)

    @override_settings(HOTLINE_SMS_GATEWAY=f"{HERE}.FailingGateway")
    def test_delivery_is_abandoned_after_the_last_attempt(self):
        note = self.urge_sms()
        for _ in range(MAX_ATTEMPTS):
            deliver_notification.call(note.pk)
        note.refresh_from_db()
        self.assertEqual((note.status, note.attempts), (Notification.Status.FAILED, MAX_ATTEMPTS))
        # The first enqueue plus one retry for every failure but the last.
        self.assertEqual(len(self.delivery_tasks(note)), MAX_ATTEMPTS)
        self.assertEqual(deliver_notification.call(note.pk), "skipped")

    @override_settings(HOTLINE_SMS_GATEWAY=f"{HERE}.RecordingGateway")
    def test_caller_feedback_is_sent_to_the_decrypted_number(self):
        order = self.reply_checked_order(caller_phone="+86 139-8765-4321")
        note = Notification.objects.get(order=order, kind="feedback")
        self.assertNotIn("13987654321", note.body)
        self.assertEqual(deliver_notification.call(note.pk), "sent")
        self.assertEqual(RecordingGateway.sent, [("sms", "13987654321", note.body)])

    @override_settings(HOTLINE_SMS_GATEWAY=f"{HERE}.RecordingGateway")
    def test_recipient_without_address_fails_at_once(self):
        note = self.urge_sms()
        type(self.manager_a).objects.filter(pk=self.manager_a.pk).update(phone="")
        self.assertEqual(deliver_notification.call(note.pk), "failed")
        note.refresh_from_db()
        self.assertEqual(note.status, Notification.Status.FAILED)
        self.assertEqual(RecordingGateway.sent, [])

    def test_unknown_notification_is_skipped(self):
        self.assertEqual(deliver_notification.call(987654), "skipped")
