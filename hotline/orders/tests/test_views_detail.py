"""The order page (`views/detail.py`): what each decision shows beside its form."""

from hotline.orders import services
from hotline.testing import BaseTestCase


class ReturnDecisionPageTests(BaseTestCase):
    def test_the_units_reason_and_suggested_unit_stand_beside_both_decisions(self):
        order = services.order_return(
            order=self.in_progress_order(),
            actor=self.handler_a,
            reason="该路段属市场监管局管辖的农贸市场内部道路",
            suggested_unit=self.unit_b,
        )
        self.client.force_login(self.lead)
        html = self.client.get(f"/orders/{order.number}/").content.decode()
        for action in ("return_upheld", "return_refused"):
            with self.subTest(action=action):
                start = html.index(f'action="/orders/{order.number}/act/{action}/"')
                form = html[start : html.index("</form>", start)]
                self.assertIn("该路段属市场监管局管辖的农贸市场内部道路", form)
                self.assertIn(self.unit_b.name, form)
                self.assertIn(self.unit_a.name, form)  # the unit that returned it

    def test_a_return_without_a_suggestion_says_so(self):
        order = services.order_return(
            order=self.in_progress_order(), actor=self.handler_a, reason="不属本单位职责"
        )
        self.client.force_login(self.lead)
        self.assertContains(self.client.get(f"/orders/{order.number}/"), "未提出")
