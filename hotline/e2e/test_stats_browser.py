"""The statistics dashboard in a real browser: its charts are drawn (server-side SVG, no
network) and a figure opens on the orders behind it (issue 12)."""

from playwright.sync_api import expect

from hotline.e2e.browser import BrowserTestCase
from hotline.orders import services
from hotline.testing import PASSWORD


class DashboardBrowserTest(BrowserTestCase):
    def test_the_dashboard_draws_its_charts_and_a_figure_links_to_its_orders(self):
        complaint = self.dispatched_order(request_type="complaint")
        self.dispatched_order()
        consult = self.create_order(request_type="consult", category=None)
        services.order_answer(order=consult, actor=self.operator, answer="按政策解答。")
        requests = []
        self.page.on("request", lambda request: requests.append(request.url))
        self.login("reviewer", PASSWORD)
        self.page.goto(self.url("/stats/"))
        expect(self.page.get_by_role("heading", name="热线运行统计")).to_be_visible()
        trend = self.page.get_by_role("img", name="每日受理诉求")
        expect(trend).to_be_visible()
        self.assertGreater(trend.locator("rect").count(), 0)
        by_type = self.page.get_by_role("img", name="按诉求类型")
        expect(by_type).to_be_visible()
        self.assertEqual(by_type.locator("rect").count(), 3)
        box = trend.bounding_box()
        assert box is not None
        self.assertGreater(box["width"], 300)
        self.screenshot("stats-dashboard")
        # Every request went to the platform itself: no CDN, no outside asset.
        self.assertTrue(all(url.startswith(self.live_server_url) for url in requests), requests)

        tile = self.page.locator(".stat-tile[data-figure=received]")
        expect(tile.locator(".stat-value")).to_have_text("3")
        tile.locator("a.stat-value").click()
        expect(self.page.get_by_role("heading", name="诉求受理量")).to_be_visible()
        rows = self.page.locator("table.grid tbody tr")
        expect(rows).to_have_count(3)
        expect(self.page.get_by_role("link", name=complaint.number)).to_be_visible()
        self.screenshot("stats-figure-orders")

        self.page.goto(self.url("/stats/"))
        self.page.get_by_role("img", name="按诉求类型").locator("a").first.click()
        expect(self.page.locator("table.grid tbody tr")).to_have_count(1)
