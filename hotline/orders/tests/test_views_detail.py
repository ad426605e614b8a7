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


class MissingCategoryTests(BaseTestCase):
    """A web order comes without a category: the dispatch and review forms let it be set
    there, and the limit follows the category chosen."""

    def web_order(self, request_type: str = "help"):  # type: ignore[no-untyped-def]
        from hotline.orders.models import Channel

        return services.order_create(
            actor=None,
            channel=Channel.WEB,
            request_type=request_type,
            content="小区门口的路灯坏了一个星期。",
            caller_phone="13812345678",
        )

    def test_the_dispatch_form_sets_the_missing_category(self):
        from hotline.catalogue.models import Category

        order = services.order_accept(order=self.web_order(), actor=self.operator)
        self.assertIsNone(order.category)
        lamps = Category.objects.get(code="urban.04")
        self.client.force_login(self.operator)
        self.assertContains(self.client.get(f"/orders/{order.number}/"), "工单尚未分类")
        response = self.client.post(
            f"/orders/{order.number}/act/dispatch/",
            {
                "dispatch-version": order.version,
                "dispatch-lead_unit": self.unit_a.pk,
                "dispatch-category": lamps.pk,
            },
        )
        self.assertRedirects(response, f"/orders/{order.number}/", fetch_redirect_response=False)
        order = self.reload(order)
        self.assertEqual((order.category, order.lead_unit), (lamps, self.unit_a))
        self.assertEqual(order.events.get(action="dispatch").data["category"], "urban.04")

    def test_the_review_form_sets_it_for_a_complaint_from_the_web(self):
        from hotline.catalogue.models import Category

        order = services.order_submit_for_review(
            order=self.web_order("complaint"), actor=self.operator, opinion="请审核"
        )
        category = Category.objects.get(code="urban.02")
        order = services.order_review_approve(
            order=order, actor=self.reviewer, lead_unit=self.unit_a, category=category
        )
        self.assertEqual(order.category, category)

    def test_an_order_with_a_category_is_not_offered_the_field_nor_changed_by_it(self):
        from hotline.catalogue.models import Category
        from hotline.core.errors import InvalidInput

        order = services.order_accept(order=self.create_order(), actor=self.operator)
        self.client.force_login(self.operator)
        self.assertNotContains(self.client.get(f"/orders/{order.number}/"), "工单尚未分类")
        with self.assertRaises(InvalidInput):
            services.order_dispatch(
                order=order,
                actor=self.operator,
                lead_unit=self.unit_a,
                category=Category.objects.get(code="urban.01"),
            )
        self.assertEqual(self.reload(order).category.code, "urban.02")
