"""`hotline stats`, the assessment weights' versions, and hotspots."""

import io
import json
import math
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase
from openpyxl import load_workbook

from hotline import clock
from hotline.audit.models import AuditEntry
from hotline.catalogue.models import Category
from hotline.core.errors import DomainError
from hotline.stats.models import AssessmentScheme
from hotline.stats.periods import Period
from hotline.stats.services import report_draft, scheme_add
from hotline.stats.tests.base import NOW, NovemberTestCase
from hotline.stats.warnings import hotspots
from hotline.testing import BaseTestCase


class StatsCommandTest(NovemberTestCase):
    def run_stats(self, *args: str) -> str:
        out = io.StringIO()
        with clock.frozen_at(NOW):
            call_command("stats", *args, stdout=out)
        return out.getvalue()

    def test_json_has_the_documented_keys(self):
        data = json.loads(self.run_stats("--from", "2026-11-01", "--to", "2026-11-30"))
        self.assertEqual(data["received"], 9)
        self.assertEqual(data["by_type"], {"help": 5, "complaint": 2, "consult": 2})
        self.assertEqual(data["by_channel"], {"phone": 9})
        self.assertEqual(data["not_accepted"], 1)
        self.assertEqual(data["answered_at_once"], 2)
        self.assertEqual(data["dispatched"], 5)
        units = {row["code"]: row for row in data["units"]}
        for key in (
            "code",
            "dispatched",
            "replied_on_time",
            "returned",
            "reopened",
            "satisfaction",
        ):
            self.assertIn(key, units["urban"])
        self.assertEqual(units["market"]["returned"], 1)
        self.assertAlmostEqual(units["urban"]["satisfaction"], 2 / 3)

    def test_one_unit(self):
        data = json.loads(
            self.run_stats("--from", "2026-11-01", "--to", "2026-11-30", "--unit", "market")
        )
        self.assertEqual([row["code"] for row in data["units"]], ["market"])
        self.assertEqual(data["units"][0]["dispatched"], 1)

    def test_xlsx(self):
        path = str(Path(self.enterContext(tempfile.TemporaryDirectory())) / "stats.xlsx")
        self.run_stats(
            "--from", "2026-11-01", "--to", "2026-11-30", "--format", "xlsx", "--output", path
        )
        workbook = load_workbook(path)
        self.assertIn("概况", workbook.sheetnames)
        cells = " ".join(
            str(cell.value)
            for sheet in workbook
            for row in sheet.iter_rows()
            for cell in row
            if cell.value
        )
        self.assertIn("接通率", cells)
        self.assertNotIn("13812345678", cells)

    def test_bad_arguments(self):
        for args in (
            ("--from", "2026-11-30", "--to", "2026-11-01"),
            ("--from", "yesterday", "--to", "2026-11-01"),
            ("--from", "2026-11-01", "--to", "2026-11-30", "--unit", "nope"),
        ):
            with self.assertRaises(CommandError):
                self.run_stats(*args)


class SchemeTest(NovemberTestCase):
    def test_a_new_version_is_added_and_reports_name_theirs(self):
        first = report_draft(
            actor=self.reviewer,
            period=Period(
                NOW.date().replace(day=1) - timedelta(days=30),
                NOW.date().replace(day=1) - timedelta(days=1),
            ),
            now=NOW,
        )
        self.assertEqual(first.scheme.version, 1)
        scheme = scheme_add(
            actor=self.sysadmin,
            scheme=AssessmentScheme(
                unit_response=Decimal("0.30"),
                unit_resolution=Decimal("0.30"),
                unit_satisfaction=Decimal("0.40"),
            ),
        )
        self.assertEqual(scheme.version, 2)
        self.assertTrue(AuditEntry.objects.filter(target="stats.assessmentscheme:2").exists())
        second = report_draft(actor=self.reviewer, period=Period(first.start, first.end), now=NOW)
        self.assertEqual(second.figures["scheme"]["version"], 2)
        first.refresh_from_db()
        self.assertEqual(first.figures["scheme"]["version"], 1)

    def test_weights_must_add_up(self):
        with self.assertRaises(ValidationError):
            scheme_add(
                actor=self.sysadmin,
                scheme=AssessmentScheme(unit_response=Decimal("0.50")),
            )
        self.assertEqual(AssessmentScheme.objects.count(), 1)

    def test_only_the_system_administrator_sets_weights(self):
        with self.assertRaises(DomainError):
            scheme_add(actor=self.reviewer, scheme=AssessmentScheme())

    def test_the_admin_adds_but_never_changes(self):
        self.client.force_login(self.sysadmin)
        self.assertEqual(self.client.get("/admin/stats/assessmentscheme/add/").status_code, 200)
        scheme = AssessmentScheme.objects.get()
        response = self.client.post(f"/admin/stats/assessmentscheme/{scheme.pk}/change/", {})
        self.assertIn(response.status_code, (302, 403))
        scheme.refresh_from_db()
        self.assertEqual(scheme.unit_response, Decimal("0.20"))


class HotspotTest(BaseTestCase):
    def call_at(self, moment, category: str = "urban.02", **kwargs):  # type: ignore[no-untyped-def]
        with clock.frozen_at(moment):
            return self.create_order(category=category, **kwargs)

    def test_a_rise_above_its_own_baseline_is_flagged_with_why(self):
        now = clock.now()
        # A steady one a week for four weeks, then five in the last day.
        for week in range(1, 5):
            self.call_at(now - timedelta(days=7 * week + 1))
        for hour in range(5):
            self.call_at(now - timedelta(hours=hour + 1))
        spots = hotspots(user=self.reviewer, now=now)
        category = Category.objects.get(code="urban.02")
        found = [s for s in spots if s.dimension == "category" and s.key == category.pk]
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0].count, 5)
        self.assertIn("基线", found[0].why)
        self.assertEqual(len(found[0].orders), 5)

    def test_a_quiet_category_with_one_request_is_no_alarm(self):
        now = clock.now()
        self.call_at(now - timedelta(hours=1))
        self.assertEqual(hotspots(user=self.reviewer, now=now), [])

    def test_three_requests_in_a_quiet_week_are_no_alarm(self):
        now = clock.now()
        for day in (1, 3, 5):
            self.call_at(now - timedelta(days=day))
        self.assertEqual(hotspots(user=self.reviewer, now=now), [])

    def test_a_steady_stream_is_no_alarm(self):
        now = clock.now()
        for day in range(35):
            for _ in range(2):
                self.call_at(now - timedelta(days=day, hours=2))
        spots = [s for s in hotspots(user=self.reviewer, now=now) if s.dimension == "category"]
        self.assertEqual(spots, [])


class ChanceTest(SimpleTestCase):
    def test_the_poisson_tail(self):
        from hotline.stats.warnings import chance_of_at_least

        self.assertAlmostEqual(chance_of_at_least(0, 2.0), 1.0)
        self.assertAlmostEqual(chance_of_at_least(1, 2.0), 1 - math.exp(-2))
        self.assertAlmostEqual(chance_of_at_least(3, 0.5), 1 - math.exp(-0.5) * 1.625)
