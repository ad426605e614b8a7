"""The results page's numbers, computed by hand, and the Excel export's contents (Art. 22:
no numbers, no names)."""

import io

from openpyxl import load_workbook

from hotline.audit.models import AuditEntry
from hotline.clock import frozen_at
from hotline.core.errors import NotAllowed
from hotline.surveys import calls
from hotline.surveys.results import campaign_results, campaign_workbook, scrub
from hotline.surveys.tests.base import SurveyTestCase
from hotline.testing import aware

P = ["13800000001", "13800000002", "13800000003", "13800000004", "13800000005", "13800000006"]


class ResultsData(SurveyTestCase):
    """Six targets: three answered (two by phone, one on the web), one refused, one
    unreachable after two tries, one never called."""

    def setUp(self):
        self.campaign = self.running_campaign(
            P, max_attempts=2, different_days=False, web_link_enabled=True
        )
        self.q1, self.q2, self.q3, self.q4 = self.questions(self.campaign)
        t = {phone: self.target(self.campaign, phone) for phone in P}
        with frozen_at(aware("2025-10-13 09:00")):
            calls.response_record(
                target=t[P[0]],
                actor=self.operator,
                answers=self.answers(
                    self.campaign, "了解", ["电话", "网站"], 5, "希望延长服务时间"
                ),
            )
        with frozen_at(aware("2025-10-13 09:10")):
            calls.response_record(
                target=t[P[1]],
                actor=self.lead,
                answers=self.answers(self.campaign, "不了解", ["电话"], 3, ""),
            )
        with frozen_at(aware("2025-10-13 10:00")):
            calls.response_record_web(
                target=t[P[2]],
                answers={self.q1.pk: "了解", self.q3.pk: 4, self.q4.pk: "请回电 13912345678"},
            )
            calls.target_refused(target=t[P[3]], actor=self.operator)
            calls.target_not_reached(target=t[P[4]], actor=self.operator)
            calls.target_not_reached(target=t[P[4]], actor=self.operator)
        # P[5] is never called.


class ResultsTests(ResultsData):
    def test_counts_and_response_rate(self):
        results = campaign_results(campaign=self.campaign)
        self.assertEqual(
            results.counts,
            {
                "pending": 1,
                "in_progress": 0,
                "completed": 3,
                "unreachable": 1,
                "refused": 1,
                "total": 6,
            },
        )
        self.assertEqual(results.response_rate, 50.0)
        self.assertEqual((results.responses, results.by_channel), (3, {"phone": 2, "web": 1}))

    def test_choice_counts_and_percentages_of_those_who_answered(self):
        q1, q2, _q3, _q4 = campaign_results(campaign=self.campaign).questions
        self.assertEqual(q1.answered, 3)
        self.assertEqual(
            [(b.label, b.count, b.percent) for b in q1.bars],
            [("了解", 2, 66.7), ("不了解", 1, 33.3)],
        )
        self.assertEqual(q2.answered, 2)
        self.assertEqual(
            [(b.label, b.count, b.percent) for b in q2.bars],
            [("电话", 2, 100.0), ("网站", 1, 50.0), ("现场", 0, 0.0)],
        )

    def test_scale_mean_and_distribution(self):
        q3 = campaign_results(campaign=self.campaign).questions[2]
        self.assertEqual((q3.answered, q3.mean), (3, 4.0))
        self.assertEqual(
            [(b.label, b.count, b.percent) for b in q3.bars],
            [("1", 0, 0.0), ("2", 0, 0.0), ("3", 1, 33.3), ("4", 1, 33.3), ("5", 1, 33.3)],
        )

    def test_free_text_is_listed_with_phone_numbers_masked(self):
        q4 = campaign_results(campaign=self.campaign).questions[3]
        self.assertEqual(q4.texts, ["希望延长服务时间", "请回电 *******5678"])

    def test_charts_are_inline_svg_with_the_numbers_as_text(self):
        results = campaign_results(campaign=self.campaign)
        svg = str(results.questions[0].chart)
        self.assertTrue(svg.startswith("<svg"))
        self.assertIn('role="img"', svg)
        self.assertIn("2（66.7%）", svg)
        self.assertEqual(svg.count("<rect"), 2)
        self.assertIn("已完成", str(results.status_chart))

    def test_chart_labels_are_escaped(self):
        from hotline.surveys.results import Bar, bars_svg

        svg = str(bars_svg([Bar("<script>", 1, 100.0)], title="a&b"))
        self.assertNotIn("<script>", svg)
        self.assertIn("&lt;script&gt;", svg)

    def test_scrub_keeps_dates_and_short_numbers(self):
        self.assertEqual(scrub("2025-10-09 来了 3 次"), "2025-10-09 来了 3 次")
        self.assertEqual(scrub("打 138-1234-5678 或 0298765432"), "打 *******5678 或 ******5432")


class ExportTests(ResultsData):
    def export(self, actor=None):  # type: ignore[no-untyped-def]
        workbook, _ = campaign_workbook(campaign=self.campaign, actor=actor or self.manager_a)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return load_workbook(buffer)

    def all_cells(self, workbook) -> str:  # type: ignore[no-untyped-def]
        return "\n".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )

    def test_summary_and_answers_sheets(self):
        workbook = self.export()
        self.assertEqual(workbook.sheetnames, ["汇总", "答卷"])
        summary = {
            row[0]: row[1:] for row in workbook["汇总"].iter_rows(values_only=True) if row[0]
        }
        self.assertEqual(summary["调查名称"][0], self.campaign.title)
        self.assertEqual(summary["委托单位"][0], self.unit_a.name)
        self.assertEqual(summary["已完成"][:2], (3, 50.0))
        self.assertEqual(summary["合计"][0], 6)
        self.assertEqual(summary["应答率（%）"][0], 50.0)
        self.assertEqual(summary["平均分"][0], 4.0)
        answers = list(workbook["答卷"].iter_rows(values_only=True))
        self.assertEqual(
            answers[0],
            (
                "序号",
                "答卷时间",
                "渠道",
                "1. " + self.q1.text,
                "2. " + self.q2.text,
                "3. " + self.q3.text,
                "4. " + self.q4.text,
            ),
        )
        self.assertEqual(
            answers[1:],
            [
                (1, "2025-10-13 09:00", "电话", "了解", "电话、网站", 5, "希望延长服务时间"),
                (2, "2025-10-13 09:10", "电话", "不了解", "电话", 3, None),
                (3, "2025-10-13 10:00", "网页", "了解", None, 4, "请回电 *******5678"),
            ],
        )

    def test_the_workbook_holds_no_phone_number_or_name(self):
        text = self.all_cells(self.export())
        for phone in [*P, "13912345678"]:
            self.assertNotIn(phone, text)
            self.assertNotIn(phone[-8:], text)
        for name in ("居民0", "居民1", "居民2"):
            self.assertNotIn(name, text)

    def test_building_the_workbook_writes_nothing(self):
        # The file is released, watermarked and audited only by an approved request
        # (hotline.releases); building it is a read.
        before = AuditEntry.objects.count()
        self.export(self.manager_a)
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_other_units_and_operators_cannot_export(self):
        for actor in (self.manager_b, self.handler_a, self.operator, self.auditor, self.sysadmin):
            with self.subTest(actor=actor.username), self.assertRaises(NotAllowed):
                self.export(actor)
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists())

    def test_text_that_looks_like_a_formula_stays_text(self):
        target = self.target(self.campaign, P[5])
        calls.response_record(
            target=target,
            actor=self.operator,
            answers=self.answers(self.campaign, text='=HYPERLINK("http://x","y")'),
        )
        sheet = self.export()["答卷"]
        cell = sheet.cell(row=5, column=7)
        self.assertEqual((cell.value, cell.data_type), ('=HYPERLINK("http://x","y")', "s"))
