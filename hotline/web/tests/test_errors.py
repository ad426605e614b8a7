"""Error pages are Chinese, keep the site's navigation (staff or residents), never show
Django's English pages, and answer JSON under /api/; the admin speaks Chinese too."""

import re

from django.test import Client, override_settings

from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.testing import PASSWORD, BaseTestCase

CJK = re.compile(r"[\u4e00-\u9fff]")


class ErrorPageTests(BaseTestCase):
    def test_a_missing_order_is_a_chinese_404_with_the_staff_navigation(self):
        self.client.force_login(self.operator)
        response = self.client.get("/orders/YL2099010100001/")
        self.assertContains(response, "页面不存在", status_code=404)
        self.assertContains(response, "工单不存在或无权查看", status_code=404)
        self.assertContains(response, 'aria-label="主导航"', status_code=404)
        self.assertNotContains(response, "Not Found", status_code=404)

    def test_an_unknown_address_is_a_chinese_404_that_offers_sign_in(self):
        response = self.client.get("/no-such-page/")
        self.assertContains(response, "您要找的页面或工单不存在", status_code=404)
        self.assertContains(response, "登录", status_code=404)
        self.assertNotContains(response, "Not Found", status_code=404)

    def test_a_residents_404_keeps_the_portals_layout(self):
        response = self.client.get("/portal/order/YL2099010100001/")
        self.assertContains(response, "请先用工单编号和手机号码查询工单", status_code=404)
        self.assertContains(response, "我要反映", status_code=404)
        self.assertNotContains(response, 'aria-label="主导航"', status_code=404)

    def test_a_form_without_its_security_token_is_a_chinese_403(self):
        order = self.create_order()
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.operator)
        response = client.post(f"/orders/{order.number}/reveal/", {"reason": "回拨"})
        self.assertContains(response, "无权访问", status_code=403)
        self.assertContains(response, "页面已过期或来源不明", status_code=403)
        self.assertNotContains(response, "CSRF verification failed", status_code=403)

    def test_the_api_answers_json_for_an_unknown_address(self):
        response = self.client.get("/api/nothing-here")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")

    @override_settings(ROOT_URLCONF="hotline.web.tests.failing_urls")
    def test_a_failure_is_a_chinese_500_that_needs_no_database(self):
        self.client.raise_request_exception = False
        response = self.client.get("/boom/")
        self.assertContains(response, "系统出错", status_code=500)
        self.assertContains(response, "12345", status_code=500)
        self.assertNotContains(response, "Server Error", status_code=500)
        api = self.client.get("/api/boom/")
        self.assertEqual((api.status_code, api.json()["code"]), (500, "server_error"))


class AdminLanguageTests(BaseTestCase):
    def test_every_app_and_model_label_of_the_admin_is_chinese(self):
        secadmin = account_create(username="secadmin", roles=[Role.SECADMIN], password=PASSWORD)
        labels, html = [], ""
        for admin_user in (self.sysadmin, secadmin):  # between them, every admin page
            self.client.force_login(admin_user)
            page = self.client.get("/admin/").content.decode()
            labels += re.findall(r"<caption>\s*<a [^>]*>(.*?)</a>", page, re.S)
            labels += re.findall(r'<th scope="row"[^>]*>\s*<a [^>]*>(.*?)</a>', page, re.S)
            html += page
        self.assertGreater(len(labels), 20)
        english = [label for label in labels if not CJK.search(label)]
        self.assertEqual(english, [])
        self.assertIn("后台任务", html)
