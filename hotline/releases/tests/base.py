"""Release tests: the personas, a November report, orders of unit A and of unit B."""

import csv
import io
from datetime import date

from openpyxl import load_workbook

from hotline.accounts.models import User
from hotline.releases import services
from hotline.releases.models import ReleaseRequest
from hotline.stats import services as stats_services
from hotline.stats.models import Report
from hotline.stats.periods import Period
from hotline.testing import BaseTestCase, aware

PURPOSE = "向市政府办公室报送十一月运行情况"
DRAFTED_AT = aware("2026-12-01 09:00")


class ReleaseTestCase(BaseTestCase):
    report: Report

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.report = stats_services.report_draft(
            actor=cls.reviewer,
            period=Period(date(2026, 11, 1), date(2026, 11, 30), "month"),
            now=DRAFTED_AT,
        )

    def ask(
        self,
        user: User | None = None,
        kind: str = "stats.report",
        params: dict | None = None,
        **kwargs,
    ) -> ReleaseRequest:
        return services.release_request(
            actor=user or self.reviewer,
            kind=kind,
            params={"report": self.report.pk} if params is None else params,
            purpose=kwargs.pop("purpose", PURPOSE),
            **kwargs,
        )

    def approved(self, user: User | None = None, **kwargs) -> ReleaseRequest:
        grant = kwargs.pop("grant_personal_data", False)
        release = self.ask(user, **kwargs)
        return services.release_approve(
            actor=self.supervisor, release=release, grant_personal_data=grant
        )

    def download(self, user: User, release: ReleaseRequest):  # type: ignore[no-untyped-def]
        self.client.force_login(user)
        return self.client.post(f"/releases/{release.pk}/download/")

    @staticmethod
    def workbook(response):  # type: ignore[no-untyped-def]
        return load_workbook(io.BytesIO(response.content))

    @staticmethod
    def csv_lines(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
        text = response.content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))
