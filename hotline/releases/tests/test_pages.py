"""The pages of data release: who reaches each, the request form opened by each export button,
bad input answered in Chinese (never a 500), and the navigation."""

from hotline.audit.models import AuditEntry
from hotline.releases import services
from hotline.releases.models import ReleaseRequest, ReleaseStatus
from hotline.releases.tests.base import PURPOSE, ReleaseTestCase


class AccessTests(ReleaseTestCase):
    def status(self, user, method: str, url: str, data=None) -> int:  # type: ignore[no-untyped-def]
        self.client.force_login(user)
        return getattr(self.client, method)(url, data or {}).status_code

    def test_who_reaches_each_list(self):
        everyone = (
            self.operator, self.lead, self.reviewer, self.supervisor, self.auditor,
            self.handler_a, self.manager_a, self.leader_a, self.handler_b, self.sysadmin,
        )  # fmt: skip
        allowed = {
            "/releases/": set(everyone) - {self.sysadmin},
            "/releases/new/?kind=orders.list": set(everyone) - {self.sysadmin},
            "/releases/queue/": {self.supervisor},
            "/releases/all/": {self.supervisor, self.auditor},
        }
        for url, who in allowed.items():
            for user in everyone:
                with self.subTest(url=url, user=user.username):
                    self.assertEqual(self.status(user, "get", url), 200 if user in who else 403)
            self.client.logout()
            self.assertEqual(self.client.get(url).status_code, 302)

    def test_a_request_is_read_by_its_requester_the_supervisor_and_the_auditor_only(self):
        release = self.ask(self.manager_a, kind="orders.list", params={})
        for user in (self.manager_a, self.supervisor, self.auditor):
            with self.subTest(user=user.username):
                self.assertEqual(self.status(user, "get", f"/releases/{release.pk}/"), 200)
        for user in (self.manager_b, self.handler_a, self.leader_a, self.operator, self.sysadmin):
            with self.subTest(user=user.username):
                self.assertEqual(self.status(user, "get", f"/releases/{release.pk}/"), 404)
                self.assertEqual(
                    self.status(user, "post", f"/releases/{release.pk}/withdraw/"), 404
                )
        self.assertEqual(self.status(self.manager_a, "get", "/releases/999999/"), 404)
        release.refresh_from_db()
        self.assertEqual(release.status, ReleaseStatus.PENDING)

    def test_each_list_shows_its_own_requests(self):
        mine = self.ask(self.manager_a, kind="orders.list", params={})
        theirs = self.ask(self.manager_b, kind="orders.list", params={})
        self.client.force_login(self.manager_a)
        page = self.client.get("/releases/")
        self.assertContains(page, mine.number)
        self.assertNotContains(page, theirs.number)
        for user in (self.supervisor, self.auditor):
            self.client.force_login(user)
            page = self.client.get("/releases/all/")
            self.assertContains(page, mine.number)
            self.assertContains(page, theirs.number)

    def test_the_navigation_links_by_role(self):
        for user, mine, queue in (
            (self.supervisor, True, True),
            (self.manager_a, True, False),
            (self.auditor, True, False),
            (self.sysadmin, False, False),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                page = self.client.get("/").content.decode()
                self.assertEqual('href="/releases/"' in page, mine)
                self.assertEqual('href="/releases/queue/"' in page, queue)


class RequestFormTests(ReleaseTestCase):
    def test_the_report_button_opens_the_form_filled_in_and_a_post_records_the_request(self):
        self.client.force_login(self.reviewer)
        report_page = self.client.get(f"/stats/reports/{self.report.pk}/")
        url = f"/releases/new/?kind=stats.report&report={self.report.pk}"
        self.assertContains(report_page, url.replace("&", "&amp;"))
        form = self.client.get(url)
        self.assertContains(form, self.report.title)
        self.assertContains(form, f'name="report" value="{self.report.pk}"')
        response = self.client.post(
            "/releases/new/", {"kind": "stats.report", "report": self.report.pk, "purpose": PURPOSE}
        )
        release = ReleaseRequest.objects.get()
        self.assertRedirects(response, f"/releases/{release.pk}/")
        self.assertEqual((release.requester, release.purpose), (self.reviewer, PURPOSE))
        self.assertContains(self.client.get(f"/releases/{release.pk}/"), "待审批")

    def test_a_short_purpose_keeps_the_form_with_a_chinese_message(self):
        self.client.force_login(self.reviewer)
        for purpose in ("", "太短了", " " * 20):
            with self.subTest(purpose=purpose):
                response = self.client.post(
                    "/releases/new/",
                    {"kind": "stats.report", "report": self.report.pk, "purpose": purpose},
                )
                self.assertContains(response, "请说明导出用途（至少 10 个字）", status_code=400)
        response = self.client.post(
            "/releases/new/",
            {"kind": "stats.report", "report": self.report.pk, "purpose": "字" * 501},
        )
        self.assertContains(response, "不能超过 500 个字", status_code=400)
        self.assertFalse(ReleaseRequest.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action="release_request").exists())

    def test_bad_or_hostile_parameters_are_a_message_never_a_500(self):
        self.client.force_login(self.reviewer)
        for query in (
            "",
            "?kind=",
            "?kind=nope",
            "?kind=stats.report",
            "?kind=stats.report&report=abc",
            "?kind=stats.report&report=99999999999999999999999",
            "?kind=stats.report&report=%00",
            "?kind=orders.list&status=<script>",
            "?kind=orders.list&q=" + "x" * 5000,
            "?kind=stats.orders&figure=received&from=0000-01-01&to=9999-12-31",
            "?kind=surveys.results&campaign=1",
        ):
            with self.subTest(query=query[:60]):
                response = self.client.get("/releases/new/" + query)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, 'class="error"', status_code=400)
                self.assertNotContains(response, "<script>", status_code=400)
        self.assertFalse(ReleaseRequest.objects.exists())

    def test_a_unit_member_may_not_ask_for_a_report(self):
        self.client.force_login(self.manager_a)
        response = self.client.get(f"/releases/new/?kind=stats.report&report={self.report.pk}")
        self.assertEqual(response.status_code, 403)
        response = self.client.post(
            "/releases/new/", {"kind": "stats.report", "report": self.report.pk, "purpose": PURPOSE}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(ReleaseRequest.objects.exists())

    def test_the_order_list_button_carries_its_filters(self):
        self.client.force_login(self.manager_a)
        page = self.client.get("/orders/?status=in_progress&q=违建")
        self.assertContains(page, "/releases/new/?kind=orders.list&amp;")
        form = self.client.get("/releases/new/?kind=orders.list&status=in_progress&q=违建")
        self.assertContains(form, 'name="status" value="in_progress"')
        self.assertContains(form, "申请导出未遮盖的个人信息")


class DecisionPageTests(ReleaseTestCase):
    def test_personal_data_is_granted_only_by_the_approvers_tick(self):
        for data, granted in (({}, False), ({"grant_personal_data": "on"}, True)):
            with self.subTest(data=data):
                release = self.ask(
                    self.manager_a, kind="orders.list", params={}, personal_data=True
                )
                self.client.force_login(self.supervisor)
                page = self.client.get(f"/releases/{release.pk}/")
                self.assertContains(page, "同意导出未遮盖的个人信息")
                self.client.post(f"/releases/{release.pk}/approve/", data)
                release.refresh_from_db()
                self.assertEqual(release.status, ReleaseStatus.APPROVED)
                self.assertEqual(release.personal_data_approved, granted)

    def test_the_requester_sees_the_download_button_only_while_valid(self):
        release = self.ask()
        self.client.force_login(self.reviewer)
        self.assertNotContains(self.client.get(f"/releases/{release.pk}/"), "下载文件")
        services.release_approve(actor=self.supervisor, release=release)
        self.assertContains(self.client.get(f"/releases/{release.pk}/"), "下载文件")
        self.client.force_login(self.supervisor)
        self.assertNotContains(self.client.get(f"/releases/{release.pk}/"), "下载文件")
