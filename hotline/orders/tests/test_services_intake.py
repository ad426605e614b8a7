"""`services/intake.py`: recording an order (with its emergency and major-incident alerts),
accepting it, refusing it, answering a consultation at once and merging a duplicate."""

from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.catalogue.models import EmergencySituation, ExclusionReason, MajorIncidentKind
from hotline.clock import frozen_at
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.notifications.models import Notification
from hotline.orders import services
from hotline.orders.models import Action, Channel, CloseReason, Order, OrderEvent, Status
from hotline.orders.tests.base import OrderTestCase
from hotline.testing import aware
from hotline.units.models import Unit


class CreateTests(OrderTestCase):
    def test_operator_records_order_as_received_with_one_create_event(self):
        seen = set(OrderEvent.objects.values_list("id", flat=True))
        order = self.create_order(
            caller_name="李四", caller_phone="+86 138-1234-5678", title="违建"
        )
        order = self.reload(order)
        self.assertEqual(order.status, Status.RECEIVED)
        self.assertEqual(order.channel, Channel.PHONE)
        self.assertEqual(order.caller_phone, "13812345678")
        self.assertEqual(order.caller_phone_mask, "138****5678")
        self.assertEqual(order.caller_name_mask, "李*")
        self.assertEqual(order.tracker, self.operator)
        self.assertEqual(order.created_by, self.operator)
        self.assertIsNone(order.lead_unit)
        self.assertIsNone(order.due_at)
        events = list(OrderEvent.objects.exclude(id__in=seen))
        self.assertEqual(len(events), 1)
        self.assertEvent(
            events[0],
            action=Action.CREATE,
            actor=self.operator,
            from_status="",
            to_status=Status.RECEIVED,
        )
        self.assertEqual(events[0].data, {"channel": "phone", "type": "help"})
        self.assertFalse(Notification.objects.filter(order=order).exists())

    def test_web_request_without_operator_is_recorded_without_tracker(self):
        order = services.order_create(
            actor=None,
            channel=Channel.WEB,
            request_type="consult",
            content="请问公积金怎么提取？",
            caller_phone="13900001111",
        )
        order = self.reload(order)
        self.assertEqual(order.channel, Channel.WEB)
        self.assertIsNone(order.tracker)
        self.assertIsNone(order.created_by)

    def test_web_request_needs_a_phone(self):
        with self.assertRaises(InvalidInput):
            services.order_create(
                actor=None,
                channel=Channel.WEB,
                request_type="consult",
                content="请问公积金怎么提取？",
            )
        self.assertFalse(Order.objects.exists())
        self.assertFalse(OrderEvent.objects.exists())

    def test_phone_request_needs_an_operator(self):
        with self.assertRaises(NotAllowed):
            services.order_create(
                actor=None,
                channel=Channel.PHONE,
                request_type="consult",
                content="咨询",
                caller_phone="13900001111",
            )
        self.assertFalse(Order.objects.exists())

    def test_unit_handler_cannot_record_an_order(self):
        with self.assertRaises(NotAllowed):
            services.order_create(
                actor=self.handler_a, channel=Channel.PHONE, request_type="consult", content="咨询"
            )
        self.assertFalse(Order.objects.exists())

    def test_bad_phone_is_refused(self):
        for phone in ("12345", "1380000123456789", "abc"):
            with self.subTest(phone=phone), self.assertRaises(InvalidInput):
                self.create_order(caller_phone=phone)
        self.assertFalse(Order.objects.exists())

    def test_blank_content_is_refused(self):
        with self.assertRaises(InvalidInput):
            self.create_order(content="   \n ")
        self.assertFalse(Order.objects.exists())

    def test_unknown_request_type_is_refused(self):
        with self.assertRaises(InvalidInput):
            services.order_create(
                actor=self.operator, channel=Channel.PHONE, request_type="gossip", content="内容"
            )
        self.assertFalse(Order.objects.exists())

    def test_unknown_rescue_line_is_refused(self):
        with self.assertRaises(InvalidInput) as caught:
            self.create_order(request_type="emergency", rescue_lines=["110", "999"])
        self.assertIn("999", caught.exception.message)
        self.assertFalse(Order.objects.exists())
        self.assertFalse(Notification.objects.exists())

    def test_emergency_alerts_the_infocenter_reviewer_at_once(self):
        order = self.create_order(
            request_type="emergency",
            emergency_situation=EmergencySituation.objects.get(pk="life_danger"),
            rescue_lines=["120", "110", "120"],
        )
        self.assertEqual(order.rescue_lines, ["110", "120"])
        actions = list(order.events.order_by("id").values_list("action", flat=True))
        # ... and the 110 desk is sent the case at once (hotline/linkage).
        self.assertEqual(actions, [Action.CREATE, Action.EMERGENCY_ALERT, Action.LINKAGE_QUEUED])
        alert = order.events.get(action=Action.EMERGENCY_ALERT)
        self.assertEqual(alert.data, {"situation": "life_danger", "lines": ["110", "120"]})
        # The reviewer has a phone: an in-app message and an SMS; nobody else is told.
        self.assertEqual(
            self.notes(order, "emergency"),
            [("inapp", "reviewer", None, False), ("sms", "reviewer", None, False)],
        )
        self.assertEqual(Notification.objects.count(), 2)
        self.assertIn(order.number, Notification.objects.filter(kind="emergency").first().body)

    def test_emergency_request_type_alone_raises_the_alert(self):
        order = self.create_order(request_type="emergency")
        self.assertTrue(order.events.filter(action=Action.EMERGENCY_ALERT).exists())
        self.assertEqual(
            self.notes(order, "emergency"),
            [("inapp", "reviewer", None, False), ("sms", "reviewer", None, False)],
        )

    def test_major_incident_is_reported_to_the_infocenter_reviewer(self):
        order = self.create_order(major_incident=MajorIncidentKind.objects.get(pk="pollution"))
        alert = order.events.get(action=Action.MAJOR_INCIDENT_ALERT)
        self.assertEqual(alert.data, {"kind": "pollution"})
        self.assertEqual(order.events.count(), 2)
        self.assertEqual(
            self.notes(order, "major_incident"),
            [("inapp", "reviewer", None, False), ("sms", "reviewer", None, False)],
        )

    def test_reviewer_of_other_unit_is_not_alerted(self):
        other = account_create(
            username="reviewer.office", roles=[Role.REVIEWER], unit=Unit.objects.get(code="office")
        )
        order = self.create_order(request_type="emergency")
        self.assertFalse(Notification.objects.filter(order=order, recipient_user=other).exists())


class AcceptTests(OrderTestCase):
    def test_operator_accepts_a_help_request_for_dispatch(self):
        order = self.create_order()
        order, event = self.transition(
            lambda: services.order_accept(order=order, actor=self.operator)
        )
        self.assertEqual(order.status, Status.PENDING_DISPATCH)
        self.assertEqual(order.version, 2)
        self.assertEvent(
            event,
            action=Action.ACCEPT,
            actor=self.operator,
            from_status=Status.RECEIVED,
            to_status=Status.PENDING_DISPATCH,
        )

    def test_operator_cannot_accept_a_complaint(self):
        order = self.create_order(request_type="complaint")
        self.assertRefused(
            NotAllowed, order, lambda: services.order_accept(order=order, actor=self.operator)
        )

    def test_supervisor_cannot_accept(self):
        order = self.create_order()
        self.assertRefused(
            NotAllowed, order, lambda: services.order_accept(order=order, actor=self.supervisor)
        )

    def test_accepted_order_cannot_be_accepted_again(self):
        order = services.order_accept(order=self.create_order(), actor=self.operator)
        self.assertRefused(
            WrongState, order, lambda: services.order_accept(order=order, actor=self.operator)
        )


class NotAcceptTests(OrderTestCase):
    def test_not_accepted_order_is_closed_with_its_exclusion(self):
        order = self.create_order()
        reason = ExclusionReason.objects.get(pk="repeat_no_new")
        with frozen_at(aware("2025-09-29 10:30")):
            order, event = self.transition(
                lambda: services.order_not_accept(
                    order=order, actor=self.operator, exclusion=reason, note="已办理，无新情况"
                )
            )
        self.assertEqual(order.status, Status.CLOSED)
        self.assertEqual(order.exclusion, reason)
        self.assertEqual(order.close_reason, CloseReason.NOT_ACCEPTED)
        self.assertEqual(order.closed_at, aware("2025-09-29 10:30"))
        self.assertEvent(
            event,
            action=Action.NOT_ACCEPT,
            actor=self.operator,
            from_status=Status.RECEIVED,
            to_status=Status.CLOSED,
            reason="已办理，无新情况",
        )
        self.assertEqual(event.data, {"exclusion": "repeat_no_new"})

    def test_reviewer_cannot_refuse_a_request(self):
        order = self.create_order()
        reason = ExclusionReason.objects.get(pk="malicious")
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_not_accept(order=order, actor=self.reviewer, exclusion=reason),
        )

    def test_dispatched_order_cannot_be_refused(self):
        order = self.dispatched_order()
        reason = ExclusionReason.objects.get(pk="malicious")
        self.assertRefused(
            WrongState,
            order,
            lambda: services.order_not_accept(order=order, actor=self.operator, exclusion=reason),
        )


class AnswerTests(OrderTestCase):
    def test_operator_answers_a_consultation_at_once_and_closes_it(self):
        order = self.create_order(request_type="consult", content="公积金怎么提取？")
        order, event = self.transition(
            lambda: services.order_answer(
                order=order,
                actor=self.operator,
                answer="携带身份证到公积金中心办理。",
                knowledge_ref="KB-7",
            )
        )
        self.assertEqual(order.status, Status.CLOSED)
        self.assertEqual(order.close_reason, CloseReason.ANSWERED)
        self.assertEqual(order.answer, "携带身份证到公积金中心办理。")
        self.assertIsNotNone(order.closed_at)
        self.assertEvent(
            event,
            action=Action.ANSWER,
            actor=self.operator,
            from_status=Status.RECEIVED,
            to_status=Status.CLOSED,
        )
        self.assertEqual(event.data, {"knowledge": "KB-7"})

    def test_emergency_cannot_be_answered_at_once(self):
        order = self.create_order(request_type="emergency")
        self.assertRefused(
            WrongState,
            order,
            lambda: services.order_answer(order=order, actor=self.operator, answer="已答复"),
        )

    def test_complaint_cannot_be_answered_by_operator(self):
        order = self.create_order(request_type="complaint")
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_answer(order=order, actor=self.operator, answer="已答复"),
        )

    def test_answer_needs_text(self):
        order = self.create_order(request_type="consult")
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_answer(order=order, actor=self.operator, answer=" "),
        )


class MergeTests(OrderTestCase):
    def test_duplicate_is_merged_into_earlier_order(self):
        first = self.dispatched_order()
        duplicate = self.create_order()
        duplicate, (event, received) = self.new_events(
            lambda: services.order_merge(
                order=duplicate, into=first, actor=self.operator, note="同一违建"
            )
        )
        duplicate = self.reload(duplicate)
        self.assertEqual(duplicate.status, Status.MERGED)
        self.assertEqual(duplicate.merged_into, first)
        self.assertIsNotNone(duplicate.closed_at)
        self.assertEvent(
            event,
            action=Action.MERGE,
            actor=self.operator,
            from_status=Status.RECEIVED,
            to_status=Status.MERGED,
            reason="同一违建",
        )
        self.assertEqual(event.data, {"into": first.number})
        self.assertEqual(self.reload(first).status, Status.DISPATCHED)
        # The order that received it names it in its own history, without changing state.
        self.assertEqual((received.order_id, received.action), (first.pk, Action.MERGED_IN))
        self.assertEqual(received.data, {"merged": duplicate.number})
        self.assertEqual(received.from_status, received.to_status)

    def test_order_cannot_be_merged_into_itself(self):
        order = self.create_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_merge(order=order, into=order, actor=self.operator),
        )

    def test_order_cannot_be_merged_into_a_merged_order(self):
        main, merged, third = self.create_order(), self.create_order(), self.create_order()
        services.order_merge(order=merged, into=main, actor=self.operator)
        self.assertRefused(
            InvalidInput,
            third,
            lambda: services.order_merge(order=third, into=merged, actor=self.operator),
        )

    def test_handler_cannot_merge(self):
        first = self.in_progress_order()
        second = self.dispatched_order()
        self.assertRefused(
            NotAllowed,
            second,
            lambda: services.order_merge(order=second, into=first, actor=self.handler_a),
        )
