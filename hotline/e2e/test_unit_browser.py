"""The unit workbench in a real browser: a handler signs from the unit
inbox and replies, the manager approves and the operator accepts; a complaint's extension is
requested and approved; a wrong dispatch is returned, upheld and lands in the new unit's inbox.

The extension case stands in March 2030, beyond the holiday calendar, where only weekends are
days off (March has no public holiday in China): dispatched Mon 4 Mar, the complaint's five
working days end Mon 11 Mar; the extension's five more end Mon 18 Mar.
"""

import re

from playwright.sync_api import expect

from hotline.clock import frozen_at
from hotline.e2e.browser import BrowserTestCase
from hotline.orders.models import Order, Reply, Status
from hotline.testing import PASSWORD, aware


def exactly(text: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


class UnitBrowserTest(BrowserTestCase):
    def sign_in_as(self, username: str) -> None:
        if self.page.get_by_role("button", name="退出").count():
            self.page.get_by_role("button", name="退出").click()
        self.login(username, PASSWORD)

    def open_unit_inbox(self, tab: str = "") -> None:
        self.page.get_by_role("link", name="单位工作台").click()
        expect(self.page.get_by_role("heading", name=re.compile("单位工作台"))).to_be_visible()
        if tab:
            self.page.get_by_role("navigation", name="单位队列").get_by_role(
                "link", name=tab
            ).click()
            expect(self.page.locator(".worklists a.active")).to_have_text(tab)

    def open_action(self, action: str) -> None:
        self.page.locator("summary", has_text=exactly(action)).click()

    def form(self, action: str):
        return self.page.locator(f"form[action$='/act/{action}/']")

    def expect_status(self, label: str) -> None:
        expect(self.page.locator("h1 .status")).to_have_text(label)

    def due_shown(self):
        return self.page.locator("dt:text-is('办理期限') + dd")

    def test_handler_signs_and_replies_manager_approves_operator_accepts(self):
        order = self.dispatched_order(content="常乐社区路灯坏了一个多星期，晚上出行不便。")

        self.login("urban.handler", PASSWORD)
        self.open_unit_inbox()
        expect(self.page.locator(".worklists a.active")).to_have_text("待签收")
        row = self.page.locator("table.grid tbody tr", has_text=order.number)
        expect(row).to_contain_text("待签收")
        expect(row.locator("td").last).to_contain_text(re.compile(r"还剩 \d+ 个工作日 \d+ 小时"))
        self.screenshot("unit-inbox")
        row.get_by_role("link", name=order.number).click()

        self.open_action("签收")
        self.form("sign").get_by_role("button", name="签收").click()
        self.expect_status("办理中")
        self.open_action("提交答复")
        self.form("reply").get_by_label("答复内容").fill("已更换路灯灯头，现已恢复照明。")
        self.form("reply").get_by_role("button", name="提交答复").click()
        self.expect_status("答复待审批")
        order = self.reload(order)
        self.assertEqual(order.handler, self.handler_a)
        self.assertIsNotNone(order.signed_at)

        self.sign_in_as("urban.manager")
        self.open_unit_inbox("答复待审批")
        self.page.get_by_role("link", name=order.number).click()
        expect(self.page.get_by_text("已更换路灯灯头，现已恢复照明。")).to_be_visible()
        self.open_action("审批通过答复")
        self.form("reply_approved").get_by_role("button", name="审批通过答复").click()
        self.expect_status("答复待审查")
        self.screenshot("unit-order-approved")

        self.sign_in_as("operator")
        self.page.goto(self.url(f"/orders/{order.number}/"))
        self.open_action("答复审查通过")
        self.form("reply_accepted").get_by_role("button", name="答复审查通过").click()
        self.expect_status("待回访")

        order = self.reload(order)
        self.assertEqual(order.status, Status.CALLBACK)
        reply = order.replies.get()
        self.assertEqual(
            (reply.state, reply.author, reply.approved_by, reply.checked_by),
            (Reply.State.ACCEPTED, self.handler_a, self.manager_a, self.operator),
        )

    def test_complaint_extension_requested_and_approved_moves_the_due_date(self):
        with frozen_at(aware("2030-03-04 10:00")):
            order = self.in_progress_order(request_type="complaint")
        self.assertEqual(order.due_at, aware("2030-03-12 00:00"))

        self.login("urban.handler", PASSWORD)
        self.open_unit_inbox("办理中")
        self.page.get_by_role("link", name=order.number).click()
        expect(self.due_shown()).to_have_text("2030-03-11 24:00（5 个工作日）")
        self.open_action("申请延期")
        self.form("extension_request").get_by_label("延期理由").fill(
            "需委托第三方检测机构出具报告。"
        )
        self.form("extension_request").get_by_role("button", name="申请延期").click()
        expect(self.page.locator(".flags")).to_contain_text("延期申请中")
        expect(self.due_shown()).to_contain_text("2030-03-11 24:00")
        self.screenshot("unit-order-extension-requested")

        self.sign_in_as("reviewer")
        self.page.goto(self.url(f"/orders/{order.number}/"))
        self.open_action("批准延期")
        self.form("extension_approved").get_by_label("审批意见").fill("同意延期。")
        self.form("extension_approved").get_by_role("button", name="批准延期").click()
        expect(self.page.locator(".flags")).to_contain_text("已延期")
        expect(self.due_shown()).to_contain_text("2030-03-18 24:00")

        self.sign_in_as("urban.handler")
        self.page.goto(self.url(f"/orders/{order.number}/"))
        expect(self.due_shown()).to_contain_text("2030-03-18 24:00")
        # Once is all: no second application is offered.
        expect(self.page.locator("summary", has_text=exactly("申请延期"))).to_have_count(0)
        order = self.reload(order)
        self.assertEqual(order.due_at, aware("2030-03-19 00:00"))
        self.assertEqual((order.extension_status, order.extension_count), ("approved", 1))

    def test_wrong_dispatch_is_returned_upheld_and_reaches_the_new_unit(self):
        order = self.dispatched_order(category="urban.02", content="超市出售过期食品，要求查处。")
        first_dispatch = order.dispatched_at

        self.login("urban.handler", PASSWORD)
        self.open_unit_inbox()
        self.page.get_by_role("link", name=order.number).click()
        self.open_action("退单")
        form = self.form("return")
        form.get_by_label("退单理由").fill("属食品安全监管，不属城管职责。")
        form.get_by_label("建议承办单位").select_option(label=self.unit_b.name)
        form.get_by_role("button", name="退单").click()
        self.expect_status("退单审核")

        self.sign_in_as("lead")
        self.page.goto(self.url(f"/orders/{order.number}/"))
        self.open_action("同意退单")
        form = self.form("return_upheld")
        # The unit the returning unit suggested is proposed.
        expect(form.get_by_label("主办单位")).to_have_value(str(self.unit_b.pk))
        form.get_by_label("审核意见").fill("同意，改派市场监管局。")
        form.get_by_role("button", name="同意退单").click()
        self.expect_status("待签收")
        expect(self.page.locator("dt:text-is('主办单位') + dd")).to_contain_text(self.unit_b.name)

        self.sign_in_as("market.handler")
        self.open_unit_inbox()
        expect(self.page.locator(".worklists a.active")).to_have_text("待签收")
        row = self.page.locator("table.grid tbody tr", has_text=order.number)
        expect(row).to_contain_text("待签收")
        self.screenshot("unit-inbox-new-unit")

        order = self.reload(order)
        self.assertEqual((order.status, order.lead_unit), (Status.DISPATCHED, self.unit_b))
        self.assertIsNone(order.handler)
        assert order.dispatched_at is not None and first_dispatch is not None
        self.assertGreater(order.dispatched_at, first_dispatch)
        # The old unit no longer finds it.
        self.sign_in_as("urban.handler")
        self.open_unit_inbox()
        expect(self.page.locator("table.grid")).not_to_contain_text(order.number)
        self.assertEqual(Order.objects.count(), 1)
