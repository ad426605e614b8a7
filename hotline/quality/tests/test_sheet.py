"""The scoring sheet: well-formed items, and an edit saved as the next version so that checks
keep the version they were scored on."""

import json

from django.core.exceptions import ValidationError

from hotline.audit.models import AuditEntry
from hotline.core.errors import InvalidInput, NotAllowed
from hotline.quality.models import Sheet
from hotline.quality.services import quality_sheet_save, sheet_current
from hotline.quality.tests.base import DEFAULT_ITEMS, QualityTestCase
from hotline.testing import aware

NEW_ITEMS = [
    {"code": "greeting", "label": "服务用语", "max_points": 10},
    {"code": "record", "label": "记录准确", "max_points": 30},
    {"code": "routing", "label": "派单准确", "max_points": 25},
    {"code": "policy", "label": "政策解答准确", "max_points": 25},
    {"code": "manners", "label": "服务态度", "max_points": 10},
]


class SheetTests(QualityTestCase):
    def test_the_default_sheet_totals_100(self):
        sheet = sheet_current()
        assert sheet is not None
        self.assertEqual(sheet.version, 1)
        self.assertEqual(sheet.items, DEFAULT_ITEMS)
        self.assertEqual(sheet.total, 100)

    def test_an_edit_is_saved_as_the_next_version_and_old_checks_keep_theirs(self):
        self.call(agent=self.operator, at=aware("2026-11-17 10:00"))
        self.call(agent=self.operator, at=aware("2026-11-17 11:00"))
        first, second = self.draw().checks.all()
        self.score(first)
        sheet = quality_sheet_save(actor=self.sysadmin, name="话务质检评分表", items=NEW_ITEMS)
        self.assertEqual(sheet.version, 2)
        self.assertEqual(Sheet.objects.get(version=1).items, DEFAULT_ITEMS)
        first.refresh_from_db()
        self.assertEqual(first.sheet.version, 1)
        scored = self.score(second, record=30, greeting=10)
        self.assertEqual((scored.sheet.version, scored.total), (2, 100))
        self.assertEqual(first.lines()[0], ("服务用语", 15, 15))

    def test_a_sheet_change_is_audited(self):
        quality_sheet_save(actor=self.sysadmin, name="新评分表", items=NEW_ITEMS)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.CONFIG_CHANGE)
        self.assertEqual(entry.detail["model"], "quality.sheet")

    def test_only_the_system_administrator_configures_sheets(self):
        with self.assertRaises(NotAllowed):
            quality_sheet_save(actor=self.lead, name="x", items=NEW_ITEMS)

    def test_malformed_items_are_refused_with_a_clear_message(self):
        bad = [
            ("x", "评分项须为非空列表"),
            ([], "评分项须为非空列表"),
            ([{"code": "a", "label": "甲"}], "第 1 项须且只须包含 code、label、max_points"),
            ([{"code": "a b", "label": "甲", "max_points": 100}], "代码须由英文字母"),
            ([{"code": "a", "label": "", "max_points": 100}], "第 1 项须有名称"),
            ([{"code": "a", "label": "甲", "max_points": 0}], "“甲”的分值须为正整数"),
            ([{"code": "a", "label": "甲", "max_points": "50"}], "“甲”的分值须为正整数"),
            (
                [
                    {"code": "a", "label": "甲", "max_points": 50},
                    {"code": "a", "label": "乙", "max_points": 50},
                ],
                "评分项代码“a”重复",
            ),
            ([{"code": "a", "label": "甲", "max_points": 90}], "合计须为 100 分（现在 90 分）"),
        ]
        for items, message in bad:
            with self.subTest(items=items):
                with self.assertRaisesMessage(InvalidInput, message):
                    quality_sheet_save(actor=self.sysadmin, name="x", items=items)
                with self.assertRaisesMessage(ValidationError, message):
                    Sheet(version=99, name="x", items=items).full_clean()
        self.assertEqual(Sheet.objects.count(), 1)


class SheetAdminTests(QualityTestCase):
    def test_the_admin_adds_a_version_starting_from_the_current_one(self):
        self.client.force_login(self.sysadmin)
        form = self.client.get("/admin/quality/sheet/add/")
        self.assertContains(form, "政策解答准确")
        response = self.client.post(
            "/admin/quality/sheet/add/", {"name": "话务质检评分表", "items": json.dumps(NEW_ITEMS)}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(Sheet.objects.values_list("version", flat=True)), [2, 1])
        self.assertEqual(Sheet.objects.get(version=1).items, DEFAULT_ITEMS)
        self.assertEqual(Sheet.objects.get(version=2).items, NEW_ITEMS)

    def test_the_admin_shows_what_is_wrong_with_the_items(self):
        self.client.force_login(self.sysadmin)
        items = [dict(item) for item in NEW_ITEMS]
        items[0]["max_points"] = 5
        response = self.client.post(
            "/admin/quality/sheet/add/", {"name": "x", "items": json.dumps(items)}
        )
        self.assertContains(response, "合计须为 100 分（现在 95 分）")
        self.assertEqual(Sheet.objects.count(), 1)

    def test_no_version_is_changed_or_deleted_in_the_admin(self):
        self.client.force_login(self.sysadmin)
        sheet = Sheet.objects.get(version=1)
        change = self.client.post(
            f"/admin/quality/sheet/{sheet.pk}/change/",
            {"name": "x", "items": json.dumps(NEW_ITEMS)},
        )
        self.assertNotEqual(change.status_code, 302)
        self.assertEqual(
            self.client.post(f"/admin/quality/sheet/{sheet.pk}/delete/").status_code, 403
        )
        self.assertEqual(Sheet.objects.get().items, DEFAULT_ITEMS)

    def test_a_lead_cannot_open_the_sheet_admin(self):
        self.client.force_login(self.lead)
        response = self.client.get("/admin/quality/sheet/")
        self.assertNotEqual(response.status_code, 200)
