"""The auditor reads the audit trail on a site page (/audit/) — searched by actor, action,
object and dates, paged, with validated parameters — and nobody else does, the system
administrator included, neither there nor in the admin."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from hotline.accounts.roles import Role
from hotline.accounts.services import account_assign_roles, account_create, account_update
from hotline.audit.models import AuditEntry
from hotline.audit.selectors import PAGE_SIZE
from hotline.audit.services import audit_record
from hotline.orders import services
from hotline.testing import PASSWORD, BaseTestCase

URL = "/audit/"


class AuditTrailPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.secadmin = account_create(username="secadmin", roles=[Role.SECADMIN], password=PASSWORD)

    def setUp(self):
        self.order = self.create_order()
        services.order_reveal_caller(order=self.order, actor=self.operator, reason="回拨核实")
        account_update(actor=self.sysadmin, user=self.handler_b, display_name="市场 承办人")
        account_assign_roles(actor=self.secadmin, user=self.lead, roles=[Role.OPERATOR])
        self.client.force_login(self.auditor)

    def test_the_auditor_reads_the_trail_on_a_chinese_page_with_the_navigation(self):
        page = self.client.get(URL)
        self.assertContains(page, "<h1>审计日志</h1>", html=False)
        self.assertContains(page, 'aria-label="主导航"')
        self.assertContains(page, f'href="{reverse("audit:trail")}"')
        self.assertContains(page, "查看个人信息")
        self.assertContains(page, "回拨核实")
        self.assertContains(page, self.order.number)

    def test_a_change_shows_its_old_and_new_value_by_their_chinese_names(self):
        page = self.client.get(URL, {"action": "role_change"})
        self.assertContains(page, "<dt>角色</dt><dd>班长 → 话务员</dd>", html=True)
        page = self.client.get(URL, {"target": "account:market.handler"})
        self.assertContains(page, "<dt>姓名</dt><dd>（空） → 市场 承办人</dd>", html=True)

    def test_everyone_else_is_refused_the_administrators_included(self):
        for user in (self.sysadmin, self.secadmin, self.operator, self.reviewer, self.manager_a):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(URL)
                self.assertContains(response, "审计日志仅供审计员查阅", status_code=403)
                self.assertNotContains(response, "回拨核实", status_code=403)
                self.assertNotContains(self.client.get("/"), f'href="{URL}"')
        self.client.logout()
        self.assertRedirects(
            self.client.get(URL), f"/login/?next={URL}", fetch_redirect_response=False
        )

    def test_the_trail_is_not_in_the_admin(self):
        entry = AuditEntry.objects.first()
        for user in (self.sysadmin, self.secadmin):
            self.client.force_login(user)
            for url in (
                "/admin/audit/auditentry/",
                f"/admin/audit/auditentry/{entry.pk}/change/",
                f"/admin/audit/auditentry/{entry.pk}/history/",
            ):
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)

    def test_search_by_actor_action_object_and_date(self):
        def shown(**params: str) -> set[str]:
            page = self.client.get(URL, params)
            self.assertEqual(page.status_code, 200)
            return {entry.reason for entry, _details in page.context["rows"]}

        self.assertEqual(shown(actor="operator"), {"回拨核实"})
        self.assertEqual(shown(actor="市场"), set())  # the name changed, not the actor's
        self.assertEqual(shown(action="role_change"), {"分配角色"})
        self.assertEqual(shown(target=self.order.number[-6:]), {"回拨核实"})
        today = timezone.localdate()
        self.assertIn("回拨核实", shown(date_from=str(today), date_to=str(today)))
        self.assertEqual(shown(date_to=str(today - timedelta(days=1))), set())
        self.assertEqual(shown(actor="secadmin", action="role_change"), {"分配角色"})

    def test_pages_of_the_trail(self):
        for index in range(PAGE_SIZE + 3):
            audit_record(actor=None, action=AuditEntry.Action.LOGIN_FAILED, target=f"x{index}")
        first = self.client.get(URL, {"action": "login_failed"})
        self.assertEqual(len(first.context["rows"]), PAGE_SIZE)
        self.assertContains(first, 'rel="next"')
        second = self.client.get(URL, {"action": "login_failed", "page": "2"})
        self.assertEqual(len(second.context["rows"]), 3)
        self.assertContains(second, "?action=login_failed&page=1")

    def test_bad_parameters_are_told_and_never_a_server_error(self):
        self.client.raise_request_exception = False
        for params in (
            {"page": "99999999999999999999"},
            {"page": "-1"},
            {"page": "abc"},
            {"date_from": "2025-02-30"},
            {"date_from": "0001-01-01"},
            {"date_to": "9999-12-31"},
            {"action": "no_such_action"},
            {"actor": "x" * 500},
            {"target": "%00" * 100},
            {"date_from": "2025-10-02", "date_to": "2025-10-01"},
        ):
            with self.subTest(**params):
                self.assertEqual(self.client.get(URL, params).status_code, 200)
        page = self.client.get(URL, {"date_from": "2025-10-02", "date_to": "2025-10-01"})
        self.assertContains(page, "截止日期不能早于起始日期")
        page = self.client.get(URL, {"date_from": "0001-01-01"})
        self.assertContains(page, "请填写 1900 年至 2999 年之间的日期")
        self.assertEqual(self.client.get(URL, {"page": "abc"}).context["page"].number, 1)

    def test_reading_the_trail_writes_nothing(self):
        before = AuditEntry.objects.count()
        self.client.get(URL, {"actor": "operator"})
        self.assertEqual(AuditEntry.objects.count(), before)
        self.assertEqual(self.client.post(URL).status_code, 405)


class OrderEventsInTheTrailTests(BaseTestCase):
    """Every transition is auditable: the auditor finds the orders' own trail on the same page,
    by order number, person, action and day; nobody else does."""

    def setUp(self):
        self.order = self.create_order()
        self.other = self.create_order()
        services.order_accept(order=self.order, actor=self.operator)
        self.client.force_login(self.auditor)

    def test_the_auditor_finds_an_orders_transitions_by_its_number(self):
        page = self.client.get(URL, {"kind": "orders", "target": self.order.number})
        self.assertContains(page, self.order.number)
        self.assertNotContains(page, self.other.number)
        self.assertContains(page, "<td>登记</td>", html=True)
        self.assertContains(page, "<td>受理</td>", html=True)
        self.assertContains(page, self.operator.username)

    def test_by_person_and_action(self):
        page = self.client.get(
            URL, {"kind": "orders", "actor": self.operator.username, "action": "accept"}
        )
        self.assertContains(page, self.order.number)
        self.assertNotContains(page, self.other.number)
        page = self.client.get(URL, {"kind": "orders", "actor": self.handler_b.username})
        self.assertContains(page, "没有符合条件的工单办理记录")

    def test_an_action_of_the_other_kind_is_told_and_not_used(self):
        page = self.client.get(URL, {"kind": "orders", "action": "role_change"})
        self.assertContains(page, "所选操作不属于所选的记录类别")
        self.assertContains(page, self.order.number)  # the bad condition does not filter

    def test_nobody_else_reads_the_order_trail_here(self):
        for user in (self.sysadmin, self.operator, self.reviewer, self.manager_a):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(URL, {"kind": "orders"}).status_code, 403)
