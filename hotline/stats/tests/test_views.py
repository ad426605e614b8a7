"""The statistics pages: who may enter each, what they show, reports from draft to the public
page, and bad input."""

from datetime import date

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.audit.models import AuditEntry
from hotline.stats import services
from hotline.stats.models import Report
from hotline.stats.periods import Period
from hotline.stats.tests.base import NOW, NovemberTestCase
from hotline.testing import PASSWORD

NOVEMBER = "?kind=month&day=2026-11-15"


class DashboardAccessTest(NovemberTestCase):
    def get(self, user: User, url: str):  # type: ignore[no-untyped-def]
        self.client.force_login(user)
        with clock.frozen_at(NOW):
            return self.client.get(url)

    def test_the_host_unit_sees_the_whole_hotline(self):
        for user in (self.reviewer, self.supervisor, self.lead):
            response = self.get(user, "/stats/" + NOVEMBER)
            self.assertEqual(response.status_code, 200, user)
            self.assertContains(response, "热线运行统计")
            self.assertContains(response, "接通率")
            self.assertContains(response, "接听量 ÷ 呼入量")  # the formula beside the figure
            self.assertContains(response, "城市管理")  # the unit ranking
            self.assertContains(response, "<svg", msg_prefix=str(user))

    def test_a_unit_leader_sees_only_their_unit(self):
        response = self.get(self.leader_a, "/stats/" + NOVEMBER)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "办理情况")
        units = [row["code"] for row in response.context["figures"]["units"]]
        self.assertEqual(units, ["urban"])
        self.assertEqual(response.context["figures"]["operators"], [])

    def test_others_are_refused(self):
        handler = self.handler_a
        for user in (self.operator, handler, self.sysadmin, self.auditor):
            self.assertEqual(self.get(user, "/stats/").status_code, 403, user)
        self.client.logout()
        self.assertEqual(self.client.get("/stats/").status_code, 302)

    def test_the_auditor_reads_accountability(self):
        response = self.get(self.auditor, "/stats/accountability/" + NOVEMBER)
        self.assertEqual(response.status_code, 200)
        # o3 replied late, o8 and o10 overdue: all unit A's.
        numbers = {row.order.number for rows in response.context["groups"].values() for row in rows}
        self.assertEqual(numbers, {self.orders[name].number for name in ("o3", "o8", "o10")})
        self.assertContains(response, "超期答复")
        [(name, count, by_kind)] = response.context["summary"]
        self.assertEqual((name, count), (self.unit_a.name, 3))
        self.assertEqual(by_kind, [1, 2, 0, 0, 0])  # o3 late; o8 and o10 overdue and unreplied
        self.assertEqual(self.get(self.operator, "/stats/accountability/").status_code, 403)

    def test_bad_periods_change_nothing_and_say_why(self):
        response = self.get(self.reviewer, "/stats/?kind=range&start=2026-11-30&end=2026-11-01")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "截止日期不能早于起始日期")
        for url in (
            "/stats/?kind=nonsense",
            "/stats/?kind=month&day=2026-13-45",
            "/stats/orders/?figure=received&from=x&to=y",
            "/stats/orders/?figure=drop-table&from=2026-11-01&to=2026-11-30",
            "/stats/orders/?figure=received&from=2026-11-01&to=2026-11-30&unit=nope",
            "/stats/orders/?figure=received&from=2026-11-01&to=2026-11-30&dim=caller&key=1",
            "/stats/?kind=range&start=0001-01-01&end=0001-01-02",
            "/stats/?kind=range&start=9999-12-30&end=9999-12-31",
            "/stats/?kind=month&day=9999-12-31",
            "/stats/?kind=year&day=0001-01-01",
            "/stats/orders/?figure=received&from=0001-01-01&to=0001-01-01",
            "/stats/orders/?figure=received&from=9999-12-31&to=9999-12-31",
            "/stats/accountability/?kind=month&day=9999-12-31",
            "/stats/orders/?figure=received&from=2026-11-01&to=2026-11-30&page=abc",
        ):
            self.assertIn(self.get(self.reviewer, url).status_code, (200, 400), url)
        response = self.get(self.reviewer, "/stats/?kind=month&day=9999-12-31")
        self.assertContains(response, "统计日期须在 2000 年至 2099 年之间")


class FigureOrdersTest(NovemberTestCase):
    def test_a_figure_opens_on_its_orders(self):
        self.client.force_login(self.reviewer)
        with clock.frozen_at(NOW):
            response = self.client.get(
                "/stats/orders/?figure=overdue&from=2026-11-01&to=2026-11-30"
            )
        numbers = {order.number for order in response.context["page"].rows}
        self.assertEqual(numbers, {self.orders[name].number for name in ("o3", "o8", "o10")})

    def test_split_by_type(self):
        self.client.force_login(self.reviewer)
        with clock.frozen_at(NOW):
            response = self.client.get(
                "/stats/orders/?figure=received&from=2026-11-01&to=2026-11-30&dim=type&key=consult"
            )
        numbers = {order.number for order in response.context["page"].rows}
        self.assertEqual(numbers, {self.orders["o4"].number, self.orders["o5"].number})

    def test_a_units_orders_are_scoped_to_what_its_reader_sees(self):
        self.client.force_login(self.manager_b)
        other = account_create(
            username="market.leader", roles=[Role.LEADER], unit=self.unit_b, password=PASSWORD
        )
        self.client.force_login(other)
        with clock.frozen_at(NOW):
            # The leader of B asks for A's orders: B's own scope applies, whatever the link says.
            response = self.client.get(
                "/stats/orders/?figure=received&from=2026-11-01&to=2026-11-30&unit=urban"
            )
        self.assertEqual(list(response.context["page"].rows), [])


class ReportTest(NovemberTestCase):
    def draft(self) -> Report:
        return services.report_draft(
            actor=self.reviewer,
            period=Period(date(2026, 11, 1), date(2026, 11, 30), "month"),
            now=NOW,
        )

    def test_draft_publish_and_the_public_page(self):
        report = self.draft()
        self.assertEqual(report.figures["received"], 9)
        self.client.force_login(self.reviewer)
        self.assertEqual(self.client.post(f"/stats/reports/{report.pk}/publish/").status_code, 403)
        report.refresh_from_db()
        self.assertFalse(report.is_published)  # only the supervising unit publishes
        self.client.logout()
        self.assertEqual(self.client.get(f"/public/reports/{report.pk}/").status_code, 404)
        self.client.force_login(self.supervisor)
        self.client.post(f"/stats/reports/{report.pk}/publish/")
        report.refresh_from_db()
        self.assertTrue(report.is_published)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.REPORT_PUBLISH, actor=self.supervisor
            ).exists()
        )
        self.client.logout()
        index = self.client.get("/public/")
        self.assertContains(index, report.title)
        page = self.client.get(f"/public/reports/{report.pk}/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "诉求受理量")
        html = page.content.decode()
        for order in self.orders.values():
            self.assertNotIn(order.number, html)
        for secret in (
            "张三",
            "13812345678",
            "5678",
            "小区门口有违法建设",
            "已现场处理完毕",
            "operator",
        ):
            self.assertNotIn(secret, html)

    def test_a_published_report_never_changes(self):
        report = self.draft()
        services.report_publish(actor=self.supervisor, report=report)
        from hotline.core.errors import DomainError

        with self.assertRaises(DomainError):
            services.report_recompute(actor=self.reviewer, report=report)
        with self.assertRaises(DomainError):
            services.report_publish(actor=self.supervisor, report=report)

    def test_the_excel_link_opens_a_release_request_and_gives_no_file(self):
        # Art. 24: the file comes only through an approved request (hotline.releases).
        report = self.draft()
        self.client.force_login(self.supervisor)
        response = self.client.get(f"/stats/reports/{report.pk}/xlsx/")
        self.assertRedirects(
            response,
            f"/releases/new/?kind=stats.report&report={report.pk}",
            fetch_redirect_response=False,
        )
        self.assertNotIn("Content-Disposition", response)
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists())
        page = self.client.get(f"/stats/reports/{report.pk}/")
        self.assertContains(page, f"/releases/new/?kind=stats.report&amp;report={report.pk}")

    def test_a_report_of_a_period_not_yet_over_is_refused(self):
        self.client.force_login(self.reviewer)
        with clock.frozen_at(NOW):
            response = self.client.post("/stats/reports/", {"kind": "month", "day": "2026-12-05"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "统计时段须在今天之前结束", status_code=400)
        self.assertFalse(Report.objects.exists())

    def test_who_may_read_reports(self):
        report = self.draft()
        for user in (self.operator, self.handler_a, self.leader_a, self.sysadmin):
            self.client.force_login(user)
            self.assertEqual(self.client.get(f"/stats/reports/{report.pk}/").status_code, 403)
            self.assertEqual(self.client.get("/stats/reports/").status_code, 403)
        self.client.force_login(self.auditor)
        self.assertEqual(self.client.get(f"/stats/reports/{report.pk}/").status_code, 200)
        self.assertEqual(self.client.post("/stats/reports/", {"kind": "month"}).status_code, 403)
