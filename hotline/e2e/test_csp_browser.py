"""Every main page works under the Content-Security-Policy (issue 13): opened in Chromium as the
roles that use it, with its htmx partials loaded, no page reports a CSP violation (the
`securitypolicyviolation` event and Chromium's console message), the Django admin included."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from hotline.accounts.models import User
from hotline.e2e.browser import BrowserTestCase

pytestmark = pytest.mark.browser

# Recorded before any script of the page runs (an init script is not subject to the policy).
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


class CspBrowserTest(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.console: list[str] = []
        self.context.add_init_script(LISTEN)
        self.page.on(
            "console",
            lambda message: (
                self.console.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        self.failed: list[str] = []
        self.page.on(
            "response",
            lambda response: (
                self.failed.append(f"{response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )

    def sign_in(self, user: User) -> None:
        """A session made on the server, so that this test does not depend on the sign-in
        steps (tested elsewhere)."""
        self.context.clear_cookies()
        client = Client()
        client.force_login(user)
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.live_server_url,
                }
            ]
        )

    def visit(self, user: User | None, path: str) -> None:
        self.console.clear()
        self.failed.clear()
        response = self.page.goto(self.url(path))
        assert response is not None
        self.assertLess(response.status, 400, f"{user} {path}")
        self.assertIn("script-src 'self'", response.headers.get("content-security-policy", ""))
        self.page.wait_for_load_state("networkidle")
        violations = self.page.evaluate("window.__csp")
        self.assertEqual(violations, [], f"{user} {path}")
        self.assertEqual(self.console, [], f"{user} {path}")
        self.assertEqual(self.failed, [], f"{user} {path}")  # every script and style was found

    def test_the_main_pages_of_every_role_raise_no_violation(self):
        order = self.in_progress_order()
        pages = {
            self.operator: [
                "/",
                reverse("orders:intake"),
                reverse("orders:list"),
                reverse("orders:detail", args=[order.number]),
                reverse("callbacks:queue"),
                reverse("callbacks:missed"),
                reverse("knowledge:search") + "?q=路灯",
            ],
            self.handler_a: [
                reverse("orders:unit"),
                reverse("orders:detail", args=[order.number]),
            ],
            self.reviewer: [reverse("stats:dashboard"), reverse("stats:reports")],
            self.supervisor: [reverse("surveys:list")],
            self.auditor: [reverse("audit:trail")],
            self.sysadmin: [
                reverse("admin:index"),
                reverse("admin:accounts_user_changelist"),
                reverse("admin:accounts_user_add"),
                reverse("admin:accounts_user_change", args=[self.operator.pk]),
            ],
        }
        for user, paths in pages.items():
            self.sign_in(user)
            for path in paths:
                self.visit(user, path)

    def test_the_portal_raises_no_violation(self):
        for path in ("/portal/", "/portal/submit/", "/portal/track/", "/login/", "/public/"):
            self.visit(None, path)

    def test_the_intake_screen_works_its_partials_without_violation(self):
        self.create_order(caller_phone="13812345678")
        self.sign_in(self.operator)
        self.visit(self.operator, reverse("orders:intake"))
        self.page.locator("#id_caller_phone").fill("13812345678")
        self.page.locator("#id_content").fill("小区路灯不亮了")
        self.page.locator("#id_content").blur()
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_timeout(500)
        self.assertEqual(self.page.evaluate("window.__csp"), [])
        self.assertEqual(self.console, [])

    def test_revealing_the_caller_shows_a_page_that_is_not_stored_and_raises_no_violation(self):
        order = self.create_order()
        self.sign_in(self.operator)
        self.visit(self.operator, reverse("orders:detail", args=[order.number]))
        self.page.locator("details.reveal summary").click()
        self.page.locator("details.reveal textarea, details.reveal input[type=text]").first.fill(
            "来电人要求回电，核对号码"
        )
        with self.page.expect_response(lambda r: "/reveal/" in r.url) as revealed:
            self.page.locator("details.reveal button").click()
        self.assertIn("no-store", revealed.value.headers["cache-control"])
        self.page.wait_for_load_state("networkidle")
        self.assertIn("13812345678", self.page.content())
        self.assertEqual(self.page.evaluate("window.__csp"), [])
        self.assertEqual(self.console, [])

    def test_the_listener_sees_a_violation(self):
        # The check itself: an inline script on one of our pages is reported.
        self.visit(None, "/login/")
        self.page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = '1'; document.body.append(s); }"
        )
        self.page.wait_for_timeout(200)
        self.assertTrue(self.page.evaluate("window.__csp"))
