"""The staff pages around the orders: health check, sign-in, the home page of every persona,
the public portal and Open311 lists, and the admin reserved to system administrators."""

from xml.etree import ElementTree

from django.urls import reverse

from hotline.testing import PASSWORD, BaseTestCase


class HealthTests(BaseTestCase):
    def test_healthz_reports_ok_as_json(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})
        self.assertIn("no-cache", response["Cache-Control"])


class LoginTests(BaseTestCase):
    def test_login_page_renders(self):
        response = self.client.get("/login/")
        self.assertContains(response, "<h1>登录</h1>")
        self.assertContains(response, 'name="password"')
        self.assertNotContains(response, "用户名或密码不正确")

    def test_wrong_password_shows_the_chinese_error(self):
        response = self.client.post(
            "/login/", {"username": "operator", "password": "wrong-password"}
        )
        self.assertContains(response, "用户名或密码不正确，请重试。")
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertRedirects(self.client.get("/"), "/login/?next=/", fetch_redirect_response=False)

    def test_right_password_signs_in_and_goes_home(self):
        response = self.client.post("/login/", {"username": "operator", "password": PASSWORD})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.operator.pk)

    def test_logout_by_post_signs_out(self):
        self.client.force_login(self.operator)
        response = self.client.post(reverse("logout"))
        self.assertRedirects(response, "/login/", fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)


class HomeTests(BaseTestCase):
    def test_home_renders_for_every_persona(self):
        personas = (
            self.operator, self.lead, self.reviewer, self.supervisor, self.auditor, self.sysadmin,
            self.handler_a, self.manager_a, self.leader_a, self.handler_b, self.manager_b,
        )  # fmt: skip
        for user in personas:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get("/")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "工作台")

    def test_sysadmin_sees_the_separation_of_duties_note_and_no_orders(self):
        order = self.dispatched_order()
        self.client.force_login(self.sysadmin)
        response = self.client.get("/")
        self.assertContains(response, "三员分立")
        self.assertContains(response, reverse("admin:index"))
        self.assertNotContains(response, order.number)
        self.assertNotContains(response, "在办工单")

    def test_operator_home_lists_open_orders_without_the_admin_note(self):
        order = self.dispatched_order()
        self.client.force_login(self.operator)
        response = self.client.get("/")
        self.assertNotContains(response, "三员分立")
        self.assertContains(response, "在办工单")
        self.assertContains(response, order.number)
        self.assertNotContains(response, reverse("admin:index"))

    def test_unit_home_shows_only_the_units_orders(self):
        order_a, order_b = self.dispatched_order(), self.dispatched_order(unit=self.unit_b)
        self.client.force_login(self.handler_b)
        response = self.client.get("/")
        self.assertContains(response, order_b.number)
        self.assertNotContains(response, order_a.number)

    def test_home_tiles_count_the_open_orders_by_state_and_not_the_closed(self):
        from hotline.orders import services
        from hotline.orders.selectors import status_counts

        self.dispatched_order()
        closed = services.order_record_callback(
            order=self.reply_checked_order(), actor=self.operator, satisfaction="satisfied"
        )
        counts = status_counts(user=self.reviewer)
        self.assertEqual(counts["dispatched"], 1)
        self.assertNotIn("closed", counts)
        self.client.force_login(self.reviewer)
        response = self.client.get("/")
        self.assertContains(response, "?status=dispatched")
        self.assertNotContains(response, "?status=closed")
        self.assertEqual(closed.status, "closed")


class CallbackTileTests(BaseTestCase):
    def test_the_callback_tile_says_how_many_are_called_and_how_many_rated_on_the_web(self):
        from hotline.callbacks.models import CallbackPolicy
        from hotline.callbacks.services import callback_queue

        CallbackPolicy.objects.update_or_create(
            pk=1, defaults={"required_types": ["help"], "sample_percent": 0}
        )
        for request_type in ("help", "help", "consult"):
            self.reply_checked_order(request_type=request_type)
        self.assertEqual(len(callback_queue(user=self.operator)), 2)
        self.client.force_login(self.operator)
        page = self.client.get("/")
        self.assertContains(page, "<strong>3</strong><span>待回访</span>", html=False)
        self.assertContains(page, "其中需电话回访 2，待市民网上评价 1")
        # Units are not called back by: their tile says nothing of the queue.
        self.client.force_login(self.manager_a)
        self.assertNotContains(self.client.get("/"), "需电话回访")


class PublicPageTests(BaseTestCase):
    def test_portal_renders_without_signing_in(self):
        response = self.client.get("/portal/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "12345")
        self.assertContains(response, "求助")  # the request types and their limits

    def test_open311_services_in_json(self):
        response = self.client.get("/open311/v2/services.json")
        self.assertEqual(response.status_code, 200)
        services = {row["service_code"]: row for row in response.json()}
        self.assertEqual(services["urban.02"]["service_name"], "违法建设")
        self.assertEqual(services["urban.02"]["type"], "realtime")
        self.assertNotIn("urban", services)  # groups are not services

    def test_open311_services_in_xml(self):
        response = self.client.get("/open311/v2/services.xml")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/xml"))
        root = ElementTree.fromstring(response.content)
        self.assertEqual(root.tag, "services")
        names = {
            node.findtext("service_code"): node.findtext("service_name")
            for node in root.iter("service")
        }
        self.assertEqual(names["urban.02"], "违法建设")
        self.assertEqual(len(names), len(self.client.get("/open311/v2/services.json").json()))

    def test_open311_unknown_format_is_404(self):
        self.assertEqual(self.client.get("/open311/v2/services.csv").status_code, 404)


class AdminTests(BaseTestCase):
    def test_admin_index_loads_for_the_sysadmin(self):
        self.client.force_login(self.sysadmin)
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "系统配置")

    def test_admin_is_refused_to_operators_and_other_staff(self):
        for user in (self.operator, self.reviewer, self.auditor, self.manager_a):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                # Refused, not asked to sign in again as someone else (docs/access-matrix.md).
                response = self.client.get("/admin/")
                self.assertContains(
                    response, "系统配置只对系统管理员和安全管理员开放", status_code=403
                )

    def test_admin_does_not_register_orders(self):
        self.client.force_login(self.sysadmin)
        self.assertEqual(self.client.get("/admin/orders/order/").status_code, 404)
