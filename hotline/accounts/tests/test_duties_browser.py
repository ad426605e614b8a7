"""In a real browser: the security administrator gives an operator the lead's role in the
admin, the auditor finds the change on the audit page; five wrong passwords end on the Chinese
lock page."""

from playwright.sync_api import expect

from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.e2e.browser import BrowserTestCase
from hotline.testing import PASSWORD


class DutiesBrowserTest(BrowserTestCase):
    def test_a_role_given_by_the_security_admin_is_read_by_the_auditor(self):
        account_create(username="secadmin", roles=[Role.SECADMIN], password=PASSWORD)
        self.login("secadmin", PASSWORD)
        self.page.get_by_role("navigation", name="主导航").get_by_role(
            "link", name="系统配置"
        ).click()
        self.page.get_by_role("link", name="账户", exact=True).first.click()
        self.page.get_by_role("link", name="operator", exact=True).click()
        self.page.get_by_label("班长").check()
        self.page.get_by_role("button", name="保存", exact=True).click()
        expect(self.page.locator(".messagelist")).to_contain_text("成功")
        self.page.goto(self.url("/"))
        self.page.get_by_role("button", name="退出").click()

        self.login("auditor", PASSWORD)
        self.page.get_by_role("navigation", name="主导航").get_by_role(
            "link", name="审计日志"
        ).click()
        self.page.locator("select[name=action]").select_option("role_change")
        self.page.get_by_role("button", name="查找").click()
        row = self.page.locator("table.audit tbody tr").first
        expect(row).to_contain_text("account:operator")
        expect(row).to_contain_text("话务员 → 话务员、班长")
        self.screenshot("audit-role-change")

    def test_five_wrong_passwords_end_on_the_chinese_lock_page(self):
        for _attempt in range(5):
            self.page.goto(self.url("/login/"))
            self.page.get_by_label("用户名").fill("operator")
            self.page.get_by_label("密码").fill("not-the-password")
            self.page.get_by_role("button", name="登录").click()
        expect(self.page.get_by_role("heading", name="暂时无法登录")).to_be_visible()
        expect(self.page.get_by_role("alert")).to_contain_text("已暂停 15 分钟")
        self.screenshot("login-locked")
