"""Long text in a real browser (issue 10, item 5): a paste is never cut by the browser, a live
counter shows the limit, the server refuses what is too long; and long unbroken text (a
pasted URL, "AAAA…") wraps on every page, so the order page's action panel stays on screen
at 1366×768 and 1920×1080."""

import re
from typing import Any

from playwright.sync_api import expect

from hotline.core.text import MAX_REASON, MAX_TEXT, MAX_TITLE
from hotline.e2e.browser import ARTIFACTS, BrowserTestCase
from hotline.orders import services
from hotline.orders.models import Order
from hotline.portal.links import portal_token
from hotline.testing import PASSWORD

URL = "https://www.example.gov.cn/zwgk/tzgg/" + "x" * 150 + "?id=1"  # 193 characters
AAAA = "A" * 3000
SCREENS = ({"width": 1366, "height": 768}, {"width": 1920, "height": 1080})


class LongTextLayoutTest(BrowserTestCase):
    def long_order(self, **kwargs: Any) -> Order:
        """An order whose every text shown on its page is long and unbroken."""
        order = self.in_progress_order(
            content=f"{URL}\n{AAAA}", title="T" * MAX_TITLE, address="B" * 200, **kwargs
        )
        services.order_add_note(order=order, actor=self.handler_a, text=f"{URL} {AAAA}")
        order = services.order_urge(order=self.reload(order), actor=self.operator, note=URL)
        return order

    def viewport_shot(self, name: str) -> None:
        """The screen as the user sees it (a full-page shot of a page this tall is slow)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def assert_on_screen(self, what: str) -> None:
        """Nothing is wider than the window: no horizontal scrolling, and the action panel
        (where there is one) lies inside the viewport."""
        width = self.page.viewport_size["width"]
        scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(scroll_width, width, f"{what}: page is {scroll_width}px wide")
        panel = self.page.locator("section[aria-labelledby=h-actions]")
        if panel.count():
            box = panel.bounding_box()
            assert box is not None
            self.assertGreaterEqual(box["x"], 0, what)
            self.assertLessEqual(box["x"] + box["width"], width, f"{what}: action panel {box}")
            self.assertGreater(box["width"], 250, f"{what}: action panel squeezed {box}")

    def test_the_action_panel_stays_on_screen_with_long_unbroken_text(self):
        order = self.long_order()
        services.order_return(
            order=self.reload(order), actor=self.handler_a, reason=URL + AAAA[:1500]
        )
        for user in ("operator", "urban.handler"):
            if self.page.get_by_role("button", name="退出").count():
                self.page.get_by_role("button", name="退出").click()
            self.login(user, PASSWORD)
            for screen in SCREENS:
                with self.subTest(user=user, screen=screen):
                    self.page.set_viewport_size(screen)
                    self.page.goto(self.url(f"/orders/{order.number}/"))
                    expect(
                        self.page.get_by_role("heading", name="办理", exact=True)
                    ).to_be_visible()
                    self.assert_on_screen(f"order page for {user} at {screen}")
                    self.viewport_shot(f"long-text-order-{user}-{screen['width']}")

    def test_unit_view_and_lists_wrap_long_titles(self):
        order = self.long_order()
        self.login("urban.handler", PASSWORD)
        for screen in SCREENS:
            self.page.set_viewport_size(screen)
            for path in (f"/orders/{order.number}/", "/orders/unit/?tab=doing", "/orders/"):
                with self.subTest(path=path, screen=screen):
                    self.page.goto(self.url(path))
                    self.assert_on_screen(f"{path} at {screen}")
            # An order number stays whole in the list while the long title wraps.
            row = self.page.locator("table.grid tbody tr", has_text=order.number)
            link = row.get_by_role("link", name=order.number)
            box = link.bounding_box()
            assert box is not None
            height = box["height"]
            self.assertLess(height, 30, "the order number was broken over lines")

    def test_callback_page_and_portal_order_page_wrap_long_text(self):
        order = self.reply_checked_order(content=f"{URL}\n{AAAA}")
        self.login("operator", PASSWORD)
        for screen in SCREENS:
            with self.subTest(page="callback", screen=screen):
                self.page.set_viewport_size(screen)
                self.page.goto(self.url(f"/callbacks/{order.number}/"))
                expect(self.page.get_by_role("heading", name="回访结果")).to_be_visible()
                self.assert_on_screen(f"callback page at {screen}")
        self.viewport_shot("long-text-callback")
        for screen in ({"width": 390, "height": 844}, *SCREENS):
            with self.subTest(page="portal", screen=screen):
                self.page.set_viewport_size(screen)
                self.page.goto(self.url(f"/portal/r/{portal_token(order)}/"))
                expect(self.page.get_by_role("heading", name="您反映的内容")).to_be_visible()
                self.assert_on_screen(f"portal order page at {screen}")
        self.viewport_shot("long-text-portal-order")


class TextLimitBrowserTest(BrowserTestCase):
    def counter(self, field: Any) -> Any:
        return self.page.locator(f"#{field.get_attribute('id')}-count .count")

    def test_a_pasted_20000_characters_are_kept_counted_and_refused_with_a_message(self):
        self.page.goto(self.url("/portal/submit/"))
        content = self.page.get_by_label("您要反映的事情")
        expect(self.counter(content)).to_have_text(f"0 / {MAX_TEXT}")
        paste = "反映" * 10_000
        content.fill(paste)
        self.assertEqual(content.evaluate("e => e.value.length"), 20_000)  # not cut
        expect(self.counter(content)).to_contain_text(f"20000 / {MAX_TEXT}，超出 16000 个字")
        expect(self.page.locator("#id_content-count")).to_have_class(re.compile("over"))
        self.page.get_by_label("咨询").check()
        self.page.get_by_label("手机号码").fill("13912345678")
        self.page.get_by_role("button", name=re.compile("提交")).click()
        expect(self.page.locator("p.error")).to_have_text(
            f"不能超过 {MAX_TEXT} 个字（现在 20000 个字），请删减后再提交。"
        )
        content = self.page.get_by_label("您要反映的事情")
        self.assertEqual(content.evaluate("e => e.value.length"), 20_000)  # kept to shorten
        self.assertFalse(Order.objects.exists())
        self.screenshot("long-text-portal-refused")

    def test_the_order_page_counter_follows_typing_and_counts_a_line_break_once(self):
        order = self.in_progress_order()
        self.login("urban.handler", PASSWORD)
        self.page.goto(self.url(f"/orders/{order.number}/"))
        self.page.locator("summary", has_text="退单").first.click()
        reason = self.page.locator("form[action$='/act/return/'] textarea")
        expect(self.counter(reason)).to_have_text(f"0 / {MAX_REASON}")
        reason.fill("不属于本单位职责")
        expect(self.counter(reason)).to_have_text(f"8 / {MAX_REASON}")
        reason.fill("第一行\n第二行")
        expect(self.counter(reason)).to_have_text(f"7 / {MAX_REASON}")  # a line break is one

    def test_intake_fields_get_the_counter_and_are_not_cut(self):
        """The intake form still renders the browser's maxlength; the site script turns it
        into the counter so that a paste is kept (and the server refuses it)."""
        self.login("operator", PASSWORD)
        self.page.goto(self.url("/orders/intake/"))
        content = self.page.locator("textarea[name=content]")
        self.assertIsNone(content.get_attribute("maxlength"))
        content.fill("A" * 20_000)
        self.assertEqual(content.evaluate("e => e.value.length"), 20_000)
        expect(self.counter(content)).to_contain_text(f"20000 / {MAX_TEXT}，超出")
        self.page.wait_for_load_state("networkidle")  # the screen's own look-ups are done
