from playwright.sync_api import expect

from hotline.e2e.browser import BrowserTestCase
from hotline.orders.models import Order, Status
from hotline.testing import PASSWORD


class OrderFlowBrowserTest(BrowserTestCase):
    def test_operator_records_and_dispatches_and_unit_signs(self):
        self.login("operator", PASSWORD)
        self.page.get_by_role("link", name="受理来电").click()
        self.page.get_by_label("求助", exact=True).check()
        self.page.locator("#id_category").select_option(label="违法建设")
        self.page.get_by_label("来电号码").fill("13812345678")
        self.page.locator("#id_caller_name").fill("李四")
        self.page.get_by_label("诉求内容").fill("小区门口有人私搭乱建，堵住消防通道。")
        self.page.get_by_label("仅登记").check()
        self.page.get_by_role("button", name="确定").click()
        expect(self.page.get_by_text("已登记工单")).to_be_visible()
        number = Order.objects.get().number
        expect(self.page.locator("h1")).to_contain_text(number)
        expect(self.page.get_by_text("李*")).to_be_visible()
        self.screenshot("order-received")

        self.page.locator("summary", has_text="受理").first.click()
        self.page.get_by_role("button", name="受理", exact=True).click()
        expect(self.page.locator("h1 .status")).to_have_text("待派单")
        self.page.locator("summary", has_text="派单").first.click()
        self.page.get_by_label("主办单位").select_option(label="示范区城市管理执法局")
        self.page.get_by_role("button", name="派单", exact=True).click()
        expect(self.page.locator("h1 .status")).to_have_text("待签收")
        self.assertEqual(Order.objects.get().status, Status.DISPATCHED)

        self.page.get_by_role("button", name="退出").click()
        self.login("urban.handler", PASSWORD)
        self.page.get_by_role("link", name=number).first.click()
        self.page.locator("summary", has_text="签收").click()
        self.page.get_by_role("button", name="签收").click()
        expect(self.page.locator("h1 .status")).to_have_text("办理中")
        self.screenshot("order-in-progress")
        self.assertEqual(Order.objects.get().handler, self.handler_a)
