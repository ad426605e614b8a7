"""Closing the loop in a real browser (Art. 16): reply check, the caller's rating from the
SMS link, the callback and the reopen."""

import re

from playwright.sync_api import expect

from hotline.e2e.browser import BrowserTestCase
from hotline.notifications.models import Notification
from hotline.orders import services
from hotline.orders.models import Order, Status
from hotline.testing import PASSWORD


class ClosingBrowserTest(BrowserTestCase):
    def replied_order(self) -> Order:
        order = self.in_progress_order(caller_phone="13612345678")
        order = services.order_reply(
            order=order, actor=self.handler_a, text="已安排人员到现场拆除违建。"
        )
        return services.order_decide_reply(order=order, actor=self.manager_a, approve=True)

    def test_reply_is_accepted_and_the_caller_rates_it_from_the_sms_link(self):
        order = self.replied_order()
        self.login("operator", PASSWORD)
        self.page.goto(self.url(f"/orders/{order.number}/"))
        self.page.locator("summary", has_text="答复审查通过").click()
        self.page.get_by_role("button", name="答复审查通过").click()
        expect(self.page.locator("h1 .status")).to_have_text("待回访")

        sms = Notification.objects.get(order=order, kind="feedback")
        path = re.search(r"/portal/r/[^/\s]+/", sms.body)
        self.assertIsNotNone(path)
        phone = self.browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = phone.new_page()
        page.goto(self.url(path.group(0)))  # type: ignore[union-attr]
        expect(page.get_by_text("已安排人员到现场拆除违建")).to_be_visible()
        page.get_by_label("满意", exact=True).check()
        page.get_by_role("button", name="提交评价").click()
        expect(page.get_by_text("感谢您的评价")).to_be_visible()
        page.screenshot(
            path=str(self.screenshot("closing-operator").parent / "closing-rated.png"),
            full_page=True,
        )
        phone.close()
        order.refresh_from_db()
        self.assertEqual((order.status, order.satisfaction), (Status.CLOSED, "satisfied"))

    def test_unsatisfied_callback_leads_to_a_reopen_and_a_second_reply(self):
        order = services.order_check_reply(
            order=self.replied_order(), actor=self.operator, accept=True
        )
        self.login("operator", PASSWORD)
        self.page.get_by_role("link", name="回访", exact=True).click()
        self.page.get_by_role("link", name=order.number).click()
        expect(self.page.get_by_text("13612345678")).not_to_be_visible()
        self.page.get_by_role("button", name="显示号码并回访（将记入审计）").click()
        expect(self.page.get_by_text("13612345678")).to_be_visible()
        self.page.get_by_label("不满意", exact=True).check()
        self.page.get_by_label("来电人的话").fill("违建只拆了一半，还有一半没动。")
        self.page.get_by_role("button", name="已接通，记录满意度").click()
        expect(self.page.get_by_text("已记录回访结果")).to_be_visible()
        order.refresh_from_db()
        self.assertEqual(order.status, Status.UNSATISFIED)

        self.page.get_by_role("button", name="退出").click()
        self.login("reviewer", PASSWORD)
        self.page.goto(self.url("/orders/?list=unsatisfied"))
        self.page.get_by_role("link", name=order.number).click()
        self.page.locator("summary", has_text="重办").click()
        self.page.get_by_label("重办理由").fill("来电人反映违建仅拆除一半，请彻底整改。")
        self.page.get_by_role("button", name="重办").click()
        expect(self.page.locator("h1 .status")).to_have_text("办理中")

        self.page.get_by_role("button", name="退出").click()
        self.login("urban.handler", PASSWORD)
        self.page.goto(self.url(f"/orders/{order.number}/"))
        self.page.locator("summary", has_text="提交答复").click()
        self.page.get_by_label("答复内容").fill("已对剩余部分全部拆除，并拍照留存。")
        self.page.get_by_role("button", name="提交答复").click()
        expect(self.page.locator("h1 .status")).to_have_text("答复待审批")
        order.refresh_from_db()
        self.assertEqual((order.reopen_count, order.replies.count()), (1, 2))
        self.screenshot("closing-second-reply")
