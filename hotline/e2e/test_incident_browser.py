"""Art. 17: a major-incident call puts a banner on the host reviewer's pages until someone
acknowledges it (issue 11)."""

from playwright.sync_api import expect

from hotline.catalogue.models import MajorIncidentKind, RequestType
from hotline.e2e.browser import BrowserTestCase
from hotline.incidents.models import EventKind, IncidentEvent, IncidentOrder
from hotline.orders.models import Order
from hotline.testing import PASSWORD


class IncidentBannerBrowserTest(BrowserTestCase):
    def test_the_reviewer_sees_the_banner_and_it_goes_on_acknowledgement(self):
        self.create_order(
            major_incident=MajorIncidentKind.objects.get(pk="pollution"),
            content="河道大面积死鱼，水面发黑有刺鼻气味。",
        )
        self.login("reviewer", PASSWORD)
        banner = self.page.get_by_role("alert", name="重大突发事件提醒")
        expect(banner).to_contain_text("环境污染")
        self.page.goto(self.url("/orders/"))
        expect(banner).to_be_visible()
        self.screenshot("incident-banner")
        banner.get_by_role("button", name="确认").click()
        expect(self.page.get_by_text("已确认收到。")).to_be_visible()
        expect(self.page.get_by_role("alert", name="重大突发事件提醒")).to_have_count(0)
        self.assertEqual(self.page.url, self.url("/orders/"))
        event = IncidentEvent.objects.get(kind=EventKind.ACKNOWLEDGED)
        self.assertEqual(event.actor, self.reviewer)


class IncidentIntakeBrowserTest(BrowserTestCase):
    def test_the_operator_links_a_second_call_to_the_open_incident(self):
        first = self.create_order(
            major_incident=MajorIncidentKind.objects.get(pk="pollution"),
            content="河道大面积死鱼，水面发黑有刺鼻气味。",
        )
        incident = IncidentOrder.objects.get(order=first).incident
        self.login("operator", PASSWORD)
        self.page.goto(self.url("/orders/intake/"))
        self.page.get_by_label("来电号码").fill("13712345678")
        self.page.get_by_label(RequestType.objects.get(pk="help").name, exact=True).check()
        self.page.get_by_label("诉求内容").fill("河边死鱼很多，味道很重。")
        self.page.locator("summary", has_text="重大突发事件").click()
        self.page.locator("#id_major_incident").select_option(label="环境污染")
        choice = self.page.get_by_label("关联到此事件", exact=False)
        expect(choice).to_be_visible()
        choice.check()
        self.screenshot("incident-intake-suggestion")
        self.page.get_by_label("仅登记", exact=True).check()
        self.page.get_by_role("button", name="确定").click()
        expect(self.page.locator("h1")).to_be_visible()
        second = Order.objects.exclude(pk=first.pk).get()
        self.assertEqual(IncidentOrder.objects.get(order=second).incident, incident)
