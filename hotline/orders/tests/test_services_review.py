"""`services/review.py`: submitting an order for the host's review, approving it (which
dispatches it) and sending it back to the operating centre."""

from hotline.clock import frozen_at
from hotline.core.errors import InvalidInput, NotAllowed
from hotline.orders import services
from hotline.orders.models import Action, Status
from hotline.orders.tests.base import OrderTestCase
from hotline.testing import aware


class ReviewTests(OrderTestCase):
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
