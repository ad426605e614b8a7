"""The unit's work on an order between signing and replying (`hotline/orders/handling.py` and
its pages): notes and contact records, the assisting unit's part, the written reply an
operator records for a unit that answered on paper (Art. 15), acknowledging urges and
supervision, the reminder one working day before the due date, and what is refused once the
order has left the unit.

Expected deadlines are worked out by hand from the State Council's 2025 schedule: the
National Day holiday runs Oct 1–8 2025; Sunday Sep 28 and Saturday Oct 11 are working days.
"""

import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from hotline.accounts.models import User
from hotline.clock import frozen_at
from hotline.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, WrongState
from hotline.notifications.models import Notification
from hotline.orders import services
from hotline.orders.models import (
    Action,
    Attachment,
    Note,
    Order,
    OrderEvent,
    Reply,
    Status,
    Urge,
)
from hotline.orders.services import (
    notify_due_soon,
    order_add_note,
    order_record_written_reply,
    order_submit_assist_reply,
    urge_acknowledge,
)
from hotline.testing import BaseTestCase, aware

PDF = b"%PDF-1.4\n" + b"0" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64

MEDIA = tempfile.mkdtemp(prefix="hotline-handling-media-")

# Thursday 9 Oct 2025, the first working day after the National Day holiday.
THU_OCT_9 = "2025-10-09 10:00"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@override_settings(MEDIA_ROOT=MEDIA)
class HandlingTestCase(BaseTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def snapshot(self, order: Order) -> tuple[Any, ...]:
        return (
            Order.objects.filter(pk=order.pk).values().get(),
            list(OrderEvent.objects.filter(order_id=order.pk).values_list("id", flat=True)),
            list(Note.objects.filter(order_id=order.pk).values_list("id", flat=True)),
            list(Reply.objects.filter(order_id=order.pk).values_list("id", "state")),
            list(Attachment.objects.filter(order_id=order.pk).values_list("id", flat=True)),
            list(Urge.objects.filter(order_id=order.pk).values_list("id", "acknowledged_at")),
            Notification.objects.count(),
        )

    def assertRefused(
        self, error: type[Exception], order: Order, call: Callable[[], Any]
    ) -> Exception:
        """`call` raises `error` and leaves the order and everything hanging off it as it was."""
        before = self.snapshot(order)
        with self.assertRaises(error) as caught:
            call()
        self.assertEqual(self.snapshot(order), before)
        return caught.exception

    def new_events(self, call: Callable[[], Any]) -> tuple[Any, list[OrderEvent]]:
        seen = set(OrderEvent.objects.values_list("id", flat=True))
        result = call()
        return result, list(OrderEvent.objects.exclude(id__in=seen).order_by("id"))

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


# --- notes and contact records ------------------------------------------------------------------


class NoteTests(HandlingTestCase):
    def test_lead_unit_handler_records_a_note_with_one_event(self):
        order = self.in_progress_order()
        with frozen_at(aware(THU_OCT_9)):
            note, events = self.new_events(
                lambda: order_add_note(order=order, actor=self.handler_a, text="已约现场勘查。")
            )
        note.refresh_from_db()
        self.assertEqual(
            (note.order_id, note.kind, note.unit, note.author, note.text),
            (order.pk, Note.Kind.NOTE, self.unit_a, self.handler_a, "已约现场勘查。"),
        )
        self.assertEqual((note.method, note.contacted_at), ("", None))
        self.assertEqual(note.created_at, aware(THU_OCT_9))
        self.assertEqual(len(events), 1)
        event = events[0]
        self.assertEqual(event.action, Action.NOTE)
        self.assertEqual((event.actor, event.actor_unit), (self.handler_a, self.unit_a))
        self.assertEqual((event.from_status, event.to_status), (Status.IN_PROGRESS,) * 2)
        self.assertEqual(event.reason, "已约现场勘查。")
        self.assertEqual(event.at, aware(THU_OCT_9))
        # A note is not a transition: the order's state is untouched.
        self.assertEqual(self.reload(order).status, Status.IN_PROGRESS)

    def test_contact_record_keeps_when_and_how_the_caller_was_reached(self):
        order = self.in_progress_order()
        with frozen_at(aware(THU_OCT_9)):
            note, events = self.new_events(
                lambda: order_add_note(
                    order=order,
                    actor=self.handler_a,
                    kind=Note.Kind.CONTACT,
                    method=Note.Method.PHONE,
                    contacted_at=aware("2025-10-09 09:30"),
                    text="电话联系诉求人，约定明日上门。",
                )
            )
        note.refresh_from_db()
        self.assertEqual(note.kind, Note.Kind.CONTACT)
        self.assertEqual(note.method, Note.Method.PHONE)
        self.assertEqual(note.contacted_at, aware("2025-10-09 09:30"))
        self.assertEqual([e.action for e in events], [Action.CONTACT])
        self.assertEqual(events[0].data["method"], "phone")
        self.assertEqual(
            datetime.fromisoformat(events[0].data["contacted_at"]), aware("2025-10-09 09:30")
        )

    def test_contact_time_defaults_to_now(self):
        order = self.in_progress_order()
        with frozen_at(aware(THU_OCT_9)):
            note = order_add_note(
                order=order, actor=self.handler_a, kind="contact", method="visit", text="上门走访。"
            )
        self.assertEqual(self.reload(order).notes.get().contacted_at, aware(THU_OCT_9))
        self.assertEqual(note.method, "visit")

    def test_contact_needs_a_method(self):
        order = self.in_progress_order()
        for method in ("", "fax"):
            with self.subTest(method=method):
                error = self.assertRefused(
                    InvalidInput,
                    order,
                    lambda method=method: order_add_note(
                        order=order,
                        actor=self.handler_a,
                        kind="contact",
                        method=method,
                        text="联系了。",
                    ),
                )
                self.assertIn("联系方式", str(error))

    def test_a_contact_time_in_the_future_is_refused(self):
        order = self.in_progress_order()
        with frozen_at(aware(THU_OCT_9)):
            error = self.assertRefused(
                InvalidInput,
                order,
                lambda: order_add_note(
                    order=order,
                    actor=self.handler_a,
                    kind="contact",
                    method="phone",
                    contacted_at=aware("2025-10-09 11:00"),
                    text="明天再联系。",
                ),
            )
        self.assertIn("联系时间不能晚于现在", str(error))

    def test_a_plain_note_drops_any_method_and_time(self):
        order = self.in_progress_order()
        with frozen_at(aware(THU_OCT_9)):
            note = order_add_note(
                order=order,
                actor=self.handler_a,
                method="phone",
                contacted_at=aware("2025-10-09 09:00"),
                text="只是备注。",
            )
        self.assertEqual((note.kind, note.method, note.contacted_at), ("note", "", None))

    def test_note_needs_text_and_a_known_kind(self):
        order = self.in_progress_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: order_add_note(order=order, actor=self.handler_a, text="  "),
        )
        self.assertRefused(
            InvalidInput,
            order,
            lambda: order_add_note(order=order, actor=self.handler_a, kind="memo", text="备注"),
        )

    def test_assisting_unit_and_operating_centre_may_add_notes(self):
        order = self.assisted_order()
        for actor in (self.handler_b, self.manager_b, self.operator, self.lead, self.reviewer):
            with self.subTest(actor=actor.username):
                note = order_add_note(order=order, actor=actor, text=f"{actor.username} 的记录")
                self.assertEqual((note.author, note.unit_id), (actor, actor.unit_id))
        self.assertEqual(order.notes.count(), 5)

    def test_other_unit_is_told_the_order_does_not_exist(self):
        order = self.in_progress_order()
        for actor in (self.handler_b, self.manager_b):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotFound,
                    order,
                    lambda actor=actor: order_add_note(order=order, actor=actor, text="看看"),
                )

    def test_supervisor_and_auditor_read_but_cannot_add_notes(self):
        order = self.in_progress_order()
        for actor in (self.supervisor, self.auditor):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    order,
                    lambda actor=actor: order_add_note(order=order, actor=actor, text="看看"),
                )

    def test_no_notes_once_the_order_waits_for_the_callback(self):
        order = self.reply_checked_order()
        self.assertEqual(order.status, Status.CALLBACK)
        self.assertRefused(
            WrongState,
            order,
            lambda: order_add_note(order=order, actor=self.handler_a, text="补充"),
        )

    def test_notes_may_still_be_added_while_the_reply_is_checked(self):
        order = self.left_the_unit(self.in_progress_order())
        self.assertEqual(order.status, Status.REPLY_CHECK)
        order_add_note(order=order, actor=self.operator, text="审查中，已联系单位核实。")
        self.assertEqual(order.notes.count(), 1)


# --- the assisting unit's part -------------------------------------------------------------------


class AssistReplyTests(HandlingTestCase):
    def test_assisting_unit_gives_its_part_to_the_lead_unit(self):
        order = self.assisted_order()
        version = self.reload(order).version
        with frozen_at(aware(THU_OCT_9)):
            reply, events = self.new_events(
                lambda: order_submit_assist_reply(
                    order=order, actor=self.handler_b, text="经查，该商户证照齐全。"
                )
            )
        self.assertEqual(list(order.replies.all()), [reply])
        self.assertEqual(
            (reply.state, reply.unit, reply.author, reply.text),
            (Reply.State.ASSIST, self.unit_b, self.handler_b, "经查，该商户证照齐全。"),
        )
        self.assertEqual([e.action for e in events], [Action.ASSIST_REPLY])
        self.assertEqual(events[0].actor_unit, self.unit_b)
        self.assertEqual(events[0].data, {"reply": reply.pk})
        order = self.reload(order)
        self.assertEqual((order.status, order.version), (Status.IN_PROGRESS, version))
        # The lead unit is told in its inbox, once; no SMS for an assisting part.
        notes = Notification.objects.filter(order=order, kind="assist_reply")
        self.assertEqual(
            list(notes.values_list("channel", "recipient_unit", "recipient_user")),
            [(Notification.Channel.INAPP, self.unit_a.pk, None)],
        )
        self.assertIn(self.unit_b.name, notes.get().body)

    def test_the_lead_unit_gives_the_one_reply(self):
        order = self.assisted_order()
        order_submit_assist_reply(order=order, actor=self.handler_b, text="协办：证照齐全。")
        order = services.order_reply(order=order, actor=self.handler_a, text="主办：已处理完毕。")
        order = services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
        order = services.order_check_reply(order=order, actor=self.operator, accept=True)
        self.assertEqual(order.status, Status.CALLBACK)
        self.assertEqual(
            sorted(order.replies.values_list("unit__code", "state")),
            [("market", Reply.State.ASSIST), ("urban", Reply.State.ACCEPTED)],
        )
        feedback = Notification.objects.get(order=order, kind="feedback")
        self.assertIn("主办：已处理完毕。", feedback.body)
        self.assertNotIn("协办", feedback.body)

    def test_lead_unit_and_centre_cannot_submit_an_assisting_part(self):
        order = self.assisted_order()
        for actor in (self.handler_a, self.manager_a, self.operator, self.reviewer):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    order,
                    lambda actor=actor: order_submit_assist_reply(
                        order=order, actor=actor, text="意见"
                    ),
                )

    def test_unit_not_on_the_order_is_told_it_does_not_exist(self):
        order = self.in_progress_order()
        self.assertRefused(
            NotFound,
            order,
            lambda: order_submit_assist_reply(order=order, actor=self.handler_b, text="意见"),
        )

    def test_assisting_part_after_the_order_left_the_units_is_refused(self):
        order = self.left_the_unit(self.assisted_order())
        error = self.assertRefused(
            WrongState,
            order,
            lambda: order_submit_assist_reply(order=order, actor=self.handler_b, text="迟到的意见"),
        )
        self.assertEqual(str(error), "工单已不在办理阶段，不能提交协办意见。")

    def test_assisting_part_needs_text(self):
        order = self.assisted_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: order_submit_assist_reply(order=order, actor=self.handler_b, text=""),
        )


# --- the written reply (Art. 15) --------------------------------------------------------------


class WrittenReplyTests(HandlingTestCase):
    def record(self, order: Order, *, actor: User | None = None, scans=None, version=None):  # type: ignore[no-untyped-def]
        return order_record_written_reply(
            order=order,
            actor=actor or self.operator,
            text="经核查，违法建设已于10月8日拆除。",
            scans=[upload("答复函.pdf", PDF)] if scans is None else scans,
            expected_version=self.reload(order).version if version is None else version,
        )

    def test_operator_records_a_paper_reply_with_its_scan_for_the_centres_check(self):
        order = self.in_progress_order()
        version = self.reload(order).version
        with frozen_at(aware(THU_OCT_9)):
            order, events = self.new_events(lambda: self.record(order))
        order = self.reload(order)
        self.assertEqual(order.status, Status.REPLY_CHECK)
        self.assertEqual(order.replied_at, aware(THU_OCT_9))
        self.assertEqual(order.version, version + 1)
        reply = order.replies.get()
        self.assertEqual(
            (reply.state, reply.unit, reply.author, reply.text),
            (
                Reply.State.PENDING_CHECK,
                self.unit_a,
                self.operator,
                "经核查，违法建设已于10月8日拆除。",
            ),
        )
        scan = order.attachments.get()
        self.assertEqual(
            (scan.kind, scan.content_type, scan.original_name, scan.uploaded_by, scan.size),
            (
                Attachment.Kind.WRITTEN_REPLY,
                "application/pdf",
                "答复函.pdf",
                self.operator,
                len(PDF),
            ),
        )
        self.assertEqual([e.action for e in events], [Action.ATTACH, Action.WRITTEN_REPLY])
        written = events[1]
        self.assertEqual((written.actor, written.from_status), (self.operator, Status.IN_PROGRESS))
        self.assertEqual(written.to_status, Status.REPLY_CHECK)
        self.assertEqual(written.data, {"reply": reply.pk, "unit": "urban"})
        # The operating centre then checks it like any reply.
        order = services.order_check_reply(order=order, actor=self.operator, accept=True)
        self.assertEqual(order.status, Status.CALLBACK)
        self.assertEqual(self.reload(order).replies.get().state, Reply.State.ACCEPTED)

    def test_a_paper_reply_may_be_recorded_before_the_unit_signed(self):
        order = self.dispatched_order()
        order = self.record(order)
        self.assertEqual(self.reload(order).status, Status.REPLY_CHECK)

    def test_a_paper_reply_supersedes_a_draft_waiting_for_the_manager(self):
        order = self.awaiting_approval(self.in_progress_order())
        self.record(order)
        order = self.reload(order)
        self.assertEqual(order.status, Status.REPLY_CHECK)
        self.assertEqual(
            list(order.replies.order_by("id").values_list("author__username", "state")),
            [
                ("urban.handler", Reply.State.SUPERSEDED),
                ("operator", Reply.State.PENDING_CHECK),
            ],
        )
        # The superseded draft can no longer be approved.
        self.assertRefused(
            WrongState,
            order,
            lambda: services.order_decide_reply(order=order, actor=self.manager_a, approve=True),
        )

    def test_a_written_reply_needs_a_scan(self):
        order = self.in_progress_order()
        error = self.assertRefused(InvalidInput, order, lambda: self.record(order, scans=[]))
        self.assertIn("扫描件", str(error))

    def test_a_scan_of_the_wrong_type_is_refused_and_nothing_is_saved(self):
        order = self.in_progress_order()
        error = self.assertRefused(
            InvalidInput,
            order,
            lambda: self.record(order, scans=[upload("答复函.pdf", EXE)]),
        )
        self.assertIn("格式不支持", str(error))
        # Also when a good scan comes with a bad one: all or nothing.
        self.assertRefused(
            InvalidInput,
            order,
            lambda: self.record(order, scans=[upload("第1页.png", PNG), upload("第2页.jpg", EXE)]),
        )
        self.assertFalse(Attachment.objects.exists())

    @override_settings(HOTLINE_ATTACHMENT_MAX_BYTES=32)
    def test_an_oversize_scan_is_refused(self):
        order = self.in_progress_order()
        error = self.assertRefused(InvalidInput, order, lambda: self.record(order))
        self.assertIn("超过", str(error))

    def test_only_the_operating_centre_records_a_written_reply(self):
        order = self.in_progress_order()
        for actor in (self.handler_a, self.manager_a, self.leader_a, self.reviewer):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed, order, lambda actor=actor: self.record(order, actor=actor)
                )
        self.assertRefused(NotFound, order, lambda: self.record(order, actor=self.handler_b))

    def test_not_after_the_reply_stage(self):
        cases = {
            Status.REPLY_CHECK: self.left_the_unit(self.in_progress_order()),
            Status.CALLBACK: self.reply_checked_order(),
            Status.RETURN_REVIEW: services.order_return(
                order=self.in_progress_order(), actor=self.handler_a, reason="不归我们管"
            ),
        }
        for status, order in cases.items():
            with self.subTest(status=status):
                error = self.assertRefused(
                    WrongState, order, lambda order=order: self.record(order)
                )
                self.assertIn(str(Status(status).label), str(error))

    def test_a_stale_version_is_told_the_order_changed(self):
        order = self.in_progress_order()
        stale = self.reload(order).version
        services.order_urge(order=order, actor=self.lead, note="请尽快答复")
        self.assertRefused(Conflict, order, lambda: self.record(order, version=stale))


# --- urges and supervision ---------------------------------------------------------------------


class UrgeAcknowledgeTests(HandlingTestCase):
    def test_urge_is_acknowledged_once_by_the_lead_unit(self):
        order = self.in_progress_order()
        with frozen_at(aware(THU_OCT_9)):
            services.order_urge(order=order, actor=self.operator, note="市民再次来电")
        urge = Urge.objects.get(order=order)
        self.assertEqual(
            (urge.kind, urge.unit, urge.by, urge.note, urge.at),
            (Urge.Kind.URGE, self.unit_a, self.operator, "市民再次来电", aware(THU_OCT_9)),
        )
        self.assertIsNone(urge.acknowledged_at)

        with frozen_at(aware("2025-10-09 10:20")):
            _, events = self.new_events(lambda: urge_acknowledge(urge=urge, actor=self.handler_a))
        urge.refresh_from_db()
        self.assertEqual(
            (urge.acknowledged_by, urge.acknowledged_at),
            (self.handler_a, aware("2025-10-09 10:20")),
        )
        self.assertEqual([e.action for e in events], [Action.URGE_ACK])
        self.assertEqual(events[0].data, {"urge": urge.pk, "kind": "urge"})
        self.assertEqual(events[0].actor_unit, self.unit_a)

        error = self.assertRefused(
            Conflict, order, lambda: urge_acknowledge(urge=urge, actor=self.manager_a)
        )
        self.assertIn("已由", str(error))
        urge.refresh_from_db()
        self.assertEqual(urge.acknowledged_by, self.handler_a)

    def test_supervision_is_acknowledged_by_the_unit_as_well(self):
        order = self.in_progress_order()
        services.order_supervise(order=order, actor=self.reviewer, note="请于今日办结")
        urge = Urge.objects.get(order=order)
        self.assertEqual(
            (urge.kind, urge.unit, urge.by), (Urge.Kind.SUPERVISE, self.unit_a, self.reviewer)
        )
        urge_acknowledge(urge=urge, actor=self.manager_a)
        urge.refresh_from_db()
        self.assertEqual(urge.acknowledged_by, self.manager_a)

    def test_each_urge_is_its_own_row(self):
        order = self.in_progress_order()
        services.order_urge(order=order, actor=self.operator, note="一催")
        services.order_urge(order=order, actor=self.lead, note="二催")
        services.order_supervise(order=order, actor=self.supervisor, note="督办")
        self.assertEqual(
            sorted(order.urges.values_list("kind", "note")),
            [("supervise", "督办"), ("urge", "一催"), ("urge", "二催")],
        )
        first = order.urges.get(note="一催")
        urge_acknowledge(urge=first, actor=self.handler_a)
        self.assertEqual(order.urges.filter(acknowledged_at__isnull=True).count(), 2)

    def test_only_the_urged_unit_acknowledges(self):
        order = self.assisted_order()
        services.order_urge(order=order, actor=self.operator, note="请尽快")
        urge = Urge.objects.get(order=order)
        # The assisting unit sees the order but was not the one urged; the centre neither.
        for actor in (self.handler_b, self.manager_b, self.operator, self.reviewer):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed, order, lambda actor=actor: urge_acknowledge(urge=urge, actor=actor)
                )

    def test_unit_that_no_longer_holds_the_order_cannot_acknowledge(self):
        order = self.in_progress_order()
        services.order_urge(order=order, actor=self.operator, note="请尽快")
        order = services.order_return(order=order, actor=self.handler_a, reason="属市场监管")
        services.order_decide_return(
            order=order, actor=self.lead, uphold=True, reason="同意", lead_unit=self.unit_b
        )
        urge = Urge.objects.get(order=order)
        self.assertRefused(
            NotAllowed, order, lambda: urge_acknowledge(urge=urge, actor=self.handler_a)
        )


# --- the reminder one working day before the due date --------------------------------------------


class DueSoonTests(HandlingTestCase):
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


# --- once the order has left the unit ------------------------------------------------------------


class LeftTheUnitTests(HandlingTestCase):
    def moved_to_unit_b(self, request_type: str = "help") -> Order:
        with frozen_at(aware("2025-09-29 09:00")):
            order = self.in_progress_order(request_type=request_type)
        decider = self.reviewer if order.request_type.needs_review else self.lead
        with frozen_at(aware(THU_OCT_9)):
            order = services.order_return(order=order, actor=self.handler_a, reason="属市场监管")
            return services.order_decide_return(
                order=order, actor=decider, uphold=True, reason="同意", lead_unit=self.unit_b
            )

    def test_reply_after_an_upheld_return_is_refused_for_the_old_unit(self):
        order = self.moved_to_unit_b()
        error = self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_reply(order=order, actor=self.handler_a, text="已处理"),
        )
        self.assertEqual(str(error), "该工单已转其他单位办理，贵单位不能再操作。")

    def test_extension_after_an_upheld_return_is_refused_for_the_old_unit(self):
        order = self.moved_to_unit_b(request_type="complaint")
        with frozen_at(aware("2025-10-10 09:00")):
            self.assertRefused(
                NotAllowed,
                order,
                lambda: services.order_request_extension(
                    order=order, actor=self.handler_a, reason="需要时间"
                ),
            )
            # The new unit may apply for its own extension once it has signed.
            order = services.order_sign(order=order, actor=self.handler_b)
            order = services.order_request_extension(
                order=order, actor=self.handler_b, reason="需要时间"
            )
        self.assertEqual(order.extension_status, "requested")

    def test_the_old_units_stale_reply_form_gets_not_found(self):
        order = self.moved_to_unit_b()
        self.client.force_login(self.handler_a)
        response = self.client.post(
            reverse("orders:act", args=[order.number, "reply"]),
            {"reply-version": order.version, "reply-text": "已处理"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(order.replies.exists())

    def test_reply_and_extension_after_the_reply_left_the_unit_are_refused_with_the_state(self):
        with frozen_at(aware("2025-09-29 09:00")):
            order = self.in_progress_order(request_type="complaint")
        with frozen_at(aware(THU_OCT_9)):
            order = self.left_the_unit(order)
            error = self.assertRefused(
                WrongState,
                order,
                lambda: services.order_reply(order=order, actor=self.handler_a, text="补充答复"),
            )
            self.assertEqual(str(error), "工单当前状态为“答复待审查”，不能执行“提交答复”。")
            error = self.assertRefused(
                WrongState,
                order,
                lambda: services.order_request_extension(
                    order=order, actor=self.handler_a, reason="需要时间"
                ),
            )
            self.assertEqual(str(error), "工单当前状态为“答复待审查”，不能执行“申请延期”。")

    def test_after_a_refused_return_the_unit_keeps_working_on_the_original_deadline(self):
        with frozen_at(aware("2025-09-29 09:00")):
            order = self.in_progress_order()
        with frozen_at(aware("2025-09-30 10:00")):
            order = services.order_return(order=order, actor=self.handler_a, reason="不归我们管")
            order = services.order_decide_return(
                order=order, actor=self.lead, uphold=False, reason="属城管职责"
            )
            order = services.order_reply(order=order, actor=self.handler_a, text="已处理")
        self.assertEqual(order.status, Status.REPLY_APPROVAL)
        self.assertEqual(self.reload(order).due_at, aware("2025-10-10 00:00"))


# --- the pages ------------------------------------------------------------------------------------


class HandlingPageTests(HandlingTestCase):
    def url(self, name: str, order: Order, *args: Any) -> str:
        return reverse(f"orders:{name}", args=[order.number, *args])

    def test_handler_adds_a_contact_record_on_the_order_page(self):
        order = self.in_progress_order()
        self.client.force_login(self.handler_a)
        page = self.client.get(self.url("detail", order))
        self.assertContains(page, f'action="{self.url("note", order)}"')
        response = self.client.post(
            self.url("note", order),
            {"note-kind": "contact", "note-method": "phone", "note-text": "电话联系，约定上门。"},
        )
        self.assertRedirects(response, self.url("detail", order), fetch_redirect_response=False)
        note = order.notes.get()
        self.assertEqual(
            (note.kind, note.method, note.author), ("contact", "phone", self.handler_a)
        )
        page = self.client.get(self.url("detail", order))
        self.assertContains(page, "电话联系，约定上门。")
        self.assertContains(page, "已记录。")

    def test_contact_without_a_method_is_shown_again_with_the_reason(self):
        order = self.in_progress_order()
        self.client.force_login(self.handler_a)
        response = self.client.post(
            self.url("note", order), {"note-kind": "contact", "note-text": "联系了"}
        )
        self.assertContains(response, "请选择联系方式。", status_code=400)
        self.assertContains(response, "联系了", status_code=400)
        self.assertFalse(order.notes.exists())

    def test_other_unit_gets_404_from_every_handling_page(self):
        order = self.in_progress_order()
        services.order_urge(order=order, actor=self.operator, note="请尽快")
        urge = Urge.objects.get()
        before = self.snapshot(order)
        self.client.force_login(self.handler_b)
        posts = {
            self.url("note", order): {"note-kind": "note", "note-text": "看看"},
            self.url("assist", order): {"assist-text": "意见"},
            self.url("written-reply", order): {"written-version": 1, "written-text": "答复"},
            self.url("urge-ack", order, urge.pk): {},
        }
        for url, data in posts.items():
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, data).status_code, 404)
        self.assertEqual(self.snapshot(order), before)

    def test_handling_pages_refuse_get_and_anonymous(self):
        order = self.in_progress_order()
        self.client.force_login(self.handler_a)
        self.assertEqual(self.client.get(self.url("note", order)).status_code, 405)
        self.client.logout()
        response = self.client.post(self.url("note", order), {"note-text": "x"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])
        self.assertFalse(order.notes.exists())

    def test_assisting_unit_submits_its_part_on_the_order_page(self):
        order = self.assisted_order()
        self.client.force_login(self.handler_b)
        page = self.client.get(self.url("detail", order))
        self.assertContains(page, "提交协办意见")
        response = self.client.post(self.url("assist", order), {"assist-text": "证照齐全。"})
        self.assertRedirects(response, self.url("detail", order), fetch_redirect_response=False)
        self.assertEqual(order.replies.get().state, Reply.State.ASSIST)
        # The lead unit is not offered the assisting form, and is refused if it posts.
        self.client.force_login(self.handler_a)
        self.assertNotContains(self.client.get(self.url("detail", order)), "提交协办意见")
        response = self.client.post(self.url("assist", order), {"assist-text": "x"})
        self.assertContains(response, "只有协办单位可以提交协办意见。", status_code=400)
        self.assertEqual(order.replies.count(), 1)

    def test_operator_records_a_written_reply_with_the_scan_on_the_order_page(self):
        order = self.in_progress_order()
        self.client.force_login(self.operator)
        page = self.client.get(self.url("detail", order))
        self.assertContains(page, "代录书面答复")
        response = self.client.post(
            self.url("written-reply", order),
            {
                "written-version": self.reload(order).version,
                "written-text": "书面答复：已拆除。",
                "written-scans": [upload("答复函.pdf", PDF)],
            },
        )
        self.assertRedirects(response, self.url("detail", order), fetch_redirect_response=False)
        order = self.reload(order)
        self.assertEqual(order.status, Status.REPLY_CHECK)
        self.assertEqual(order.attachments.get().kind, Attachment.Kind.WRITTEN_REPLY)
        # A unit handler is not offered the form.
        self.client.force_login(self.handler_a)
        self.assertNotContains(
            self.client.get(self.url("detail", self.in_progress_order())),
            "代录书面答复（第十五条）",
        )

    def test_a_written_reply_with_a_bad_file_is_refused_on_the_page(self):
        order = self.in_progress_order()
        before = self.snapshot(order)
        self.client.force_login(self.operator)
        response = self.client.post(
            self.url("written-reply", order),
            {
                "written-version": self.reload(order).version,
                "written-text": "书面答复：已拆除。",
                "written-scans": [upload("答复函.pdf", EXE)],
            },
        )
        self.assertContains(response, "格式不支持", status_code=400)
        self.assertContains(response, "书面答复：已拆除。", status_code=400)
        self.assertEqual(self.snapshot(order), before)

    def test_a_second_operator_recording_the_same_paper_reply_is_told_the_order_changed(self):
        order = self.in_progress_order()
        seen = self.reload(order).version
        data = {"written-version": seen, "written-text": "书面答复：已拆除。"}
        self.client.force_login(self.operator)
        first = self.client.post(
            self.url("written-reply", order), {**data, "written-scans": [upload("a.pdf", PDF)]}
        )
        self.assertEqual(first.status_code, 302)
        self.client.force_login(self.lead)
        second = self.client.post(
            self.url("written-reply", order), {**data, "written-scans": [upload("b.pdf", PDF)]}
        )
        self.assertContains(second, "工单已被他人更新", status_code=409)
        self.assertContains(second, "答复待审查", status_code=409)
        self.assertEqual(self.reload(order).replies.count(), 1)
        self.assertEqual(self.reload(order).attachments.count(), 1)

    def test_unit_acknowledges_an_urge_on_the_order_page(self):
        order = self.in_progress_order()
        services.order_urge(order=order, actor=self.operator, note="市民再次来电")
        urge = Urge.objects.get()
        ack = self.url("urge-ack", order, urge.pk)
        self.client.force_login(self.operator)
        page = self.client.get(self.url("detail", order))
        self.assertNotContains(page, f'action="{ack}"')
        self.assertContains(page, "待单位确认")

        self.client.force_login(self.handler_a)
        self.assertContains(self.client.get(self.url("detail", order)), f'action="{ack}"')
        response = self.client.post(ack)
        self.assertRedirects(response, self.url("detail", order), fetch_redirect_response=False)
        page = self.client.get(self.url("detail", order))
        self.assertContains(page, "已确认催办。")
        self.assertNotContains(page, f'action="{ack}"')
        urge.refresh_from_db()
        self.assertEqual(urge.acknowledged_by, self.handler_a)

        self.client.force_login(self.manager_a)
        response = self.client.post(ack, follow=True)
        self.assertContains(response, "该催办已由")
        self.assertEqual(order.events.filter(action=Action.URGE_ACK).count(), 1)

    def test_acknowledging_an_urge_of_another_order_is_404(self):
        order = self.in_progress_order()
        other = self.in_progress_order()
        services.order_urge(order=other, actor=self.operator, note="请尽快")
        urge = Urge.objects.get()
        self.client.force_login(self.handler_a)
        response = self.client.post(self.url("urge-ack", order, urge.pk))
        self.assertEqual(response.status_code, 404)
        urge.refresh_from_db()
        self.assertIsNone(urge.acknowledged_at)
