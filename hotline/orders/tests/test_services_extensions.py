"""`services/extensions.py`: requesting an extension of the due date and the host's
decision on it."""

from datetime import datetime

from hotline.clock import frozen_at
from hotline.core.errors import InvalidInput, NotAllowed, NotFound, WrongState
from hotline.orders import services
from hotline.orders.models import Action, ExtensionStatus, Order, Status
from hotline.orders.tests.base import MON_SEP_29, OrderTestCase
from hotline.testing import aware


class ExtensionTests(OrderTestCase):
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
