"""The 110 linkage on the operator's screen (issue 11): a gas leak names 110 and 119 as the
lines to guide the caller to, and its message to 110 turns acknowledged on the order page
without a reload, with the 110 case number."""

import threading

from django.conf import settings
from django.test import override_settings
from playwright.sync_api import expect

from hotline.e2e.browser import BrowserTestCase
from hotline.linkage.models import LinkageMessage
from hotline.linkage.simulator import Desk110
from hotline.linkage.tasks import deliver_linkage_message
from hotline.orders.models import Order
from hotline.testing import PASSWORD


class GasLeakBrowserTest(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.desk = Desk110(
            ("127.0.0.1", 0),
            secret=settings.HOTLINE_LINKAGE_110_SECRET,
            target=self.live_server_url,
            follow_up=0.5,
        )
        threading.Thread(target=self.desk.serve_forever, daemon=True).start()

    def tearDown(self) -> None:
        self.desk.shutdown()
        self.desk.server_close()
        super().tearDown()

    def test_a_gas_leak_is_guided_to_110_and_119_and_acknowledged_by_110(self):
        self.login("operator", PASSWORD)
        self.page.goto(self.url("/orders/intake/"))
        self.page.get_by_label("来电号码").fill("13712345678")
        self.page.get_by_label("紧急求助", exact=True).check()
        self.page.locator("#id_emergency_situation").select_option(value="public_facility")
        guide = self.page.locator("#rescue-guide")
        expect(guide).to_have_text("请引导来电人拨打：110、119")
        expect(self.page.get_by_label("110 公安报警")).to_be_checked()
        expect(self.page.get_by_label("119 消防救援")).to_be_checked()
        expect(self.page.get_by_label("120 医疗急救")).not_to_be_checked()
        self.page.get_by_label("诉求内容").fill("常乐小区3号楼闻到很浓的煤气味，有人头晕。")
        self.page.locator("#id_category").select_option(index=1)
        self.page.get_by_label("详细地址").fill("常乐小区3号楼")
        self.page.wait_for_load_state("networkidle")
        self.page.get_by_role("button", name="确定").click()
        panel = self.page.locator("#linkage-panel")
        expect(panel).to_contain_text("待发送")
        expect(self.page.get_by_text("应引导拨打 110、119")).to_be_visible()
        self.screenshot("linkage-queued")

        # The task worker's turn: it delivers the transfer to the simulated 110 desk.
        message = LinkageMessage.objects.transfers_of(Order.objects.get()).get()
        with override_settings(HOTLINE_LINKAGE_110_URL=self.desk.url):
            self.assertEqual(deliver_linkage_message.call(message.pk), "acknowledged")
        expect(panel).to_contain_text("110已确认", timeout=10_000)
        expect(panel).to_contain_text("110-")
        self.screenshot("linkage-acknowledged")
