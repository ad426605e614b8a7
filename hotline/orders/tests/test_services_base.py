"""`services/base.py`: what every transition shares: the version check that refuses a stale
form and the new version each transition saves."""

from hotline.core.errors import Conflict
from hotline.orders import services
from hotline.orders.tests.base import OrderTestCase


class ConcurrencyTests(OrderTestCase):
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
