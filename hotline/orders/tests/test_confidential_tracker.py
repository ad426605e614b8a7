"""A confidential request that arrives with no one to follow it is not stuck: it waits in a
queue the host unit and the operator leads see, they name its tracker, and the host unit may
change them, each change in the order's history (Art. 23; issue 10, item 2)."""

import json

from django.urls import reverse

from hotline.accounts.models import ApiToken
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.core.errors import InvalidInput, NotAllowed, NotFound, WrongState
from hotline.notifications.models import Notification
from hotline.orders import services
from hotline.orders.models import Action, Channel, Order, Status
from hotline.orders.rules import available_actions, can_see
from hotline.orders.tests.base import OrderTestCase
from hotline.orders.worklists import UNTRACKED, worklist_orders, worklists_for
from hotline.units.models import Unit

SECRET = "举报某单位负责人收受红包，请为我保密。"


class UntrackedTestCase(OrderTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        callcenter = Unit.objects.get(code="callcenter")
        cls.operator_b = account_create(
            username="operator.b", roles=[Role.OPERATOR], unit=callcenter, password="x-Pass-1234"
        )

    def portal_secret(self) -> Order:
        return services.order_create(
            actor=None,
            channel=Channel.WEB,
            request_type="report",
            content=SECRET,
            caller_phone="13812345678",
            is_confidential=True,
        )


class QueueTests(UntrackedTestCase):
    def test_a_confidential_portal_request_waits_for_a_tracker_and_is_announced(self):
        order = self.portal_secret()
        self.assertIsNone(order.tracker)
        told = Notification.objects.filter(order=order, kind="tracker_wanted")
        self.assertEqual(
            {n.recipient_user_id for n in told}, {self.reviewer.pk, self.lead.pk}, list(told)
        )
        for note in told:
            self.assertNotIn("红包", note.body)
        for user in (self.lead, self.reviewer):
            self.assertIn(UNTRACKED, worklists_for(user))
            self.assertEqual(list(worklist_orders(user=user, worklist=UNTRACKED)), [order])
        self.assertNotIn(UNTRACKED, worklists_for(self.operator))
        # Ordinary operators, units and the supervisor still cannot see it.
        for user in (self.operator, self.supervisor, self.handler_a):
            self.assertFalse(can_see(user, order), user)

    def test_the_lead_and_the_host_unit_are_offered_the_assignment_on_the_order_page(self):
        order = self.portal_secret()
        self.assertIn(Action.ASSIGN_TRACKER, available_actions(self.lead, order))
        self.assertIn(Action.ASSIGN_TRACKER, available_actions(self.reviewer, order))
        self.client.force_login(self.reviewer)
        page = self.client.get(reverse("orders:detail", args=[order.number]))
        self.assertContains(page, "指派跟踪人")
        self.assertContains(page, "尚未指派")

    def test_a_tracked_order_leaves_the_queue(self):
        order = self.portal_secret()
        services.order_assign_tracker(order=order, actor=self.lead, tracker=self.operator_b)
        self.assertEqual(list(worklist_orders(user=self.reviewer, worklist=UNTRACKED)), [])

    def test_an_api_order_marked_confidential_by_a_machine_account_waits_the_same_way(self):
        desk = account_create(
            username="desk110", roles=[Role.LINKAGE], unit=Unit.objects.get(code="police")
        )
        token = ApiToken.issue(user=desk, name="110")[1]
        response = self.client.post(
            "/api/v1/orders",
            json.dumps({"request_type": "help", "content": SECRET, "is_confidential": True}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        self.assertEqual(response.status_code, 201, response.content)
        order = Order.objects.get(number=response.json()["number"])
        self.assertIsNone(order.tracker)
        self.assertEqual(list(worklist_orders(user=self.lead, worklist=UNTRACKED)), [order])

    def test_an_operator_recording_a_confidential_call_tracks_it_and_no_one_is_alerted(self):
        order = self.create_order(is_confidential=True)
        self.assertEqual(order.tracker, self.operator)
        self.assertFalse(Notification.objects.filter(kind="tracker_wanted").exists())


class AssignTests(UntrackedTestCase):
    def test_the_named_tracker_sees_the_order_and_takes_it_on(self):
        order = self.portal_secret()
        order, event = self.transition(
            lambda: services.order_assign_tracker(
                order=order, actor=self.lead, tracker=self.operator_b
            )
        )
        self.assertEqual(order.tracker, self.operator_b)
        self.assertEvent(
            event,
            action=Action.ASSIGN_TRACKER,
            actor=self.lead,
            from_status=Status.RECEIVED,
            to_status=Status.RECEIVED,
        )
        self.assertEqual(event.data, {"tracker": "operator.b", "previous": None})
        self.assertTrue(
            Notification.objects.filter(
                recipient_user=self.operator_b, kind="tracker_assigned", order=order
            ).exists()
        )
        self.assertTrue(can_see(self.operator_b, order))
        self.assertFalse(can_see(self.operator, order))
        # The tracker can act on it: the report goes to the host unit's review.
        order = services.order_submit_for_review(
            order=order, actor=self.operator_b, opinion="建议转纪检部门"
        )
        self.assertEqual(order.status, Status.PENDING_REVIEW)

    def test_only_the_host_unit_changes_a_tracker_and_must_say_why(self):
        order = services.order_assign_tracker(
            order=self.portal_secret(), actor=self.lead, tracker=self.operator_b
        )
        self.assertRefused(
            NotFound,
            order,
            lambda: services.order_assign_tracker(
                order=order, actor=self.lead, tracker=self.operator
            ),
        )
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_assign_tracker(
                order=order, actor=self.reviewer, tracker=self.operator
            ),
        )
        order, event = self.transition(
            lambda: services.order_assign_tracker(
                order=order, actor=self.reviewer, tracker=self.operator, reason="原跟踪人休假"
            )
        )
        self.assertEqual(event.data, {"tracker": "operator", "previous": "operator.b"})
        self.assertEqual(event.reason, "原跟踪人休假")
        self.assertFalse(can_see(self.operator_b, order))

    def test_the_tracker_is_someone_of_the_operating_centre(self):
        order = self.portal_secret()
        for someone in (self.handler_a, self.supervisor, self.sysadmin):
            self.assertRefused(
                InvalidInput,
                order,
                lambda someone=someone: services.order_assign_tracker(
                    order=order, actor=self.reviewer, tracker=someone
                ),
            )

    def test_nobody_else_assigns_and_an_ordinary_order_needs_no_tracker(self):
        order = self.portal_secret()
        for someone in (self.operator, self.handler_a, self.supervisor):
            self.assertRefused(
                (NotFound, NotAllowed),  # type: ignore[arg-type]
                order,
                lambda someone=someone: services.order_assign_tracker(
                    order=order, actor=someone, tracker=self.operator_b
                ),
            )
        ordinary = self.create_order()
        self.assertRefused(
            WrongState,
            ordinary,
            lambda: services.order_assign_tracker(
                order=ordinary, actor=self.reviewer, tracker=self.operator_b
            ),
        )

    def test_the_order_page_assigns_a_tracker(self):
        order = self.portal_secret()
        self.client.force_login(self.lead)
        response = self.client.post(
            reverse("orders:act", args=[order.number, Action.ASSIGN_TRACKER]),
            {"assign_tracker-version": order.version, "assign_tracker-tracker": self.operator_b.pk},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.reload(order).tracker, self.operator_b)


class HomeTileTests(UntrackedTestCase):
    def test_the_home_page_of_the_lead_and_the_host_unit_counts_untracked_orders(self):
        self.portal_secret()
        for user in (self.lead, self.reviewer):
            self.client.force_login(user)
            self.assertContains(self.client.get("/"), "保密工单待指派跟踪人")
        self.client.force_login(self.operator)
        self.assertNotContains(self.client.get("/"), "保密工单待指派跟踪人")
