"""In a real browser: a reviewer without a device enrols from the QR page's secret (what a
phone app would compute), lands on the workbench, signs out, and signs in again with a code."""

import base64

from django_otp.oath import TOTP
from playwright.sync_api import expect

from hotline.accounts.models import User
from hotline.e2e.browser import BrowserTestCase
from hotline.testing import PASSWORD


class SignInBrowserTest(BrowserTestCase):
    def test_enrol_from_the_shown_secret_then_sign_in_with_a_code(self):
        User.objects.get(username="reviewer").totpdevice_set.all().delete()
        self.page.goto(self.url("/login/"))
        self.page.get_by_label("用户名").fill("reviewer")
        self.page.get_by_label("密码").fill(PASSWORD)
        self.page.get_by_role("button", name="登录").click()
        expect(self.page.get_by_role("heading", name="绑定动态口令")).to_be_visible()
        expect(self.page.locator("figure.otp-qr svg")).to_be_visible()
        secret = self.page.locator("#otp-secret").inner_text()
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        self.page.get_by_label("6位动态口令").fill(f"{TOTP(key).token():06d}")
        self.page.get_by_role("button", name="完成绑定").click()
        self.page.wait_for_url(self.url("/"))
        self.screenshot("otp-enrolled")
        self.page.get_by_role("button", name="退出").click()
        self.login("reviewer", PASSWORD)  # the helper types the device's next code
        expect(self.page.get_by_role("navigation", name="主导航")).to_be_visible()
