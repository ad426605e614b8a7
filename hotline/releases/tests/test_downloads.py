"""Downloading an approved export (Art. 24): only the requester, only while valid, each time
audited; the file watermarked and scoped to what the requester may see."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from hotline import clock
from hotline.accounts.roles import Role
from hotline.audit.models import AuditEntry
from hotline.orders import services as order_services
from hotline.releases import services
from hotline.releases.models import ReleaseRequest, ReleaseStatus
from hotline.releases.tests.base import PURPOSE, ReleaseTestCase

A = AuditEntry.Action
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DownloadTests(ReleaseTestCase):
    def test_the_requester_downloads_a_watermarked_workbook_and_each_download_is_audited(self):
        release = self.approved()
        response = self.download(self.reviewer, release)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], XLSX)
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertIn(release.number, response["Content-Disposition"])
        workbook = self.workbook(response)
        self.assertGreater(len(workbook.worksheets), 1)
        for sheet in workbook.worksheets:
            with self.subTest(sheet=sheet.title):
                first = sheet["A1"].value
                for part in (
                    "导出人 reviewer",
                    "导出时间 ",
                    f"用途 {PURPOSE}",
                    "审批人 supervisor",
                    f"编号 {release.number}",
                ):
                    self.assertIn(part, first)
                for text in (sheet.oddHeader.center.text, sheet.oddFooter.center.text):
                    self.assertIn(release.number, text)
                    self.assertIn("reviewer", text)
        # The report's own content follows the watermark row.
        self.assertEqual(workbook.worksheets[0]["A2"].value, self.report.title)
        self.assertEqual(workbook.properties.creator, "reviewer")
        self.assertEqual(workbook.properties.identifier, release.number)
        self.assertIn(PURPOSE, workbook.properties.description)
        entry = AuditEntry.objects.get(action=A.RELEASE_DOWNLOAD)
        self.assertEqual(entry.actor, self.reviewer)
        self.assertEqual(entry.target, f"release:{release.number}")
        self.assertEqual(entry.detail["download"], 1)
        self.assertEqual(len(entry.detail["sha256"]), 64)
        release.refresh_from_db()
        self.assertEqual(release.download_count, 1)

    def test_after_the_maximum_downloads_it_is_gone(self):
        with override_settings(HOTLINE_RELEASE_MAX_DOWNLOADS=2):
            release = self.approved()
        for _ in range(2):
            self.assertEqual(self.download(self.reviewer, release).status_code, 200)
        response = self.download(self.reviewer, release)
        self.assertEqual(response.status_code, 410)
        self.assertContains(response, "下载次数已用完", status_code=410)
        self.assertNotIn("Content-Disposition", response)
        entries = AuditEntry.objects.filter(action=A.RELEASE_DOWNLOAD).order_by("seq")
        self.assertEqual([e.detail["download"] for e in entries], [1, 2])
        release.refresh_from_db()
        self.assertEqual(release.download_count, 2)
        page = self.client.get(f"/releases/{release.pk}/")
        self.assertContains(page, "已过期")
        self.assertNotContains(page, "下载文件")

    def test_it_expires_at_its_hour(self):
        release = self.approved()
        assert release.expires_at is not None
        with clock.frozen_at(release.expires_at - timedelta(seconds=1)):
            self.assertEqual(self.download(self.reviewer, release).status_code, 200)
        for moment in (release.expires_at, release.expires_at + timedelta(days=400)):
            with self.subTest(moment=moment), clock.frozen_at(moment):
                response = self.download(self.reviewer, release)
                self.assertEqual(response.status_code, 410)
                self.assertContains(response, "已过有效期", status_code=410)
                self.assertContains(self.client.get("/releases/"), "已过期")
        self.assertEqual(AuditEntry.objects.filter(action=A.RELEASE_DOWNLOAD).count(), 1)

    def test_no_file_before_approval_or_after_refusal_or_withdrawal(self):
        pending = self.ask()
        refused = services.release_refuse(actor=self.supervisor, release=self.ask(), note="不同意")
        withdrawn = services.release_withdraw(actor=self.reviewer, release=self.ask())
        for release in (pending, refused, withdrawn):
            with self.subTest(status=release.status):
                response = self.download(self.reviewer, release)
                self.assertEqual(response.status_code, 409)
                self.assertNotIn("Content-Disposition", response)
        self.assertFalse(AuditEntry.objects.filter(action=A.RELEASE_DOWNLOAD).exists())
        self.assertEqual(
            list(ReleaseRequest.objects.values_list("download_count", flat=True)), [0, 0, 0]
        )

    def test_only_the_requester_downloads(self):
        release = self.approved()
        # The approver and the auditor read the request but may not take the file.
        for user in (self.supervisor, self.auditor):
            with self.subTest(user=user.username):
                self.assertEqual(self.download(user, release).status_code, 403)
        # Anyone else is not told the request exists.
        for user in (self.operator, self.handler_a, self.manager_b, self.lead, self.sysadmin):
            with self.subTest(user=user.username):
                self.assertEqual(self.download(user, release).status_code, 404)
        self.client.logout()
        response = self.client.post(f"/releases/{release.pk}/download/")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(AuditEntry.objects.filter(action=A.RELEASE_DOWNLOAD).exists())

    def test_a_download_is_a_post(self):
        release = self.approved()
        self.client.force_login(self.reviewer)
        self.assertEqual(self.client.get(f"/releases/{release.pk}/download/").status_code, 405)
        self.assertFalse(AuditEntry.objects.filter(action=A.RELEASE_DOWNLOAD).exists())

    def test_a_requester_who_lost_the_right_to_the_data_gets_no_file(self):
        release = self.approved()
        self.reviewer.roles = [Role.OPERATOR]
        self.reviewer.save()
        response = self.download(self.reviewer, release)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(AuditEntry.objects.filter(action=A.RELEASE_DOWNLOAD).exists())
        release.refresh_from_db()
        self.assertEqual(release.download_count, 0)


class OrderExportTests(ReleaseTestCase):
    """The order list as CSV: scoped to the requester, personal data masked unless granted,
    confidential orders never in it."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.order_a = cls().dispatched_order(unit=cls.unit_a, caller_phone="13811112222")
        cls.order_b = cls().dispatched_order(unit=cls.unit_b, caller_phone="13933334444")
        secret = cls().dispatched_order(unit=cls.unit_a, caller_phone="13755556666")
        secret.is_confidential = True
        secret.save()
        cls.secret = secret

    def numbers(self, response) -> set[str]:  # type: ignore[no-untyped-def]
        return {row[0] for row in self.csv_lines(response)[2:]}

    def test_a_unit_handlers_export_holds_only_their_units_orders(self):
        for user, mine, other in (
            (self.manager_a, self.order_a, self.order_b),
            (self.manager_b, self.order_b, self.order_a),
        ):
            with self.subTest(user=user.username):
                release = self.approved(user, kind="orders.list", params={})
                response = self.download(user, release)
                self.assertEqual(response.status_code, 200)
                numbers = self.numbers(response)
                self.assertIn(mine.number, numbers)
                self.assertNotIn(other.number, numbers)
                self.assertNotIn(self.secret.number, numbers)

    def test_filters_are_applied_as_on_the_page(self):
        closed = order_services.order_sign(order=self.order_a, actor=self.handler_a)
        release = self.approved(self.reviewer, kind="orders.list", params={"status": closed.status})
        self.assertEqual(self.numbers(self.download(self.reviewer, release)), {closed.number})

    def test_the_csv_starts_with_the_watermark_line(self):
        release = self.approved(self.reviewer, kind="orders.list", params={})
        response = self.download(self.reviewer, release)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        first = response.content.decode("utf-8-sig").splitlines()[0]
        self.assertTrue(first.startswith("# 导出人 reviewer · 导出时间 "), first)
        self.assertIn(f"编号 {release.number}", first)
        self.assertIn("审批人 supervisor", first)
        self.assertEqual(self.csv_lines(response)[1][0], "工单编号")

    def test_personal_data_is_masked_unless_the_approval_grants_it(self):
        cases = (
            ({}, {}, False),
            ({"personal_data": True}, {}, False),  # asked for, not granted
            ({}, {"grant_personal_data": True}, False),  # granted, never asked for
            ({"personal_data": True}, {"grant_personal_data": True}, True),
        )
        for ask, grant, clear in cases:
            with self.subTest(ask=ask, grant=grant):
                release = self.approved(
                    self.reviewer, kind="orders.list", params={}, **ask, **grant
                )
                text = self.download(self.reviewer, release).content.decode("utf-8-sig")
                self.assertEqual("13811112222" in text, clear)
                self.assertEqual("张三" in text, clear)
                self.assertEqual("138****2222" in text, not clear)
                self.assertNotIn("13755556666", text)

    def test_a_cell_that_looks_like_a_formula_is_neutralised(self):
        self.dispatched_order(unit=self.unit_a, title='=HYPERLINK("http://x")', address="+1+1")
        release = self.approved(self.reviewer, kind="orders.list", params={})
        rows = self.csv_lines(self.download(self.reviewer, release))
        cells = [cell for row in rows[2:] for cell in row]
        self.assertIn('\'=HYPERLINK("http://x")', cells)
        self.assertIn("'+1+1", cells)
        self.assertFalse(any(cell.startswith(("=", "+", "@")) for cell in cells))

    def test_the_drill_down_list_is_scoped_too(self):
        day = timezone.localdate(clock.now()).isoformat()  # the local day the order was received
        params = {"figure": "received", "from": day, "to": day}
        release = self.approved(self.manager_a, kind="stats.orders", params=params)
        numbers = self.numbers(self.download(self.manager_a, release))
        self.assertIn(self.order_a.number, numbers)
        self.assertNotIn(self.order_b.number, numbers)


class StatusAfterUseTests(ReleaseTestCase):
    def test_the_stored_status_stays_approved_and_the_shown_one_expires(self):
        release = self.approved()
        assert release.expires_at is not None
        self.assertEqual(release.status, ReleaseStatus.APPROVED)
        self.assertEqual(release.shown_status(release.expires_at), "已过期")
        self.assertEqual(release.shown_status(release.expires_at - timedelta(hours=1)), "已批准")
