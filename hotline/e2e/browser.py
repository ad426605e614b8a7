"""Browser tests drive the operating system's Chromium through Playwright (never a
downloaded browser). Where no Chromium is installed they are skipped, unless
HOTLINE_REQUIRE_BROWSER is set (as in CI), where that is a failure."""

import os
import shutil
import unittest
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from hotline.accounts.models import User
from hotline.testing import Personas, otp_device, otp_next_code, restore_migration_data

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# test itself (building data) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("HOTLINE_TEST_ARTIFACTS", "test-artifacts"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


class BrowserTestCase(Personas, StaticLiveServerTestCase):
    _playwright: Any
    browser: Any

    """A live server and one headless Chromium page per test, with the personas of
    `hotline.testing` made anew for each test (the database is emptied after each)."""

    @classmethod
    def setUpClass(cls) -> None:
        if not browser_available():
            if os.environ.get("HOTLINE_REQUIRE_BROWSER"):
                raise RuntimeError(
                    f"Chromium is required for browser tests but {CHROMIUM} is missing"
                )
            raise unittest.SkipTest(f"no Chromium at {CHROMIUM}")
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls._playwright = sync_playwright().start()
        cls.browser = cls._playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls) -> None:
        if hasattr(cls, "browser"):
            cls.browser.close()
            cls._playwright.stop()
        super().tearDownClass()
        restore_migration_data()  # the flush after the last test emptied them

    def setUp(self) -> None:
        super().setUp()
        restore_migration_data()
        self.create_personas()
        self.context = self.browser.new_context(
            locale="zh-CN", viewport={"width": 1366, "height": 860}
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)

    def tearDown(self) -> None:
        self.context.close()
        super().tearDown()

    def url(self, path: str) -> str:
        return f"{self.live_server_url}{path}"

    def login(self, username: str, password: str) -> None:
        """Sign in through the pages; an account with a second factor then types the code its
        (test) device shows, as a person would from their phone."""
        user = User.objects.get(username=username)
        if user.needs_second_factor:
            otp_device(user)  # enrolled already, as the personas would be
        self.page.goto(self.url("/login/"))
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(password)
        self.page.get_by_role("button", name="登录").click()
        if user.needs_second_factor:
            self.page.wait_for_url(lambda url: "/otp/" in url)
            self.page.get_by_label("6位动态口令").fill(otp_next_code(user))
            self.page.get_by_role("button", name="验证").click()
        self.page.wait_for_url(self.url("/"))

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
