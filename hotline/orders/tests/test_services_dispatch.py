"""`services/dispatch.py`: dispatching to the lead and assisting units, signing, returning
a wrong dispatch and deciding the return, and re-dispatching to another unit."""

from hotline.clock import frozen_at
from hotline.core.errors import InvalidInput, NotAllowed, NotFound, WrongState
from hotline.orders import services
from hotline.orders.models import Action, Status
from hotline.orders.tests.base import MON_SEP_29, OrderTestCase
from hotline.testing import aware
from hotline.units.models import Unit


class DispatchTests(OrderTestCase):
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


class SignTests(OrderTestCase):
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


class ReturnTests(OrderTestCase):
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


class RedispatchTests(OrderTestCase):
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
