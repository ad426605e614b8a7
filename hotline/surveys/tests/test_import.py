"""Excel import of targets: every row checked, all or nothing, duplicates skipped."""

import io

from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.surveys import services
from hotline.surveys.models import CampaignEvent, Target, TargetSource
from hotline.surveys.targets import MAX_IMPORT_BYTES, targets_import_excel
from hotline.surveys.tests.base import SurveyTestCase, xlsx_bytes


class ExcelImportTests(SurveyTestCase):
    def run_import(self, content: bytes, *, name: str = "名单.xlsx", actor=None):  # type: ignore[no-untyped-def]
        return targets_import_excel(
            campaign=self.campaign,
            actor=actor or self.reviewer,
            upload=io.BytesIO(content),
            name=name,
            size=len(content),
        )

    def setUp(self):
        self.campaign = self.make_campaign()

    def test_good_file_adds_every_row_sealed_and_masked(self):
        content = xlsx_bytes(
            [("张三", "13812345678"), ("", 13912345678), ("欧阳小明", "+86 137-1234-5678")]
        )
        result = self.run_import(content)
        self.assertEqual((result.created, result.duplicates), (3, 0))
        rows = Target.objects.filter(campaign=self.campaign).order_by("pk")
        self.assertEqual(
            [(t.phone, t.phone_mask, t.name_mask) for t in rows],
            [
                ("13812345678", "138****5678", "张*"),
                ("13912345678", "139****5678", ""),
                ("13712345678", "137****5678", "欧**明"),
            ],
        )
        self.assertTrue(all(t.source == TargetSource.EXCEL for t in rows))
        self.assertEqual(len({t.web_token for t in rows}), 3)
        event = self.campaign.events.get(action=CampaignEvent.Action.IMPORT)
        self.assertEqual((event.data["created"], event.data["duplicates"]), (3, 0))

    def test_header_may_say_shouji_and_columns_may_be_in_any_order(self):
        content = xlsx_bytes([("13812345678", "张三")], header=("手机号码", "姓名"))
        self.assertEqual(self.run_import(content).created, 1)
        self.assertEqual(Target.objects.get().name, "张三")

    def test_a_bad_row_refuses_the_whole_file_and_names_the_rows(self):
        content = xlsx_bytes(
            [
                ("张三", "13812345678"),
                ("李四", "12ab"),
                ("", ""),
                ("王五", None),
                ("赵六", "1390000"),
            ]
        )
        with self.assertRaises(InvalidInput) as caught:
            self.run_import(content)
        message = caught.exception.message
        self.assertIn("有 2 行不正确", message)
        self.assertIn("第 3 行", message)
        self.assertIn("第 5 行：号码为空", message)
        self.assertNotIn("第 2 行", message)
        self.assertNotIn("第 6 行", message)
        self.assertFalse(Target.objects.exists())

    def test_duplicates_in_the_file_and_in_the_list_are_skipped_and_counted(self):
        self.run_import(xlsx_bytes([("张三", "13812345678")]))
        result = self.run_import(
            xlsx_bytes(
                [("张三", "138 1234 5678"), ("李四", "13912345678"), ("李四", "13912345678")]
            )
        )
        self.assertEqual((result.created, result.duplicates), (1, 2))
        self.assertEqual(Target.objects.filter(campaign=self.campaign).count(), 2)

    def test_the_same_number_may_be_in_two_campaigns(self):
        self.run_import(xlsx_bytes([("张三", "13812345678")]))
        other = self.make_campaign(title="另一项调查")
        self.import_phones(other, ["13812345678"])
        self.assertEqual(Target.objects.count(), 2)

    def test_wrong_type_is_refused(self):
        with self.assertRaises(InvalidInput) as caught:
            self.run_import("姓名,电话\n张三,13812345678\n".encode(), name="名单.csv")
        self.assertIn(".xlsx", caught.exception.message)
        with self.assertRaises(InvalidInput) as caught:
            self.run_import(b"%PDF-1.4 not a workbook", name="名单.xlsx")
        self.assertIn("不是有效的 Excel 文件", caught.exception.message)
        with self.assertRaises(InvalidInput) as caught:
            self.run_import(b"PK\x03\x04 broken zip", name="名单.xlsx")
        self.assertIn("无法读取", caught.exception.message)

    def test_too_large_is_refused_before_reading(self):
        with self.assertRaises(InvalidInput) as caught:
            targets_import_excel(
                campaign=self.campaign,
                actor=self.reviewer,
                upload=io.BytesIO(b"PK\x03\x04"),
                name="名单.xlsx",
                size=MAX_IMPORT_BYTES + 1,
            )
        self.assertIn("5 MB", caught.exception.message)

    def test_a_file_without_a_phone_column_is_refused(self):
        with self.assertRaises(InvalidInput) as caught:
            self.run_import(xlsx_bytes([("张三", "13812345678")], header=("姓名", "号码")))
        self.assertIn("“电话”或“手机”", caught.exception.message)

    def test_only_managers_import_and_not_into_a_closed_campaign(self):
        content = xlsx_bytes([("张三", "13812345678")])
        with self.assertRaises(NotAllowed):
            self.run_import(content, actor=self.operator)
        services.campaign_start(campaign=self.campaign, actor=self.reviewer)
        services.campaign_close(campaign=self.campaign, actor=self.reviewer)
        with self.assertRaises(WrongState):
            self.run_import(content)
