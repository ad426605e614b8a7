"""What the first trial found, walked in a real browser (issue 10, items 1, 2, 6 and 7)."""

import re

from playwright.sync_api import expect

from hotline.e2e.browser import BrowserTestCase
from hotline.orders import services
from hotline.orders.models import Order, Status
from hotline.testing import PASSWORD

CALLER_B = "13900001111"


class MergedCallerBrowserTest(BrowserTestCase):
    """Item 1: the caller of a merged request reads the result and rates it; the orders point
    at each other."""

    def test_the_merged_caller_rates_and_the_orders_link_both_ways(self):
        main = self.in_progress_order()
        b = self.create_order(caller_phone=CALLER_B, content="同一处违建，我也来反映。")
        services.order_merge(order=b, into=main, actor=self.operator)
        order = services.order_reply(order=main, actor=self.handler_a, text="违法建设已拆除完毕。")
        order = services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
        services.order_check_reply(order=order, actor=self.operator, accept=True)

        self.page.goto(self.url("/portal/track/"))
        self.page.get_by_label("工单编号").fill(b.number)
        self.page.get_by_label("提交时填写的手机号码").fill(CALLER_B)
        self.page.get_by_role("button", name="查询").click()
        expect(self.page.get_by_text("违法建设已拆除完毕")).to_be_visible()
        self.page.get_by_label("满意", exact=True).check()
        self.screenshot("trial-merged-caller-rates")
        self.page.get_by_role("button", name="提交评价").first.click()
        expect(self.page.get_by_text("感谢")).to_be_visible()
        self.assertEqual(Order.objects.get(pk=b.pk).status, Status.CLOSED)

        self.login("operator", PASSWORD)
        self.page.goto(self.url(f"/orders/{main.number}/"))
        connections = self.page.locator(".connections")
        expect(connections).to_contain_text("并入本单")
        connections.get_by_role("link", name=b.number).click()
        expect(self.page.locator("h1")).to_contain_text(b.number)
        self.page.locator(".connections").get_by_role("link", name=main.number).click()
        expect(self.page.locator("h1")).to_contain_text(main.number)
        self.screenshot("trial-merged-main-order")


class ConfidentialTrackerBrowserTest(BrowserTestCase):
    """Item 2: a confidential portal request reaches the lead, who names its tracker."""

    def test_the_lead_assigns_a_tracker_to_a_confidential_portal_request(self):
        self.page.goto(self.url("/portal/submit/"))
        self.page.get_by_label("举报", exact=True).check()
        self.page.get_by_label("您要反映的事情").fill("举报某单位工作人员吃拿卡要，请为我保密。")
        self.page.get_by_label("手机号码").fill("13612345678")
        self.page.get_by_label("请为我保密").check()
        self.page.get_by_role("button", name="提交").click()
        number = self.page.locator(".number").inner_text().strip()

        self.login("lead", PASSWORD)
        self.page.get_by_role("link", name=re.compile("保密工单待指派跟踪人")).click()
        self.page.get_by_role("link", name=number).click()
        self.page.locator("summary", has_text="指派跟踪人").click()
        expect(self.page.get_by_text("尚未指派")).to_be_visible()
        self.page.locator("#id_assign_tracker-tracker").select_option(label="operator")
        self.screenshot("trial-assign-tracker")
        self.page.get_by_role("button", name="指派跟踪人").click()
        # The lead no longer sees the order it handed on: back to the list, told why.
        expect(self.page.get_by_text(f"工单 {number} 已不在您的查看范围内")).to_be_visible()
        self.assertEqual(Order.objects.get(number=number).tracker, self.operator)
        self.page.get_by_role("button", name="退出").click()
        self.login("operator", PASSWORD)
        self.page.goto(self.url(f"/orders/{number}/"))
        expect(self.page.locator(".timeline")).to_contain_text("指派跟踪人")


class IntakeTrialBrowserTest(BrowserTestCase):
    """Items 6 and 7: the operator's intake screen."""

    def open_intake(self) -> None:
        self.login("operator", PASSWORD)
        self.page.goto(self.url("/orders/intake/"))
        expect(self.page.get_by_role("heading", name="受理来电")).to_be_visible()

    def test_a_refused_dispatch_stays_explained_after_the_proposal_refreshes(self):
        self.open_intake()
        self.page.get_by_label("求助", exact=True).check()
        self.page.get_by_label("诉求内容").fill("路灯坏了。")
        self.page.get_by_role("button", name="确定").click()
        # The page shown again refreshes the proposal at once; the reason must survive it.
        self.page.wait_for_load_state("networkidle")
        expect(self.page.get_by_text("请选择主办单位")).to_be_visible()
        self.assertFalse(Order.objects.exists())

    def test_enter_in_a_field_does_not_submit_but_the_button_does(self):
        self.open_intake()
        self.page.get_by_label("来电号码").fill("13712345678")
        self.page.get_by_label("求助", exact=True).check()
        self.page.locator("#id_category").select_option(label="违法建设")
        self.page.get_by_label("诉求内容").fill("小区门口有人私搭乱建。")
        expect(self.page.locator("#proposal")).to_contain_text("城市管理执法局")
        for field in ("详细地址", "来电号码", "姓名"):
            self.page.get_by_label(field).press("Enter")
        self.page.wait_for_timeout(500)
        self.assertFalse(Order.objects.exists())
        expect(self.page).to_have_url(self.url("/orders/intake/"))
        self.page.get_by_role("button", name="确定").click()
        expect(self.page.locator("h1 .status")).to_have_text("待签收")

    def test_choosing_an_emergency_opens_the_block_and_asks_for_situation_and_lines(self):
        self.open_intake()
        block = self.page.locator("#emergency-block")
        expect(block).not_to_have_attribute("open", "")
        self.page.get_by_label("紧急求助", exact=True).check()
        expect(block).to_have_attribute("open", "")
        expect(self.page.locator("#id_emergency_situation")).to_be_focused()
        self.page.get_by_label("诉求内容").fill("小区里闻到很浓的煤气味。")
        self.page.locator("#id_category").select_option(index=1)
        self.page.get_by_role("button", name="确定").click()
        expect(self.page.get_by_text("紧急求助须选择紧急联动情形")).to_be_visible()
        expect(self.page.get_by_text("请勾选已引导来电人拨打的救援热线")).to_be_visible()
        self.screenshot("trial-emergency-refused")
        self.assertFalse(Order.objects.exists())

    def test_the_unit_field_stays_for_a_review(self):
        self.open_intake()
        self.page.get_by_label("投诉", exact=True).check()
        expect(self.page.locator("input[name=outcome][value=review]")).to_be_checked()
        expect(self.page.locator("#id_lead_unit")).to_be_visible()
        expect(self.page.get_by_label("初步意见")).to_be_visible()


class ErrorPagesBrowserTest(BrowserTestCase):
    """Item 13: errors are Chinese pages with the site's navigation, in the browser too."""

    def test_a_missing_order_is_a_chinese_page_with_the_staff_navigation(self):
        self.login("operator", PASSWORD)
        response = self.page.goto(self.url("/orders/YL2099010100001/"))
        assert response is not None
        self.assertEqual(response.status, 404)
        expect(self.page.get_by_role("heading", name="页面不存在")).to_be_visible()
        expect(self.page.get_by_text("工单不存在或无权查看")).to_be_visible()
        nav = self.page.get_by_role("navigation", name="主导航")
        expect(nav).to_be_visible()
        self.screenshot("trial-404-staff")
        nav.get_by_role("link", name="工作台").click()
        expect(self.page.get_by_role("heading", name="工作台")).to_be_visible()

    def test_a_unit_refused_a_page_reads_why_in_chinese(self):
        self.login("urban.handler", PASSWORD)
        response = self.page.goto(self.url("/orders/intake/"))
        assert response is not None
        self.assertEqual(response.status, 404)
        expect(self.page.get_by_text("无权使用受理界面")).to_be_visible()
        expect(self.page.get_by_text("Not Found")).to_have_count(0)

    def test_a_residents_missing_page_keeps_the_portal_layout(self):
        response = self.page.goto(self.url("/portal/order/YL2099010100001/"))
        assert response is not None
        self.assertEqual(response.status, 404)
        expect(self.page.get_by_role("link", name="我要反映").first).to_be_visible()
        expect(self.page.get_by_role("navigation", name="主导航")).to_have_count(0)
        self.screenshot("trial-404-resident")
