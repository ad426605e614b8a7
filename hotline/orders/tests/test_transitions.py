"""Every transition of DESIGN §3: what it changes when allowed, and that a forbidden one
(wrong role, wrong state, bad input, stale version) raises its error and changes nothing.

Expected deadlines are worked out by hand from the State Council's 2025 schedule: the
National Day holiday runs Oct 1–8 2025; Sunday Sep 28 and Saturday Oct 11 are working days.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.catalogue.models import EmergencySituation, ExclusionReason, MajorIncidentKind
from hotline.clock import frozen_at
from hotline.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, WrongState
from hotline.core.models import AppendOnlyError
from hotline.notifications.models import Notification
from hotline.orders import services
from hotline.orders.models import (
    Action,
    Assignment,
    Channel,
    CloseReason,
    ExtensionStatus,
    Order,
    OrderEvent,
    Reply,
    Satisfaction,
    Status,
)
from hotline.testing import BaseTestCase, aware
from hotline.units.models import Unit

# Monday 29 Sep 2025, the last working days before the National Day holiday.
MON_SEP_29 = "2025-09-29 09:00"


class TransitionTestCase(BaseTestCase):
    """Helpers that observe a transition from outside: the rows it wrote, or that it wrote none."""

    def snapshot(self, order: Order) -> tuple[Any, ...]:
        return (
            Order.objects.filter(pk=order.pk).values().get(),
            list(OrderEvent.objects.filter(order_id=order.pk).values_list("id", flat=True)),
            list(
                Assignment.objects.filter(order_id=order.pk).values_list(
                    "id", "unit_id", "role", "is_active"
                )
            ),
            list(Reply.objects.filter(order_id=order.pk).values_list("id", "state")),
            Notification.objects.count(),
        )

    def assertRefused(
        self, error: type[Exception], order: Order, call: Callable[[], Any]
    ) -> Exception:
        """`call` raises `error` and leaves the order, its history, assignments, replies and the
        outbox exactly as they were."""
        before = self.snapshot(order)
        with self.assertRaises(error) as caught:
            call()
        self.assertEqual(self.snapshot(order), before)
        return caught.exception

    def transition(self, call: Callable[[], Order]) -> tuple[Order, OrderEvent]:
        """Run `call`, check it wrote exactly one history row and return the order (as stored)
        and that row."""
        seen = set(OrderEvent.objects.values_list("id", flat=True))
        order = call()
        written = list(OrderEvent.objects.exclude(id__in=seen))
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

    def force_status(self, order: Order, status: str) -> Order:
        """Put an order in a state no service leads to, to test one rule in isolation."""
        Order.objects.filter(pk=order.pk).update(status=status)
        return self.reload(order)


# --- intake ---------------------------------------------------------------------------------


class CreateTests(TransitionTestCase):
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
        self.assertEqual(actions, [Action.CREATE, Action.EMERGENCY_ALERT])
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


class AcceptTests(TransitionTestCase):
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


class NotAcceptTests(TransitionTestCase):
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


class AnswerTests(TransitionTestCase):
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


class MergeTests(TransitionTestCase):
    def test_duplicate_is_merged_into_earlier_order(self):
        first = self.dispatched_order()
        duplicate = self.create_order()
        duplicate, event = self.transition(
            lambda: services.order_merge(
                order=duplicate, into=first, actor=self.operator, note="同一违建"
            )
        )
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


# --- host review and dispatch -------------------------------------------------------------------


class ReviewTests(TransitionTestCase):
    def test_complaint_is_submitted_for_review_with_the_opinion(self):
        order = self.create_order(request_type="complaint")
        order, event = self.transition(
            lambda: services.order_submit_for_review(
                order=order, actor=self.operator, opinion="建议城管核查", proposed_unit=self.unit_a
            )
        )
        self.assertEqual(order.status, Status.PENDING_REVIEW)
        self.assertEqual(order.preliminary_opinion, "建议城管核查")
        self.assertEvent(
            event,
            action=Action.SUBMIT_REVIEW,
            actor=self.operator,
            from_status=Status.RECEIVED,
            to_status=Status.PENDING_REVIEW,
        )
        self.assertEqual(event.data, {"proposed_unit": "urban"})
        self.assertEqual(self.notes(order, "review"), [("inapp", "reviewer", None, False)])

    def test_submission_needs_an_opinion(self):
        order = self.create_order(request_type="complaint")
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_submit_for_review(order=order, actor=self.operator, opinion=""),
        )

    def test_review_approval_dispatches_with_due_date_from_the_calendar(self):
        order = services.order_submit_for_review(
            order=self.create_order(request_type="complaint"),
            actor=self.operator,
            opinion="建议城管核查",
        )
        # Saturday 27 Sep is a day off; the clock counts Sun 28 (调休), Mon 29, Tue 30, then
        # after the holiday Thu 9 and Fri 10 Oct: 5 working days end at 24:00 on Oct 10.
        with frozen_at(aware("2025-09-27 15:00")):
            order, event = self.transition(
                lambda: services.order_review_approve(
                    order=order, actor=self.reviewer, lead_unit=self.unit_a, note="同意"
                )
            )
        self.assertEqual(order.status, Status.DISPATCHED)
        self.assertEqual(order.lead_unit, self.unit_a)
        self.assertEqual(order.dispatched_at, aware("2025-09-27 15:00"))
        self.assertEqual(order.limit_working_days, 5)
        self.assertEqual(order.due_at, aware("2025-10-11 00:00"))
        self.assertEvent(
            event,
            action=Action.REVIEW_APPROVE,
            actor=self.reviewer,
            from_status=Status.PENDING_REVIEW,
            to_status=Status.DISPATCHED,
            reason="同意",
        )
        self.assertEqual(event.data["lead_unit"], "urban")
        self.assertEqual(
            list(order.assignments.values_list("unit__code", "role", "is_active")),
            [("urban", "lead", True)],
        )
        # The unit's inbox and an SMS to its manager (the only unit member with a phone).
        self.assertEqual(
            self.notes(order, "dispatched"),
            [("inapp", None, "urban", False), ("sms", "urban.manager", None, False)],
        )

    def test_operator_cannot_approve_a_review(self):
        order = services.order_submit_for_review(
            order=self.create_order(request_type="complaint"), actor=self.operator, opinion="意见"
        )
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_review_approve(
                order=order, actor=self.operator, lead_unit=self.unit_a
            ),
        )

    def test_reviewer_sends_proposal_back_to_the_centre(self):
        order = services.order_submit_for_review(
            order=self.create_order(request_type="report"), actor=self.operator, opinion="意见"
        )
        order, event = self.transition(
            lambda: services.order_review_send_back(
                order=order, actor=self.reviewer, note="分类有误"
            )
        )
        self.assertEqual(order.status, Status.RECEIVED)
        self.assertIsNone(order.lead_unit)
        self.assertEvent(
            event,
            action=Action.REVIEW_SEND_BACK,
            actor=self.reviewer,
            from_status=Status.PENDING_REVIEW,
            to_status=Status.RECEIVED,
            reason="分类有误",
        )

    def test_send_back_needs_a_note(self):
        order = services.order_submit_for_review(
            order=self.create_order(request_type="report"), actor=self.operator, opinion="意见"
        )
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_review_send_back(order=order, actor=self.reviewer, note=""),
        )


class DispatchTests(TransitionTestCase):
    def test_dispatch_gives_order_to_lead_and_assisting_units(self):
        order = services.order_accept(order=self.create_order(), actor=self.operator)
        # Help: 2 working days after Mon 29 Sep are Tue 30 Sep and Thu 9 Oct.
        with frozen_at(aware(MON_SEP_29)):
            order, event = self.transition(
                lambda: services.order_dispatch(
                    order=order,
                    actor=self.operator,
                    lead_unit=self.unit_a,
                    assisting_units=[self.unit_b, self.unit_a, self.unit_b],
                )
            )
        self.assertEqual(order.status, Status.DISPATCHED)
        self.assertEqual(order.lead_unit, self.unit_a)
        self.assertIsNone(order.handler)
        self.assertEqual(order.dispatched_at, aware(MON_SEP_29))
        self.assertEqual(order.limit_working_days, 2)
        self.assertEqual(order.due_at, aware("2025-10-10 00:00"))
        self.assertEqual(
            sorted(order.assignments.values_list("unit__code", "role", "is_active")),
            [("market", "assist", True), ("urban", "lead", True)],
        )
        self.assertEvent(
            event,
            action=Action.DISPATCH,
            actor=self.operator,
            from_status=Status.PENDING_DISPATCH,
            to_status=Status.DISPATCHED,
        )
        self.assertEqual(event.data["assisting_units"], ["market"])
        self.assertEqual(
            self.notes(order, "dispatched"),
            [
                ("inapp", None, "market", False),
                ("inapp", None, "urban", False),
                ("sms", "urban.manager", None, False),
            ],
        )

    def test_category_with_a_legal_limit_overrides_the_request_type(self):
        order = services.order_accept(
            order=self.create_order(category="market.02"), actor=self.operator
        )
        with frozen_at(aware(MON_SEP_29)):
            order = services.order_dispatch(order=order, actor=self.operator, lead_unit=self.unit_b)
        # 7 working days: Sep 30, Oct 9, 10, 11 (调休), 13, 14, 15.
        self.assertEqual(order.limit_working_days, 7)
        self.assertEqual(order.due_at, aware("2025-10-16 00:00"))

    def test_dispatch_to_an_inactive_unit_is_refused(self):
        order = services.order_accept(order=self.create_order(), actor=self.operator)
        Unit.objects.filter(pk=self.unit_b.pk).update(is_active=False)
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_dispatch(
                order=order, actor=self.operator, lead_unit=Unit.objects.get(pk=self.unit_b.pk)
            ),
        )

    def test_operator_cannot_dispatch_a_complaint(self):
        # No service puts a complaint in pending_dispatch; force it to test the role rule alone.
        order = self.force_status(
            self.create_order(request_type="complaint"), Status.PENDING_DISPATCH
        )
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_dispatch(
                order=order, actor=self.operator, lead_unit=self.unit_a
            ),
        )
        order = services.order_dispatch(order=order, actor=self.reviewer, lead_unit=self.unit_a)
        self.assertEqual(order.status, Status.DISPATCHED)

    def test_received_order_cannot_be_dispatched_before_acceptance(self):
        order = self.create_order()
        self.assertRefused(
            WrongState,
            order,
            lambda: services.order_dispatch(
                order=order, actor=self.operator, lead_unit=self.unit_a
            ),
        )


class SignTests(TransitionTestCase):
    def test_lead_unit_handler_signs_and_becomes_the_handler(self):
        order = self.dispatched_order()
        with frozen_at(aware("2025-09-29 11:00")):
            order, event = self.transition(
                lambda: services.order_sign(order=order, actor=self.handler_a)
            )
        self.assertEqual(order.status, Status.IN_PROGRESS)
        self.assertEqual(order.handler, self.handler_a)
        self.assertEqual(order.signed_at, aware("2025-09-29 11:00"))
        self.assertEvent(
            event,
            action=Action.SIGN,
            actor=self.handler_a,
            from_status=Status.DISPATCHED,
            to_status=Status.IN_PROGRESS,
        )
        self.assertEqual(event.data, {"handler": "urban.handler"})

    def test_manager_signs_and_assigns_a_handler_of_the_unit(self):
        order = self.dispatched_order()
        order, event = self.transition(
            lambda: services.order_sign(order=order, actor=self.manager_a, handler=self.handler_a)
        )
        self.assertEqual(order.handler, self.handler_a)
        self.assertEqual(event.actor, self.manager_a)

    def test_handler_of_other_unit_cannot_sign(self):
        order = self.dispatched_order()
        self.assertRefused(
            NotFound, order, lambda: services.order_sign(order=order, actor=self.handler_b)
        )
        self.assertRefused(
            NotFound, order, lambda: services.order_sign(order=order, actor=self.manager_b)
        )

    def test_handler_of_other_unit_cannot_be_assigned(self):
        order = self.dispatched_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_sign(order=order, actor=self.manager_a, handler=self.handler_b),
        )

    def test_assisting_unit_cannot_sign_for_the_lead(self):
        order = services.order_accept(order=self.create_order(), actor=self.operator)
        order = services.order_dispatch(
            order=order, actor=self.operator, lead_unit=self.unit_a, assisting_units=[self.unit_b]
        )
        self.assertRefused(
            NotAllowed, order, lambda: services.order_sign(order=order, actor=self.handler_b)
        )

    def test_signed_order_cannot_be_signed_again(self):
        order = self.in_progress_order()
        self.assertRefused(
            WrongState, order, lambda: services.order_sign(order=order, actor=self.handler_a)
        )


# --- returns and re-dispatch --------------------------------------------------------------------


class ReturnTests(TransitionTestCase):
    def test_unit_returns_a_wrong_dispatch_for_review(self):
        order = self.in_progress_order()
        order, event = self.transition(
            lambda: services.order_return(
                order=order,
                actor=self.handler_a,
                reason="属市场监管职责",
                suggested_unit=self.unit_b,
            )
        )
        self.assertEqual(order.status, Status.RETURN_REVIEW)
        self.assertEqual(order.status_before_return, Status.IN_PROGRESS)
        self.assertEqual(order.return_count, 1)
        self.assertEvent(
            event,
            action=Action.RETURN,
            actor=self.handler_a,
            from_status=Status.IN_PROGRESS,
            to_status=Status.RETURN_REVIEW,
            reason="属市场监管职责",
        )
        self.assertEqual(event.data, {"suggested_unit": "market"})
        # A first return of a help request is decided by the operating centre's lead.
        self.assertEqual(self.notes(order, "return"), [("inapp", "lead", None, False)])

    def test_return_needs_a_reason(self):
        order = self.in_progress_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_return(order=order, actor=self.handler_a, reason=""),
        )

    def test_other_unit_cannot_return(self):
        order = self.in_progress_order()
        self.assertRefused(
            NotFound,
            order,
            lambda: services.order_return(order=order, actor=self.handler_b, reason="不是我们的"),
        )

    def test_upheld_return_redispatches_to_the_new_unit_and_restarts_the_clock(self):
        with frozen_at(aware(MON_SEP_29)):
            order = self.in_progress_order()
        self.assertEqual(order.due_at, aware("2025-10-10 00:00"))
        with frozen_at(aware("2025-10-09 10:00")):
            order = services.order_return(
                order=order, actor=self.handler_a, reason="属市场监管职责"
            )
        with frozen_at(aware("2025-10-09 11:00")):
            order, event = self.transition(
                lambda: services.order_decide_return(
                    order=order, actor=self.lead, uphold=True, reason="同意", lead_unit=self.unit_b
                )
            )
        self.assertEqual(order.status, Status.DISPATCHED)
        self.assertEqual(order.lead_unit, self.unit_b)
        self.assertIsNone(order.handler)
        self.assertIsNone(order.signed_at)
        self.assertEqual(order.status_before_return, "")
        # New clock from Thu 9 Oct: Fri 10 and Sat 11 (调休) are the 2 working days.
        self.assertEqual(order.dispatched_at, aware("2025-10-09 11:00"))
        self.assertEqual(order.due_at, aware("2025-10-12 00:00"))
        self.assertEvent(
            event,
            action=Action.RETURN_UPHELD,
            actor=self.lead,
            from_status=Status.RETURN_REVIEW,
            to_status=Status.DISPATCHED,
            reason="同意",
        )
        self.assertEqual(event.data["from_unit"], "urban")
        self.assertEqual(
            sorted(order.assignments.values_list("unit__code", "role", "is_active")),
            [("market", "lead", True), ("urban", "lead", False)],
        )
        self.assertIn(("inapp", None, "market", False), self.notes(order, "dispatched"))

    def test_refused_return_goes_back_to_the_unit_with_the_original_due(self):
        with frozen_at(aware(MON_SEP_29)):
            order = self.in_progress_order()
        before = self.reload(order)
        with frozen_at(aware("2025-09-30 10:00")):
            order = services.order_return(order=order, actor=self.handler_a, reason="不归我们管")
            order, event = self.transition(
                lambda: services.order_decide_return(
                    order=order, actor=self.lead, uphold=False, reason="属城管职责"
                )
            )
        self.assertEqual(order.status, Status.IN_PROGRESS)
        self.assertEqual(order.lead_unit, self.unit_a)
        self.assertEqual(order.handler, self.handler_a)
        self.assertEqual(order.due_at, before.due_at)
        self.assertEqual(order.dispatched_at, before.dispatched_at)
        self.assertEvent(
            event,
            action=Action.RETURN_REFUSED,
            actor=self.lead,
            from_status=Status.RETURN_REVIEW,
            to_status=Status.IN_PROGRESS,
            reason="属城管职责",
        )
        self.assertEqual(
            self.notes(order, "return_refused"),
            [("inapp", None, "urban", False), ("sms", "urban.manager", None, False)],
        )

    def test_refused_return_before_signing_goes_back_to_dispatched(self):
        order = self.dispatched_order()
        order = services.order_return(order=order, actor=self.handler_a, reason="不归我们管")
        order = services.order_decide_return(
            order=order, actor=self.lead, uphold=False, reason="属城管职责"
        )
        self.assertEqual(order.status, Status.DISPATCHED)

    def test_second_return_goes_to_the_reviewer_only(self):
        order = self.in_progress_order()
        order = services.order_return(order=order, actor=self.handler_a, reason="属市场监管")
        order = services.order_decide_return(
            order=order, actor=self.lead, uphold=True, reason="同意", lead_unit=self.unit_b
        )
        order = services.order_return(order=order, actor=self.handler_b, reason="属城管")
        self.assertEqual(order.return_count, 2)
        self.assertEqual(
            self.notes(order, "return"),
            [("inapp", "lead", None, False), ("inapp", "reviewer", None, False)],
        )
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_decide_return(
                order=order, actor=self.lead, uphold=False, reason="驳回"
            ),
        )
        order, event = self.transition(
            lambda: services.order_decide_return(
                order=order, actor=self.reviewer, uphold=False, reason="属市场监管"
            )
        )
        self.assertEqual(order.status, Status.DISPATCHED)
        self.assertEqual(order.lead_unit, self.unit_b)

    def test_complaint_return_is_decided_by_the_reviewer_only(self):
        order = self.dispatched_order(request_type="complaint")
        order = services.order_return(order=order, actor=self.handler_a, reason="不归我们管")
        self.assertEqual(self.notes(order, "return"), [("inapp", "reviewer", None, False)])
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_decide_return(
                order=order, actor=self.lead, uphold=False, reason="驳回"
            ),
        )

    def test_returning_unit_cannot_decide_its_own_return(self):
        order = services.order_return(
            order=self.in_progress_order(), actor=self.handler_a, reason="不归我们管"
        )
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_decide_return(
                order=order, actor=self.manager_a, uphold=True, reason="同意", lead_unit=self.unit_b
            ),
        )

    def test_upheld_return_needs_another_unit(self):
        order = services.order_return(
            order=self.in_progress_order(), actor=self.handler_a, reason="不归我们管"
        )
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_decide_return(
                order=order, actor=self.lead, uphold=True, reason="同意"
            ),
        )
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_decide_return(
                order=order, actor=self.lead, uphold=True, reason="同意", lead_unit=self.unit_a
            ),
        )

    def test_decision_needs_a_reason(self):
        order = services.order_return(
            order=self.in_progress_order(), actor=self.handler_a, reason="不归我们管"
        )
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_decide_return(
                order=order, actor=self.lead, uphold=False, reason=" "
            ),
        )

    def test_order_not_returned_cannot_be_decided(self):
        order = self.in_progress_order()
        self.assertRefused(
            WrongState,
            order,
            lambda: services.order_decide_return(
                order=order, actor=self.lead, uphold=False, reason="驳回"
            ),
        )


class RedispatchTests(TransitionTestCase):
    def test_lead_moves_an_order_to_another_unit_and_the_clock_restarts(self):
        with frozen_at(aware(MON_SEP_29)):
            order = self.in_progress_order()
        with frozen_at(aware("2025-10-10 09:00")):
            order, event = self.transition(
                lambda: services.order_redispatch(
                    order=order, actor=self.lead, lead_unit=self.unit_b, reason="派错单位"
                )
            )
        self.assertEqual(order.status, Status.DISPATCHED)
        self.assertEqual(order.lead_unit, self.unit_b)
        self.assertIsNone(order.handler)
        self.assertEqual(order.dispatched_at, aware("2025-10-10 09:00"))
        # Sat 11 (调休) and Mon 13 Oct.
        self.assertEqual(order.due_at, aware("2025-10-14 00:00"))
        self.assertEvent(
            event,
            action=Action.REDISPATCH,
            actor=self.lead,
            from_status=Status.IN_PROGRESS,
            to_status=Status.DISPATCHED,
            reason="派错单位",
        )
        self.assertFalse(order.assignments.get(unit=self.unit_a).is_active)

    def test_operator_cannot_redispatch(self):
        order = self.in_progress_order()
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_redispatch(
                order=order, actor=self.operator, lead_unit=self.unit_b, reason="派错"
            ),
        )

    def test_redispatch_to_the_same_unit_is_refused(self):
        order = self.in_progress_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_redispatch(
                order=order, actor=self.lead, lead_unit=self.unit_a, reason="派错"
            ),
        )

    def test_redispatch_needs_a_reason(self):
        order = self.in_progress_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_redispatch(
                order=order, actor=self.lead, lead_unit=self.unit_b, reason=""
            ),
        )


# --- extension ----------------------------------------------------------------------------------


class ExtensionTests(TransitionTestCase):
    def complaint_in_progress(self) -> Order:
        with frozen_at(aware(MON_SEP_29)):
            return self.in_progress_order(request_type="complaint")

    def test_unit_requests_an_extension_of_a_complaint(self):
        order = self.complaint_in_progress()
        with frozen_at(aware("2025-10-09 10:00")):
            order, event = self.transition(
                lambda: services.order_request_extension(
                    order=order, actor=self.handler_a, reason="需第三方检测"
                )
            )
        self.assertEqual(order.extension_status, ExtensionStatus.REQUESTED)
        self.assertEqual(order.status, Status.IN_PROGRESS)
        self.assertEvent(
            event,
            action=Action.EXTENSION_REQUEST,
            actor=self.handler_a,
            from_status=Status.IN_PROGRESS,
            to_status=Status.IN_PROGRESS,
            reason="需第三方检测",
        )
        self.assertEqual(self.notes(order, "extension"), [("inapp", "reviewer", None, False)])

    def test_report_may_be_extended_as_well(self):
        with frozen_at(aware(MON_SEP_29)):
            order = self.in_progress_order(request_type="report")
            order = services.order_request_extension(
                order=order, actor=self.manager_a, reason="需调查取证"
            )
        self.assertEqual(order.extension_status, ExtensionStatus.REQUESTED)

    def test_help_request_cannot_be_extended(self):
        with frozen_at(aware(MON_SEP_29)):
            order = self.in_progress_order()
            self.assertRefused(
                WrongState,
                order,
                lambda: services.order_request_extension(
                    order=order, actor=self.handler_a, reason="需要时间"
                ),
            )

    def test_extension_cannot_be_requested_twice_while_pending(self):
        order = self.complaint_in_progress()
        with frozen_at(aware("2025-10-09 10:00")):
            order = services.order_request_extension(
                order=order, actor=self.handler_a, reason="需第三方检测"
            )
            self.assertRefused(
                WrongState,
                order,
                lambda: services.order_request_extension(
                    order=order, actor=self.handler_a, reason="再申请"
                ),
            )

    def test_extension_cannot_be_requested_after_the_due_date(self):
        order = self.complaint_in_progress()
        self.assertEqual(order.due_at, aware("2025-10-14 00:00"))
        with frozen_at(aware("2025-10-14 00:00")):
            self.assertRefused(
                WrongState,
                order,
                lambda: services.order_request_extension(
                    order=order, actor=self.handler_a, reason="来不及"
                ),
            )
        with frozen_at(aware("2025-10-13 23:59")):
            order = services.order_request_extension(
                order=order, actor=self.handler_a, reason="来不及"
            )
        self.assertEqual(order.extension_status, ExtensionStatus.REQUESTED)

    def test_extension_is_granted_only_once(self):
        order = self.complaint_in_progress()
        with frozen_at(aware("2025-10-09 10:00")):
            order = services.order_request_extension(
                order=order, actor=self.handler_a, reason="需第三方检测"
            )
            order = services.order_decide_extension(order=order, actor=self.reviewer, approve=True)
            self.assertRefused(
                WrongState,
                order,
                lambda: services.order_request_extension(
                    order=order, actor=self.handler_a, reason="再延一次"
                ),
            )

    def test_other_unit_cannot_request_an_extension(self):
        order = self.complaint_in_progress()
        with frozen_at(aware("2025-10-09 10:00")):
            self.assertRefused(
                NotFound,
                order,
                lambda: services.order_request_extension(
                    order=order, actor=self.handler_b, reason="x"
                ),
            )

    def test_approval_adds_five_working_days_to_the_current_due_date(self):
        order = self.complaint_in_progress()
        # Dispatched Mon 29 Sep: Sep 30, Oct 9, 10, 11 (调休), 13 → due at 24:00 on Mon 13 Oct.
        self.assertEqual(order.due_at, aware("2025-10-14 00:00"))
        with frozen_at(aware("2025-10-10 10:00")):
            order = services.order_request_extension(
                order=order, actor=self.handler_a, reason="需第三方检测"
            )
            order, event = self.transition(
                lambda: services.order_decide_extension(
                    order=order, actor=self.reviewer, approve=True, reason="同意"
                )
            )
        # Five more after Oct 13: 14, 15, 16, 17, (weekend), 20 → due at 24:00 on Mon 20 Oct.
        self.assertEqual(order.due_at, aware("2025-10-21 00:00"))
        self.assertEqual(order.extension_status, ExtensionStatus.APPROVED)
        self.assertEqual(order.extension_count, 1)
        self.assertEqual(order.dispatched_at, aware(MON_SEP_29))
        self.assertEvent(
            event,
            action=Action.EXTENSION_APPROVED,
            actor=self.reviewer,
            from_status=Status.IN_PROGRESS,
            to_status=Status.IN_PROGRESS,
            reason="同意",
        )
        self.assertEqual(
            datetime.fromisoformat(event.data["old_due_at"]), aware("2025-10-14 00:00")
        )
        self.assertEqual(datetime.fromisoformat(event.data["due_at"]), aware("2025-10-21 00:00"))
        self.assertEqual(self.notes(order, "extension_decided"), [("inapp", None, "urban", False)])

    def test_denial_keeps_the_due_date_and_needs_a_reason(self):
        order = self.complaint_in_progress()
        with frozen_at(aware("2025-10-10 10:00")):
            order = services.order_request_extension(
                order=order, actor=self.handler_a, reason="需第三方检测"
            )
            self.assertRefused(
                InvalidInput,
                order,
                lambda: services.order_decide_extension(
                    order=order, actor=self.reviewer, approve=False
                ),
            )
            order, event = self.transition(
                lambda: services.order_decide_extension(
                    order=order, actor=self.reviewer, approve=False, reason="理由不充分"
                )
            )
        self.assertEqual(order.extension_status, ExtensionStatus.DENIED)
        self.assertEqual(order.extension_count, 0)
        self.assertEqual(order.due_at, aware("2025-10-14 00:00"))
        self.assertEqual(event.action, Action.EXTENSION_DENIED)

    def test_a_refused_extension_cannot_be_applied_for_again(self):
        # Art. 14(2) allows one application per responsible unit, decided by the host unit.
        order = self.complaint_in_progress()
        with frozen_at(aware("2025-10-10 10:00")):
            order = services.order_request_extension(
                order=order, actor=self.handler_a, reason="需第三方检测"
            )
            order = services.order_decide_extension(
                order=order, actor=self.reviewer, approve=False, reason="理由不充分"
            )
            self.assertRefused(
                WrongState,
                order,
                lambda: services.order_request_extension(
                    order=order, actor=self.handler_a, reason="再申请一次"
                ),
            )

    def test_only_the_host_reviewer_decides_an_extension(self):
        order = self.complaint_in_progress()
        with frozen_at(aware("2025-10-10 10:00")):
            order = services.order_request_extension(
                order=order, actor=self.handler_a, reason="需第三方检测"
            )
            for actor in (self.manager_a, self.operator, self.lead, self.supervisor):
                with self.subTest(actor=actor.username):
                    self.assertRefused(
                        NotAllowed,
                        order,
                        lambda actor=actor: services.order_decide_extension(
                            order=order, actor=actor, approve=True
                        ),
                    )

    def test_no_decision_without_a_request(self):
        order = self.complaint_in_progress()
        with frozen_at(aware("2025-10-10 10:00")):
            self.assertRefused(
                WrongState,
                order,
                lambda: services.order_decide_extension(
                    order=order, actor=self.reviewer, approve=True
                ),
            )


# --- reply, check, callback -----------------------------------------------------------------


class ReplyTests(TransitionTestCase):
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


class ReplyCheckTests(TransitionTestCase):
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


class CallbackTests(TransitionTestCase):
    def test_satisfied_caller_closes_the_order(self):
        order = self.reply_checked_order()
        with frozen_at(aware("2025-10-09 10:00")):
            order, event = self.transition(
                lambda: services.order_record_callback(
                    order=order, actor=self.operator, satisfaction=Satisfaction.SATISFIED
                )
            )
        self.assertEqual(order.status, Status.CLOSED)
        self.assertEqual(order.close_reason, CloseReason.CALLBACK)
        self.assertEqual(order.satisfaction, Satisfaction.SATISFIED)
        self.assertEqual(order.closed_at, aware("2025-10-09 10:00"))
        self.assertEvent(
            event,
            action=Action.CALLBACK,
            actor=self.operator,
            from_status=Status.CALLBACK,
            to_status=Status.CLOSED,
        )
        self.assertEqual(event.data, {"satisfaction": "satisfied"})

    def test_basically_satisfied_caller_closes_the_order(self):
        order = services.order_record_callback(
            order=self.reply_checked_order(),
            actor=self.operator,
            satisfaction=Satisfaction.BASICALLY,
        )
        self.assertEqual(self.reload(order).status, Status.CLOSED)

    def test_unsatisfied_callback_needs_a_note_and_waits_for_the_host(self):
        order = self.reply_checked_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_record_callback(
                order=order, actor=self.operator, satisfaction=Satisfaction.UNSATISFIED
            ),
        )
        order, event = self.transition(
            lambda: services.order_record_callback(
                order=order,
                actor=self.operator,
                satisfaction=Satisfaction.UNSATISFIED,
                note="违建仍在",
            )
        )
        self.assertEqual(order.status, Status.UNSATISFIED)
        self.assertIsNone(order.closed_at)
        self.assertEqual(order.close_reason, "")
        self.assertEvent(
            event,
            action=Action.CALLBACK,
            actor=self.operator,
            from_status=Status.CALLBACK,
            to_status=Status.UNSATISFIED,
            reason="违建仍在",
        )
        self.assertEqual(self.notes(order, "unsatisfied"), [("inapp", "reviewer", None, False)])

    def test_unknown_satisfaction_is_refused(self):
        order = self.reply_checked_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_record_callback(
                order=order, actor=self.operator, satisfaction="meh"
            ),
        )

    def test_unit_cannot_record_the_callback(self):
        order = self.reply_checked_order()
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_record_callback(
                order=order, actor=self.handler_a, satisfaction=Satisfaction.SATISFIED
            ),
        )


class ReopenAndCloseTests(TransitionTestCase):
    def unsatisfied_order(self, order: Order | None = None) -> Order:
        if order is None:
            order = self.reply_checked_order()
        else:
            order = services.order_reply(
                order=order, actor=self.handler_a, text="再次核查，已拆除。"
            )
            order = services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
            order = services.order_check_reply(order=order, actor=self.operator, accept=True)
        return services.order_record_callback(
            order=order, actor=self.operator, satisfaction=Satisfaction.UNSATISFIED, note="违建仍在"
        )

    def test_reviewer_reopens_an_unsatisfied_order_with_a_new_due_date(self):
        with frozen_at(aware("2025-09-26 09:00")):
            order = self.unsatisfied_order()
        with frozen_at(aware(MON_SEP_29)):
            order, event = self.transition(
                lambda: services.order_reopen(order=order, actor=self.reviewer, reason="核实未拆除")
            )
        self.assertEqual(order.status, Status.IN_PROGRESS)
        self.assertEqual(order.reopen_count, 1)
        self.assertEqual(order.satisfaction, "")
        self.assertEqual(order.lead_unit, self.unit_a)
        self.assertEqual(order.handler, self.handler_a)
        self.assertEqual(order.due_at, aware("2025-10-10 00:00"))
        self.assertEvent(
            event,
            action=Action.REOPEN,
            actor=self.reviewer,
            from_status=Status.UNSATISFIED,
            to_status=Status.IN_PROGRESS,
            reason="核实未拆除",
        )
        self.assertEqual(
            self.notes(order, "reopen"),
            [("inapp", None, "urban", False), ("sms", "urban.manager", None, False)],
        )

    def test_order_is_reopened_at_most_twice(self):
        order = self.unsatisfied_order()
        order = services.order_reopen(order=order, actor=self.reviewer, reason="第一次重办")
        order = self.unsatisfied_order(order)
        order = services.order_reopen(order=order, actor=self.reviewer, reason="第二次重办")
        self.assertEqual(order.reopen_count, 2)
        order = self.unsatisfied_order(order)
        self.assertRefused(
            WrongState,
            order,
            lambda: services.order_reopen(order=order, actor=self.reviewer, reason="第三次"),
        )
        # The host then decides to close it.
        order = services.order_close(order=order, actor=self.reviewer, reason="诉求超出政策范围")
        self.assertEqual(order.status, Status.CLOSED)

    def test_reopen_needs_a_reason_and_the_reviewer(self):
        order = self.unsatisfied_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_reopen(order=order, actor=self.reviewer, reason=""),
        )
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_reopen(order=order, actor=self.lead, reason="重办"),
        )

    def test_reviewer_closes_an_unsatisfied_order_by_decision(self):
        order = self.unsatisfied_order()
        order, event = self.transition(
            lambda: services.order_close(
                order=order, actor=self.reviewer, reason="诉求超出政策范围"
            )
        )
        self.assertEqual(order.status, Status.CLOSED)
        self.assertEqual(order.close_reason, CloseReason.HOST_DECISION)
        self.assertIsNotNone(order.closed_at)
        self.assertEvent(
            event,
            action=Action.CLOSE,
            actor=self.reviewer,
            from_status=Status.UNSATISFIED,
            to_status=Status.CLOSED,
            reason="诉求超出政策范围",
        )

    def test_operator_lead_cannot_close_an_unsatisfied_order(self):
        order = self.unsatisfied_order()
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_close(order=order, actor=self.lead, reason="联系不上"),
        )

    def test_operator_lead_closes_from_the_callback_queue_by_rule(self):
        order = self.reply_checked_order()
        order, event = self.transition(
            lambda: services.order_close(order=order, actor=self.lead, reason="三次回访均无人接听")
        )
        self.assertEqual(order.status, Status.CLOSED)
        self.assertEqual(order.close_reason, CloseReason.BY_RULE)
        self.assertEvent(
            event,
            action=Action.CLOSE,
            actor=self.lead,
            from_status=Status.CALLBACK,
            to_status=Status.CLOSED,
        )
        self.assertEqual(event.data, {"close_reason": "by_rule"})

    def test_plain_operator_cannot_close(self):
        order = self.reply_checked_order()
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_close(order=order, actor=self.operator, reason="联系不上"),
        )

    def test_close_needs_a_reason(self):
        order = self.reply_checked_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_close(order=order, actor=self.lead, reason=""),
        )

    def test_order_in_progress_cannot_be_closed(self):
        order = self.in_progress_order()
        self.assertRefused(
            WrongState,
            order,
            lambda: services.order_close(order=order, actor=self.lead, reason="结束"),
        )


# --- flags ------------------------------------------------------------------------------------


class UrgeAndSuperviseTests(TransitionTestCase):
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


# --- races and history --------------------------------------------------------------------------


class ConcurrencyAndHistoryTests(TransitionTestCase):
    def test_stale_version_raises_order_changed_and_changes_nothing(self):
        order = self.dispatched_order()
        seen_version = order.version
        services.order_urge(order=order, actor=self.operator, note="先催一次")
        self.assertRefused(
            Conflict,
            order,
            lambda: services.order_sign(
                order=order, actor=self.handler_a, expected_version=seen_version
            ),
        )
        current = self.reload(order).version
        self.assertEqual(current, seen_version + 1)
        order = services.order_sign(order=order, actor=self.handler_a, expected_version=current)
        self.assertEqual(self.reload(order).version, current + 1)

    def test_every_transition_bumps_the_version_by_one(self):
        order = self.create_order()
        self.assertEqual(order.version, 1)
        order = services.order_accept(order=order, actor=self.operator)
        order = services.order_dispatch(order=order, actor=self.operator, lead_unit=self.unit_a)
        order = services.order_sign(order=order, actor=self.handler_a)
        self.assertEqual(self.reload(order).version, 4)

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
