"""The other ways out of the system: the survey results through a request, the console's
`hotline stats --format xlsx` (audited, no request), and the JSON API (one page at most; a
bulk read is a release request)."""

import io
import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from openpyxl import load_workbook

from hotline.accounts.models import ApiToken
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.audit.models import AuditEntry
from hotline.releases import services
from hotline.releases.models import ReleaseStatus
from hotline.releases.tests.base import PURPOSE, ReleaseTestCase
from hotline.surveys.tests.base import SurveyTestCase
from hotline.units.models import Unit


class SurveyResultsTests(SurveyTestCase):
    def test_the_results_come_only_through_an_approved_request_and_carry_the_watermark(self):
        campaign = self.running_campaign()
        self.client.force_login(self.manager_a)
        response = self.client.post(f"/surveys/{campaign.pk}/results.xlsx")
        self.assertRedirects(
            response,
            f"/releases/new/?kind=surveys.results&campaign={campaign.pk}",
            fetch_redirect_response=False,
        )
        # Another unit cannot even ask.
        self.client.force_login(self.manager_b)
        asked = self.client.get(f"/releases/new/?kind=surveys.results&campaign={campaign.pk}")
        self.assertEqual(asked.status_code, 400)
        release = services.release_request(
            actor=self.manager_a,
            kind="surveys.results",
            params={"campaign": campaign.pk},
            purpose=PURPOSE,
        )
        services.release_approve(actor=self.supervisor, release=release)
        self.client.force_login(self.manager_a)
        response = self.client.post(f"/releases/{release.pk}/download/")
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertEqual(workbook.sheetnames, ["汇总", "答卷"])
        for sheet in workbook.worksheets:
            self.assertIn(f"编号 {release.number}", sheet["A1"].value)
            self.assertIn("导出人 urban.manager", sheet["A1"].value)
        self.assertEqual(workbook["汇总"]["A2"].value, "调查名称")
        entry = AuditEntry.objects.get(action=AuditEntry.Action.RELEASE_DOWNLOAD)
        self.assertEqual(entry.detail["kind"], "surveys.results")


class ConsoleTests(ReleaseTestCase):
    def test_the_console_export_needs_no_request_but_is_audited(self):
        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / "nov.xlsx"
            call_command(
                "stats", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "xlsx",
                "--output", str(output),
            )  # fmt: skip
            self.assertTrue(output.stat().st_size > 0)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
        self.assertIsNone(entry.actor)
        self.assertEqual(entry.target, "stats:2026-11-01..2026-11-30")
        self.assertEqual(entry.detail["format"], "xlsx")
        self.assertEqual(entry.detail["output"], str(output))


class ApiTests(ReleaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.desk = account_create(
            username="desk110", roles=[Role.LINKAGE], unit=Unit.objects.get(code="police")
        )

    def call(self, method: str, url: str, user, payload=None):  # type: ignore[no-untyped-def]
        token = ApiToken.issue(user=user, name="接口")[1]
        return getattr(self.client, method)(
            url,
            json.dumps(payload) if payload is not None else None,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    def test_the_order_list_never_returns_more_than_a_page(self):
        token = ApiToken.issue(user=self.reviewer, name="接口")[1]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        self.assertEqual(self.client.get("/api/v1/orders", {"limit": 100}, **auth).status_code, 200)
        for limit in (101, 200, 10**6):
            with self.subTest(limit=limit):
                response = self.client.get("/api/v1/orders", {"limit": limit}, **auth)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json()["code"], "invalid_input")

    def test_a_bulk_read_is_a_release_request_approved_on_the_web(self):
        created = self.call(
            "post",
            "/api/v1/releases",
            self.reviewer,
            {"kind": "orders.list", "params": {}, "purpose": PURPOSE},
        )
        self.assertEqual(created.status_code, 201, created.content)
        body = created.json()
        self.assertEqual(body["status"], ReleaseStatus.PENDING)
        url = f"/api/v1/releases/{body['id']}"
        early = self.call("post", url + "/download", self.reviewer)
        self.assertEqual((early.status_code, early.json()["code"]), (409, "wrong_state"))
        release = services.release_approve(
            actor=self.supervisor,
            release=services.ReleaseRequest.objects.get(pk=body["id"]),
        )
        self.assertEqual(self.call("get", url, self.reviewer).json()["status"], "approved")
        for _ in range(release.max_downloads):
            response = self.call("post", url + "/download", self.reviewer)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.content.decode("utf-8-sig").startswith("# 导出人 reviewer"))
        gone = self.call("post", url + "/download", self.reviewer)
        self.assertEqual((gone.status_code, gone.json()["code"]), (410, "release_expired"))
        # Another account neither reads nor downloads it.
        self.assertEqual(self.call("get", url, self.desk).status_code, 404)
        self.assertEqual(self.call("post", url + "/download", self.desk).status_code, 404)

    def test_bad_requests_over_the_api_are_stable_codes(self):
        cases = (
            ({"kind": "orders.list", "params": {}, "purpose": "短"}, 400, "purpose_too_short"),
            ({"kind": "nope", "params": {}, "purpose": PURPOSE}, 400, "invalid_input"),
            ({"kind": "stats.report", "params": {"report": 1}, "purpose": PURPOSE}, 403, "not_allowed"),
            ({"kind": "orders.list", "purpose": "x" * 501}, 422, "invalid_input"),
            ({"params": {}}, 422, "invalid_input"),
        )  # fmt: skip
        for payload, status, code in cases:
            with self.subTest(payload=str(payload)[:50]):
                response = self.call("post", "/api/v1/releases", self.desk, payload)
                self.assertEqual(response.status_code, status, response.content)
                self.assertEqual(response.json()["code"], code)
        self.assertFalse(services.ReleaseRequest.objects.exists())
