"""`services/replies.py`: the lead unit's reply and its manager's approval, the operating
centre's check, the assisting unit's part and the written reply an operator records for a
unit that answered on paper (Art. 15)."""

from typing import Any

from django.test import override_settings

from hotline.accounts.models import User
from hotline.clock import frozen_at
from hotline.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, WrongState
from hotline.notifications.models import Notification
from hotline.orders import services
from hotline.orders.models import Action, Attachment, Order, Reply, Status
from hotline.orders.services import order_record_written_reply, order_submit_assist_reply
from hotline.orders.tests.base import EXE, MON_SEP_29, PDF, PNG, THU_OCT_9, OrderTestCase, upload
from hotline.testing import aware


class ReplyTests(OrderTestCase):
    def test_handler_reply_waits_for_the_managers_approval(self):
        order = self.in_progress_order()
        order, event = self.transition(
            lambda: services.order_reply(order=order, actor=self.handler_a, text="已拆除。")
        )
        self.assertEqual(order.status, Status.REPLY_APPROVAL)
        reply = order.replies.get()
        self.assertEqual(
            (reply.text, reply.author, reply.unit, reply.state),
            ("已拆除。", self.handler_a, self.unit_a, Reply.State.PENDING_APPROVAL),
        )
        self.assertEvent(
            event,
            action=Action.REPLY,
            actor=self.handler_a,
            from_status=Status.IN_PROGRESS,
            to_status=Status.REPLY_APPROVAL,
        )
        self.assertEqual(event.data, {"reply": reply.pk})
        self.assertEqual(
            self.notes(order, "reply_approval"),
            [("inapp", "urban.leader", None, False), ("inapp", "urban.manager", None, False)],
        )

    def test_reply_needs_text(self):
        order = self.in_progress_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_reply(order=order, actor=self.handler_a, text=""),
        )

    def test_reply_before_signing_is_refused(self):
        order = self.dispatched_order()
        self.assertRefused(
            WrongState,
            order,
            lambda: services.order_reply(order=order, actor=self.handler_a, text="已办"),
        )

    def test_handler_cannot_approve_a_reply(self):
        order = services.order_reply(
            order=self.in_progress_order(), actor=self.handler_a, text="已拆除。"
        )
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_decide_reply(order=order, actor=self.handler_a, approve=True),
        )

    def test_manager_of_other_unit_cannot_approve_a_reply(self):
        order = services.order_reply(
            order=self.in_progress_order(), actor=self.handler_a, text="已拆除。"
        )
        self.assertRefused(
            NotFound,
            order,
            lambda: services.order_decide_reply(order=order, actor=self.manager_b, approve=True),
        )

    def test_manager_approval_sends_the_reply_to_the_centres_check(self):
        order = services.order_reply(
            order=self.in_progress_order(), actor=self.handler_a, text="已拆除。"
        )
        with frozen_at(aware("2025-09-30 16:00")):
            order, event = self.transition(
                lambda: services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
            )
        self.assertEqual(order.status, Status.REPLY_CHECK)
        self.assertEqual(order.replied_at, aware("2025-09-30 16:00"))
        reply = order.replies.get()
        self.assertEqual(
            (reply.state, reply.approved_by), (Reply.State.PENDING_CHECK, self.manager_a)
        )
        self.assertEvent(
            event,
            action=Action.REPLY_APPROVED,
            actor=self.manager_a,
            from_status=Status.REPLY_APPROVAL,
            to_status=Status.REPLY_CHECK,
        )

    def test_leader_may_approve_a_reply(self):
        order = services.order_reply(
            order=self.in_progress_order(), actor=self.handler_a, text="已拆除。"
        )
        order = services.order_decide_reply(order=order, actor=self.leader_a, approve=True)
        self.assertEqual(order.status, Status.REPLY_CHECK)

    def test_manager_rejection_sends_the_reply_back_to_the_handler(self):
        order = services.order_reply(
            order=self.in_progress_order(), actor=self.handler_a, text="已处理。"
        )
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_decide_reply(order=order, actor=self.manager_a, approve=False),
        )
        order, event = self.transition(
            lambda: services.order_decide_reply(
                order=order, actor=self.manager_a, approve=False, reason="答复过于简单"
            )
        )
        self.assertEqual(order.status, Status.IN_PROGRESS)
        self.assertIsNone(order.replied_at)
        self.assertEqual(order.replies.get().state, Reply.State.REJECTED_BY_MANAGER)
        self.assertEvent(
            event,
            action=Action.REPLY_REJECTED,
            actor=self.manager_a,
            from_status=Status.REPLY_APPROVAL,
            to_status=Status.IN_PROGRESS,
            reason="答复过于简单",
        )


class ReplyCheckTests(OrderTestCase):
    def approved_order(self, **kwargs: Any) -> Order:
        # The manager signs and names the handler: a confidential order is hidden from the
        # unit's handlers until one is assigned to it.
        order = services.order_sign(
            order=self.dispatched_order(**kwargs), actor=self.manager_a, handler=self.handler_a
        )
        order = services.order_reply(
            order=order, actor=self.handler_a, text="已现场核查并拆除违法建设。"
        )
        return services.order_decide_reply(order=order, actor=self.manager_a, approve=True)

    def test_accepted_reply_queues_the_feedback_sms_to_the_caller(self):
        order = self.approved_order()
        order, event = self.transition(
            lambda: services.order_check_reply(order=order, actor=self.operator, accept=True)
        )
        self.assertEqual(order.status, Status.CALLBACK)
        self.assertEqual(order.replies.get().state, Reply.State.ACCEPTED)
        self.assertEqual(order.replies.get().checked_by, self.operator)
        self.assertEvent(
            event,
            action=Action.REPLY_ACCEPTED,
            actor=self.operator,
            from_status=Status.REPLY_CHECK,
            to_status=Status.CALLBACK,
        )
        sms = Notification.objects.get(order=order, kind="feedback")
        self.assertEqual((sms.channel, sms.to_caller, sms.status), ("sms", True, "pending"))
        self.assertIn(order.number, sms.body)
        self.assertIn("已现场核查并拆除违法建设。", sms.body)

    def test_confidential_order_feedback_sms_carries_no_content(self):
        order = self.approved_order(is_confidential=True, content="举报邻居私搭乱建")
        order = services.order_check_reply(order=order, actor=self.operator, accept=True)
        sms = Notification.objects.get(order=order, kind="feedback")
        self.assertTrue(sms.to_caller)
        self.assertIn(order.number, sms.body)
        self.assertNotIn("拆除", sms.body)
        self.assertNotIn("私搭乱建", sms.body)

    def test_caller_without_phone_gets_no_sms(self):
        order = self.approved_order(caller_phone="")
        order = services.order_check_reply(order=order, actor=self.operator, accept=True)
        self.assertFalse(Notification.objects.filter(order=order, kind="feedback").exists())

    def test_reply_sent_back_returns_to_the_unit_with_the_same_due_date(self):
        with frozen_at(aware(MON_SEP_29)):
            order = self.approved_order()
        with frozen_at(aware("2025-10-09 10:00")):
            self.assertRefused(
                InvalidInput,
                order,
                lambda: services.order_check_reply(order=order, actor=self.operator, accept=False),
            )
            order, event = self.transition(
                lambda: services.order_check_reply(
                    order=order,
                    actor=self.operator,
                    accept=False,
                    reason="答复敷衍，未说明拆除时间",
                )
            )
        self.assertEqual(order.status, Status.IN_PROGRESS)
        self.assertEqual(order.due_at, aware("2025-10-10 00:00"))
        self.assertEqual(order.dispatched_at, aware(MON_SEP_29))
        self.assertEqual(order.handler, self.handler_a)
        self.assertEqual(order.replies.get().state, Reply.State.SENT_BACK)
        self.assertEvent(
            event,
            action=Action.REPLY_SENT_BACK,
            actor=self.operator,
            from_status=Status.REPLY_CHECK,
            to_status=Status.IN_PROGRESS,
            reason="答复敷衍，未说明拆除时间",
        )
        self.assertEqual(
            self.notes(order, "redo"),
            [("inapp", None, "urban", False), ("sms", "urban.manager", None, False)],
        )
        self.assertFalse(Notification.objects.filter(order=order, to_caller=True).exists())

    def test_unit_cannot_check_its_own_reply(self):
        order = self.approved_order()
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_check_reply(order=order, actor=self.manager_a, accept=True),
        )


class AssistReplyTests(OrderTestCase):
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


class WrittenReplyTests(OrderTestCase):
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
