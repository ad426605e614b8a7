"""The operator's intake screen in a real browser."""

from playwright.sync_api import expect

from hotline.e2e.browser import BrowserTestCase
from hotline.knowledge.services import knowledge_load_demo
from hotline.orders import services
from hotline.orders.models import Order, Status
from hotline.testing import PASSWORD


class IntakeBrowserTest(BrowserTestCase):
    def open_intake(self) -> None:
        self.login("operator", PASSWORD)
        self.page.get_by_role("link", name="受理来电").click()
        expect(self.page.get_by_role("heading", name="受理来电")).to_be_visible()

    def test_consultation_is_answered_from_the_knowledge_base(self):
        knowledge_load_demo()
        self.open_intake()
        self.page.get_by_label("来电号码").fill("13712345678")
        self.page.get_by_label("咨询", exact=True).check()
        self.page.get_by_label("诉求内容").fill("我想问一下居住证怎么办理,需要带什么材料?")
        first = self.page.locator("#kb-box .kb-hit").first
        expect(first.locator(".kb-title")).to_contain_text("居住证申领流程")
        first.get_by_role("button", name="用此条答复").click()
        expect(self.page.get_by_label("答复内容")).not_to_be_empty()
        self.screenshot("intake-answer")
        self.page.get_by_role("button", name="确定").click()
        expect(self.page.locator("h1 .status")).to_have_text("已办结")
        expect(self.page.get_by_text("依据知识条目 KB-")).to_be_visible()
        order = Order.objects.get()
        self.assertEqual(order.status, Status.CLOSED)
        self.assertEqual(order.close_reason, "answered")
        event = order.events.get(action="answer")
        self.assertTrue(event.data["knowledge"].startswith("KB-"))

    def test_complaint_goes_through_host_review_to_a_unit(self):
        self.open_intake()
        self.page.get_by_label("来电号码").fill("13712345678")
        self.page.get_by_label("投诉", exact=True).check()
        self.page.locator("#category-filter").fill("违法建设")
        self.page.locator("#id_category").select_option(label="违法建设")
        self.page.get_by_label("诉求内容").fill("小区楼顶有人私自加盖彩钢房,多次反映无人处理。")
        expect(self.page.locator("input[name=outcome][value=review]")).to_be_checked()
        self.page.get_by_label("初步意见").fill("属违法建设,建议转城管执法局核查拆除。")
        self.page.get_by_role("button", name="确定").click()
        expect(self.page.locator("h1 .status")).to_have_text("待审核")
        number = Order.objects.get().number

        self.page.get_by_role("button", name="退出").click()
        self.login("reviewer", PASSWORD)
        self.page.goto(self.url("/orders/?list=review"))
        self.page.get_by_role("link", name=number).click()
        self.page.locator("summary", has_text="审核通过").click()
        expect(self.page.locator("#id_review_approve-lead_unit")).to_have_value(str(self.unit_a.pk))
        self.page.get_by_role("button", name="审核通过").click()
        expect(self.page.locator("h1 .status")).to_have_text("待签收")
        order = Order.objects.get()
        self.assertEqual(order.lead_unit, self.unit_a)
        self.assertIsNotNone(order.due_at)

        self.page.get_by_role("button", name="退出").click()
        self.login("urban.handler", PASSWORD)
        self.page.get_by_role("link", name=number).first.click()
        expect(self.page.locator("h1")).to_contain_text(number)

    def test_a_duplicate_call_is_merged_into_the_earlier_order(self):
        earlier = self.dispatched_order(
            caller_phone="13712345678", content="常乐社区停水两天了,一直没人来修。"
        )
        self.open_intake()
        self.page.get_by_label("来电号码").fill("13712345678")
        expect(self.page.locator("#caller-history")).to_contain_text(earlier.number)
        self.page.get_by_label("求助", exact=True).check()
        self.page.get_by_label("诉求内容").fill("还是停水,问问什么时候能修好。")
        related = self.page.locator("#related")
        expect(related).to_contain_text(earlier.number)
        related.get_by_role("button", name="并入此单").click()
        expect(self.page.get_by_label("并入工单编号")).to_have_value(earlier.number)
        self.screenshot("intake-merge")
        self.page.get_by_role("button", name="确定").click()
        expect(self.page.locator("h1 .status")).to_have_text("已并单")
        new = Order.objects.exclude(pk=earlier.pk).get()
        self.assertEqual(new.status, Status.MERGED)
        self.assertEqual(new.merged_into, earlier)

    def test_overriding_the_dispatch_proposal_needs_a_reason(self):
        self.open_intake()
        self.page.get_by_label("求助", exact=True).check()
        self.page.locator("#id_category").select_option(label="违法建设")
        self.page.get_by_label("诉求内容").fill("小区门口有人私搭乱建,堵住消防通道。")
        expect(self.page.locator("#proposal")).to_contain_text("城市管理执法局")
        self.page.locator("#id_lead_unit").select_option(label="杨陵街道办事处")
        self.page.get_by_role("button", name="确定").click()
        expect(self.page.get_by_role("alert").first).to_contain_text("工单尚未登记")
        expect(self.page.get_by_role("alert").filter(has_text="请填写理由")).to_be_visible()
        self.assertFalse(Order.objects.exists())
        expect(self.page.get_by_label("诉求内容")).to_have_value(
            "小区门口有人私搭乱建,堵住消防通道。"
        )
        self.page.get_by_label("不采用派单建议的理由").fill(
            "该处为街道管理的老旧小区,先由属地核实。"
        )
        self.page.get_by_role("button", name="确定").click()
        expect(self.page.locator("h1 .status")).to_have_text("待签收")
        order = Order.objects.get()
        self.assertEqual(order.lead_unit and order.lead_unit.code, "st_yangling")
        self.assertIn("该处为街道管理的老旧小区", order.events.get(action="dispatch").reason)


class PortalBrowserTest(BrowserTestCase):
    def test_resident_submits_on_the_portal_then_follows_the_order(self):
        self.context.close()
        self.context = self.browser.new_context(
            locale="zh-CN", viewport={"width": 390, "height": 844}
        )
        self.page = self.context.new_page()
        self.page.goto(self.url("/portal/"))
        self.page.get_by_role("link", name="我要反映").first.click()
        self.page.get_by_label("求助", exact=True).check()
        self.page.get_by_label("您要反映的事情").fill(
            "渭惠社区路灯坏了一个多星期,晚上出行很不方便。"
        )
        self.page.get_by_label("手机号码").fill("13612345678")
        self.page.get_by_role("button", name="提交").click()
        number = self.page.locator(".number").inner_text().strip()
        self.assertEqual(Order.objects.get().number, number)
        self.screenshot("portal-submitted")

        order = Order.objects.get()
        order = services.order_accept(order=order, actor=self.operator)
        order = services.order_dispatch(order=order, actor=self.operator, lead_unit=self.unit_a)

        self.page.get_by_role("link", name="查询办理结果").first.click()
        self.page.get_by_label("工单编号").fill(number)
        self.page.get_by_label("提交时填写的手机号码").fill("136 1234 5678")
        self.page.get_by_role("button", name="查询").click()
        expect(self.page.locator(".stage")).to_have_text("已转承办单位")
        expect(self.page.get_by_text("路灯坏了")).to_be_visible()
        self.screenshot("portal-follow")
