"""The base class of the orders tests: helpers that observe an action on an order from outside
(the rows it wrote, or that it wrote none), the orders the handling tests start from, and the
files and dates they share.

Expected deadlines are worked out by hand from the State Council's 2025 schedule: the
National Day holiday runs Oct 1–8 2025; Sunday Sep 28 and Saturday Oct 11 are working days.
"""

import shutil
import tempfile
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from hotline.notifications.models import Notification
from hotline.orders import services
from hotline.orders.models import Assignment, Attachment, Note, Order, OrderEvent, Reply, Urge
from hotline.testing import BaseTestCase

# Monday 29 Sep 2025, the last working days before the National Day holiday.
MON_SEP_29 = "2025-09-29 09:00"
# Thursday 9 Oct 2025, the first working day after the National Day holiday.
THU_OCT_9 = "2025-10-09 10:00"

PDF = (  # the smallest PDF a strict reader parses (a PDF that cannot be parsed is refused)
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n110\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64

MEDIA = tempfile.mkdtemp(prefix="hotline-orders-media-")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@override_settings(MEDIA_ROOT=MEDIA)
class OrderTestCase(BaseTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    # --- what an action wrote, or that it wrote nothing ---

    def snapshot(self, order: Order) -> tuple[Any, ...]:
        return (
            Order.objects.filter(pk=order.pk).values().get(),
            list(OrderEvent.objects.filter(order_id=order.pk).values_list("id", flat=True)),
            list(
                Assignment.objects.filter(order_id=order.pk).values_list(
                    "id", "unit_id", "role", "is_active"
                )
            ),
            list(Note.objects.filter(order_id=order.pk).values_list("id", flat=True)),
            list(Reply.objects.filter(order_id=order.pk).values_list("id", "state")),
            list(Attachment.objects.filter(order_id=order.pk).values_list("id", flat=True)),
            list(Urge.objects.filter(order_id=order.pk).values_list("id", "acknowledged_at")),
            Notification.objects.count(),
        )

    def assertRefused(
        self, error: type[Exception], order: Order, call: Callable[[], Any]
    ) -> Exception:
        """`call` raises `error` and leaves the order, its history, assignments, notes, replies,
        attachments, urges and the outbox exactly as they were."""
        before = self.snapshot(order)
        with self.assertRaises(error) as caught:
            call()
        self.assertEqual(self.snapshot(order), before)
        return caught.exception

    def new_events(self, call: Callable[[], Any]) -> tuple[Any, list[OrderEvent]]:
        """Run `call`; its result and the history rows it wrote, oldest first."""
        seen = set(OrderEvent.objects.values_list("id", flat=True))
        result = call()
        return result, list(OrderEvent.objects.exclude(id__in=seen).order_by("id"))

    def transition(self, call: Callable[[], Order]) -> tuple[Order, OrderEvent]:
        """Run `call`, check it wrote exactly one history row and return the order (as stored)
        and that row."""
        order, written = self.new_events(call)
        self.assertEqual(len(written), 1, [e.action for e in written])
        return self.reload(order), written[0]

    def assertEvent(
        self,
        event: OrderEvent,
        *,
        action: str,
        actor: Any,
        from_status: str,
        to_status: str,
        reason: str | None = None,
    ) -> None:
        self.assertEqual(event.action, action)
        self.assertEqual(event.actor_id, actor.pk if actor else None)
        self.assertEqual(event.actor_unit_id, actor.unit_id if actor else None)
        self.assertEqual(event.from_status, from_status)
        self.assertEqual(event.to_status, to_status)
        if reason is not None:
            self.assertEqual(event.reason, reason)

    def notes(self, order: Order, kind: str) -> list[tuple[str, str | None, str | None, bool]]:
        """(channel, recipient user, recipient unit code, to caller) of the order's
        notifications of `kind`, in a stable order."""
        rows = [
            (
                n.channel,
                n.recipient_user.username if n.recipient_user else None,
                n.recipient_unit.code if n.recipient_unit else None,
                n.to_caller,
            )
            for n in Notification.objects.filter(order=order, kind=kind).select_related(
                "recipient_user", "recipient_unit"
            )
        ]
        return sorted(rows, key=lambda row: tuple(str(part) for part in row))

    # --- orders to start from ---

    def force_status(self, order: Order, status: str) -> Order:
        """Put an order in a state no service leads to, to test one rule in isolation."""
        Order.objects.filter(pk=order.pk).update(status=status)
        return self.reload(order)

    def assisted_order(self) -> Order:
        """Signed by unit A (lead), with unit B assisting."""
        order = services.order_accept(order=self.create_order(), actor=self.operator)
        order = services.order_dispatch(
            order=order, actor=self.operator, lead_unit=self.unit_a, assisting_units=[self.unit_b]
        )
        return services.order_sign(order=order, actor=self.handler_a)

    def awaiting_approval(self, order: Order) -> Order:
        return services.order_reply(order=order, actor=self.handler_a, text="已现场核查处理。")

    def left_the_unit(self, order: Order) -> Order:
        """The unit's reply is approved: the order waits for the operating centre's check."""
        order = self.awaiting_approval(order)
        return services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
