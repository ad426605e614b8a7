"""`services/handling.py`: notes and contact records, urging and supervising an order and
the unit's acknowledgement, and what is refused once the order has left the unit."""

from datetime import datetime

from django.urls import reverse

from hotline.clock import frozen_at
from hotline.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, WrongState
from hotline.orders import services
from hotline.orders.models import Action, Note, Order, Status, Urge
from hotline.orders.services import order_add_note, urge_acknowledge
from hotline.orders.tests.base import THU_OCT_9, OrderTestCase
from hotline.testing import aware


class NoteTests(OrderTestCase):
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


class UrgeAndSuperviseTests(OrderTestCase):
    def test_operator_urges_the_unit(self):
        order = self.in_progress_order()
        order, event = self.transition(
            lambda: services.order_urge(order=order, actor=self.operator, note="市民再次来电")
        )
        self.assertEqual(order.urge_count, 1)
        self.assertEqual(order.status, Status.IN_PROGRESS)
        self.assertEvent(
            event,
            action=Action.URGE,
            actor=self.operator,
            from_status=Status.IN_PROGRESS,
            to_status=Status.IN_PROGRESS,
            reason="市民再次来电",
        )
        self.assertEqual(
            self.notes(order, "urge"),
            [("inapp", None, "urban", False), ("sms", "urban.manager", None, False)],
        )
        order = services.order_urge(order=order, actor=self.operator, note="第二次")
        self.assertEqual(self.reload(order).urge_count, 2)
        self.assertEqual(len(self.notes(order, "urge")), 4)

    def test_urge_needs_a_note(self):
        order = self.in_progress_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_urge(order=order, actor=self.operator, note=""),
        )

    def test_unit_cannot_urge(self):
        order = self.in_progress_order()
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_urge(order=order, actor=self.handler_a, note="催"),
        )

    def test_order_waiting_for_callback_cannot_be_urged(self):
        order = self.reply_checked_order()
        self.assertRefused(
            WrongState,
            order,
            lambda: services.order_urge(order=order, actor=self.operator, note="催"),
        )

    def test_supervisor_puts_an_order_under_supervision_once(self):
        order = self.in_progress_order()
        order, event = self.transition(
            lambda: services.order_supervise(order=order, actor=self.supervisor, note="限期办结")
        )
        self.assertTrue(order.is_supervised)
        self.assertEvent(
            event,
            action=Action.SUPERVISE,
            actor=self.supervisor,
            from_status=Status.IN_PROGRESS,
            to_status=Status.IN_PROGRESS,
            reason="限期办结",
        )
        # In-app to the unit; SMS to its manager and leader who have a phone (only the manager).
        self.assertEqual(
            self.notes(order, "supervise"),
            [("inapp", None, "urban", False), ("sms", "urban.manager", None, False)],
        )
        self.assertRefused(
            WrongState,
            order,
            lambda: services.order_supervise(order=order, actor=self.reviewer, note="再督办"),
        )

    def test_operator_cannot_supervise(self):
        order = self.in_progress_order()
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_supervise(order=order, actor=self.operator, note="督办"),
        )


class UrgeAcknowledgeTests(OrderTestCase):
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


class LeftTheUnitTests(OrderTestCase):
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
