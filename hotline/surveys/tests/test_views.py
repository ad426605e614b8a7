"""Every survey page: who is let in (and who is not), and the forms keeping what was typed."""

import io

from django.db import connection
from openpyxl import load_workbook

from hotline.audit.models import AuditEntry
from hotline.clock import frozen_at
from hotline.orders import services as order_services
from hotline.releases.services import release_approve, release_request
from hotline.surveys import calls, services
from hotline.surveys.models import Campaign, Question, Response, Target, TargetStatus
from hotline.surveys.tests.base import PHONES, SurveyTestCase, xlsx_bytes, xlsx_upload
from hotline.testing import aware


class AccessTests(SurveyTestCase):
    """Every view, with the personas it must turn away (404: the page is not theirs)."""

    def setUp(self):
        self.campaign = self.running_campaign()
        self.draft = self.make_campaign(title="草稿调查")
        self.target_ = self.target(self.campaign, PHONES[0])
        self.question = self.questions(self.draft)[0]

    def status(self, user, method: str, url: str) -> int:  # type: ignore[no-untyped-def]
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
        return getattr(self.client, method)(url).status_code

    def check(self, method: str, url: str, *, allowed, denied) -> None:  # type: ignore[no-untyped-def]
        for user in denied:
            with self.subTest(url=url, user=user.username, expect="denied"):
                self.assertEqual(self.status(user, method, url), 404)
        for user in allowed:
            with self.subTest(url=url, user=user.username, expect="allowed"):
                self.assertIn(self.status(user, method, url), (200, 302))
        with self.subTest(url=url, user="anonymous"):
            self.client.logout()
            response = getattr(self.client, method)(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn("/login/", response["Location"])

    def test_list(self):
        self.check(
            "get",
            "/surveys/",
            allowed=[self.reviewer, self.lead, self.operator, self.supervisor, self.manager_a],
            denied=[self.handler_a, self.auditor, self.sysadmin],
        )

    def test_list_shows_each_only_their_campaigns(self):
        self.client.force_login(self.manager_b)
        self.assertNotContains(self.client.get("/surveys/"), self.campaign.title)
        self.client.force_login(self.manager_a)
        self.assertContains(self.client.get("/surveys/"), self.campaign.title)
        self.client.force_login(self.operator)
        page = self.client.get("/surveys/")
        self.assertContains(page, self.campaign.title)
        self.assertNotContains(page, "草稿调查")

    def test_create(self):
        self.check(
            "get",
            "/surveys/new/",
            allowed=[self.reviewer, self.lead],
            denied=[self.operator, self.supervisor, self.manager_a, self.auditor, self.sysadmin],
        )

    def test_detail_and_edit(self):
        for url in (f"/surveys/{self.draft.pk}/", f"/surveys/{self.draft.pk}/edit/"):
            self.check(
                "get",
                url,
                allowed=[self.reviewer, self.lead],
                denied=[self.operator, self.manager_b, self.handler_a, self.auditor],
            )
        self.check(
            "get",
            f"/surveys/{self.draft.pk}/",
            allowed=[self.supervisor, self.manager_a],
            denied=[self.handler_a],
        )

    def test_unit_staff_and_operators_are_sent_to_their_page_from_the_detail(self):
        self.client.force_login(self.manager_a)
        self.assertRedirects(
            self.client.get(f"/surveys/{self.campaign.pk}/"),
            f"/surveys/{self.campaign.pk}/results/",
        )
        self.client.force_login(self.operator)
        self.assertRedirects(
            self.client.get(f"/surveys/{self.campaign.pk}/"), f"/surveys/{self.campaign.pk}/calls/"
        )

    def test_management_posts(self):
        denied = [self.operator, self.supervisor, self.manager_a, self.handler_a]
        for url in (
            f"/surveys/{self.draft.pk}/questions/",
            f"/surveys/{self.draft.pk}/questions/{self.question.pk}/remove/",
            f"/surveys/{self.draft.pk}/start/",
            f"/surveys/{self.campaign.pk}/close/",
        ):
            self.check("post", url, allowed=[], denied=denied)
        self.assertEqual(Campaign.objects.get(pk=self.draft.pk).status, "draft")
        self.assertEqual(Campaign.objects.get(pk=self.campaign.pk).status, "running")
        self.assertTrue(Question.objects.filter(pk=self.question.pk).exists())

    def test_import_and_draw(self):
        for url in (f"/surveys/{self.draft.pk}/import/", f"/surveys/{self.draft.pk}/draw/"):
            self.check(
                "get",
                url,
                allowed=[self.reviewer, self.lead],
                denied=[self.operator, self.supervisor, self.manager_a, self.auditor],
            )

    def test_approve(self):
        self.check(
            "post",
            f"/surveys/{self.draft.pk}/approve/",
            allowed=[],
            denied=[self.reviewer, self.lead, self.operator, self.manager_a, self.auditor],
        )
        self.assertFalse(Campaign.objects.get(pk=self.draft.pk).past_callers_approved)

    def test_calls(self):
        self.check(
            "get",
            f"/surveys/{self.campaign.pk}/calls/",
            allowed=[self.operator, self.lead],
            denied=[self.reviewer, self.supervisor, self.manager_a, self.handler_a],
        )
        self.check("get", f"/surveys/{self.draft.pk}/calls/", allowed=[], denied=[self.operator])

    def test_call_screen(self):
        self.check(
            "get",
            f"/surveys/calls/{self.target_.pk}/",
            allowed=[self.operator],
            denied=[self.reviewer, self.supervisor, self.manager_a, self.handler_a, self.auditor],
        )
        for user in (self.reviewer, self.manager_a):
            self.client.force_login(user)
            response = self.client.post(
                f"/surveys/calls/{self.target_.pk}/", {"outcome": "refused"}
            )
            self.assertEqual(response.status_code, 404)
        self.assertEqual(Target.objects.get(pk=self.target_.pk).status, TargetStatus.PENDING)

    def test_results_and_export(self):
        for method, url in (
            ("get", f"/surveys/{self.campaign.pk}/results/"),
            ("post", f"/surveys/{self.campaign.pk}/results.xlsx"),
        ):
            self.check(
                method,
                url,
                allowed=[self.reviewer, self.lead, self.supervisor, self.manager_a, self.leader_a],
                denied=[self.operator, self.handler_a, self.manager_b, self.auditor, self.sysadmin],
            )

    def test_export_is_a_post_and_a_get_writes_nothing(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(f"/surveys/{self.campaign.pk}/results.xlsx")
        self.assertEqual(response.status_code, 405)
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists())


class CampaignPageTests(SurveyTestCase):
    def test_create_keeps_what_was_typed_when_refused(self):
        self.client.force_login(self.reviewer)
        response = self.client.post(
            "/surveys/new/",
            {"title": "菜市场满意度", "purpose": "了解摊位管理", "max_attempts": "0"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "请选择委托单位。", status_code=400)
        self.assertContains(response, "至少拨打 1 次。", status_code=400)
        self.assertContains(response, 'value="菜市场满意度"', status_code=400)
        self.assertContains(response, "了解摊位管理", status_code=400)
        self.assertFalse(Campaign.objects.exists())

    def test_create_add_questions_and_start_on_the_pages(self):
        self.client.force_login(self.reviewer)
        response = self.client.post(
            "/surveys/new/",
            {
                "title": "菜市场满意度",
                "commissioning_unit": self.unit_b.pk,
                "max_attempts": "3",
                "different_days": "on",
            },
        )
        campaign = Campaign.objects.get()
        self.assertRedirects(response, f"/surveys/{campaign.pk}/")
        bad = self.client.post(
            f"/surveys/{campaign.pk}/questions/",
            {"q-kind": "single", "q-text": "是否满意", "q-choices": "满意"},
        )
        self.assertEqual(bad.status_code, 400)
        self.assertContains(bad, "选择题至少需要两个选项。", status_code=400)
        self.assertContains(bad, 'value="是否满意"', status_code=400)
        self.client.post(
            f"/surveys/{campaign.pk}/questions/",
            {
                "q-kind": "single",
                "q-text": "是否满意",
                "q-choices": "满意\n不满意\n",
                "q-required": "on",
            },
        )
        self.client.post(
            f"/surveys/{campaign.pk}/questions/",
            {"q-kind": "scale", "q-text": "打分", "q-scale_min": "1", "q-scale_max": "10"},
        )
        questions = self.questions(campaign)
        self.assertEqual(
            [(q.kind, q.choices) for q in questions],
            [("single", ["满意", "不满意"]), ("scale", [])],
        )
        self.assertEqual((questions[1].scale_max, questions[1].required), (10, False))
        self.client.post(f"/surveys/{campaign.pk}/start/")
        self.assertEqual(Campaign.objects.get().status, "running")

    def test_editing_a_running_campaign_keeps_its_commissioning_unit(self):
        campaign = self.running_campaign()
        self.client.force_login(self.lead)
        page = self.client.get(f"/surveys/{campaign.pk}/edit/")
        self.assertContains(page, "调查开始后不能更换委托单位。")
        response = self.client.post(
            f"/surveys/{campaign.pk}/edit/",
            {
                "title": "改名后的调查",
                "commissioning_unit": self.unit_b.pk,
                "max_attempts": "4",
                "web_link_enabled": "on",
            },
        )
        self.assertRedirects(response, f"/surveys/{campaign.pk}/")
        campaign = Campaign.objects.get(pk=campaign.pk)
        self.assertEqual(
            (campaign.title, campaign.commissioning_unit, campaign.max_attempts),
            ("改名后的调查", self.unit_a, 4),
        )
        self.assertFalse(campaign.different_days)
        self.assertTrue(campaign.web_link_enabled)

    def test_import_page_reports_counts_and_bad_rows(self):
        campaign = self.make_campaign()
        self.client.force_login(self.lead)
        good = xlsx_bytes([("张三", "13812345678"), ("李四", "13812345678")])
        response = self.client.post(
            f"/surveys/{campaign.pk}/import/", {"file": xlsx_upload(good)}, follow=True
        )
        self.assertContains(response, "已导入 1 个号码，跳过重复号码 1 个。")
        self.assertContains(response, "138****5678")
        self.assertNotContains(response, "13812345678")
        bad = xlsx_bytes([("王五", "12"), ("赵六", "13912345678")])
        response = self.client.post(f"/surveys/{campaign.pk}/import/", {"file": xlsx_upload(bad)})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "第 2 行：号码“12”不正确", status_code=400)
        wrong = self.client.post(
            f"/surveys/{campaign.pk}/import/", {"file": xlsx_upload(b"hello", name="名单.txt")}
        )
        self.assertContains(wrong, "只能导入 Excel 文件（.xlsx）。", status_code=400)
        self.assertEqual(Target.objects.count(), 1)

    def test_approve_then_draw_on_the_pages(self):
        with frozen_at(aware("2025-10-09 10:00")):
            order = self.create_order(request_type="consult", caller_phone="13811110001")
            order_services.order_answer(order=order, actor=self.operator, answer="已答复。")
        campaign = self.make_campaign()
        self.client.force_login(self.reviewer)
        form = {"created_from": "2025-10-01", "created_to": "2025-10-31"}
        refused = self.client.post(f"/surveys/{campaign.pk}/draw/", form)
        self.assertContains(refused, "须经热线主管单位批准", status_code=400)
        self.client.force_login(self.supervisor)
        empty = self.client.post(f"/surveys/{campaign.pk}/approve/", {"note": ""})
        self.assertContains(empty, "请填写批准意见。", status_code=400)
        self.client.post(f"/surveys/{campaign.pk}/approve/", {"note": "同意"})
        self.client.force_login(self.reviewer)
        done = self.client.post(f"/surveys/{campaign.pk}/draw/", form, follow=True)
        self.assertContains(done, "符合条件的来电人 1 人，已加入 1 人")
        self.assertContains(done, "138****0001")
        self.assertNotContains(done, "13811110001")


class CallPageTests(SurveyTestCase):
    def setUp(self):
        self.campaign = self.running_campaign()
        self.target_ = self.target(self.campaign, PHONES[0])
        self.url = f"/surveys/calls/{self.target_.pk}/"
        self.q1, self.q2, self.q3, self.q4 = self.questions(self.campaign)
        self.client.force_login(self.operator)

    def test_queue_lists_masks_only(self):
        page = self.client.get(f"/surveys/{self.campaign.pk}/calls/")
        self.assertContains(page, "138****0001")
        self.assertContains(page, "拨打下一个")
        for phone in PHONES:
            self.assertNotContains(page, phone)

    def test_call_screen_shows_the_number_after_an_audited_open(self):
        page = self.client.get(self.url)
        self.assertNotContains(page, PHONES[0])
        self.assertContains(page, "138****0001")
        self.assertFalse(
            AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL_PERSONAL_DATA).exists()
        )  # a GET writes nothing
        self.assertIsNone(Target.objects.get(pk=self.target_.pk).assigned_operator)
        response = self.client.post(self.url, {"outcome": "open"})
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        for _reload in range(2):
            page = self.client.get(self.url)
            self.assertContains(page, PHONES[0])
            self.assertContains(page, self.q1.text)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEAL_PERSONAL_DATA)
        self.assertEqual(
            (entry.actor, entry.target), (self.operator, f"survey-target:{self.target_.pk}")
        )
        self.assertEqual(Target.objects.get(pk=self.target_.pk).assigned_operator, self.operator)

    def test_the_web_link_is_offered_when_enabled(self):
        self.client.post(self.url, {"outcome": "open"})
        page = self.client.get(self.url)
        self.assertNotContains(page, "/surveys/r/")
        campaign = services.campaign_update(
            campaign=self.campaign,
            actor=self.reviewer,
            title=self.campaign.title,
            commissioning_unit=self.unit_a,
            web_link_enabled=True,
        )
        page = self.client.get(self.url)
        self.assertContains(page, f"/surveys/r/{self.target_.web_token}/")
        self.assertTrue(campaign.web_link_enabled)

    def test_a_number_open_elsewhere_sends_the_operator_back(self):
        self.client.post(self.url, {"outcome": "open"})
        self.client.force_login(self.lead)
        for method in (self.client.get, self.client.post):
            response = method(self.url, {"outcome": "open"}, follow=True)
            self.assertContains(response, "该号码正由")
        self.assertEqual(AuditEntry.objects.filter(actor=self.lead).count(), 0)
        self.assertEqual(Target.objects.get(pk=self.target_.pk).assigned_operator, self.operator)

    def test_invalid_answers_are_shown_and_kept(self):
        self.client.post(self.url, {"outcome": "open"})
        response = self.client.post(
            self.url,
            {"outcome": "answered", f"a-q{self.q1.pk}": "了解", f"a-q{self.q4.pk}": "路灯不亮"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "此题必答。", status_code=400)
        self.assertContains(response, "路灯不亮", status_code=400)
        self.assertContains(response, PHONES[0], status_code=400)
        self.assertFalse(Response.objects.exists())

    def test_answers_not_reached_and_refused(self):
        self.client.post(self.url, {"outcome": "open"})
        response = self.client.post(
            self.url,
            {"outcome": "answered", f"a-q{self.q1.pk}": "了解", f"a-q{self.q3.pk}": "4"},
        )
        self.assertRedirects(response, f"/surveys/{self.campaign.pk}/calls/")
        self.assertEqual(Target.objects.get(pk=self.target_.pk).status, TargetStatus.COMPLETED)
        second = self.target(self.campaign, PHONES[1])
        self.client.post(f"/surveys/calls/{second.pk}/", {"outcome": "open"})
        page = self.client.post(
            f"/surveys/calls/{second.pk}/",
            {"outcome": "not_reached", "call-note": "关机"},
            follow=True,
        )
        self.assertContains(page, "已记录未接通（第 1 次）")
        self.assertEqual(second.tries.get().note, "关机")
        third = self.target(self.campaign, PHONES[2])
        self.client.post(f"/surveys/calls/{third.pk}/", {"outcome": "open"})
        self.client.post(f"/surveys/calls/{third.pk}/", {"outcome": "refused"})
        self.assertEqual(Target.objects.get(pk=third.pk).status, TargetStatus.REFUSED)

    def test_a_finished_target_cannot_be_opened_again(self):
        calls.target_refused(target=self.target_, actor=self.operator)
        response = self.client.get(self.url, follow=True)
        self.assertContains(response, "无需再拨打")
        self.assertFalse(
            AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL_PERSONAL_DATA).exists()
        )


class ResultsPageTests(SurveyTestCase):
    def test_the_commissioning_unit_sees_counts_and_charts_but_no_numbers(self):
        campaign = self.running_campaign()
        calls.response_record(
            target=self.target(campaign, PHONES[0]),
            actor=self.operator,
            answers=self.answers(campaign, text="谢谢"),
        )
        calls.target_refused(target=self.target(campaign, PHONES[1]), actor=self.operator)
        self.client.force_login(self.leader_a)
        page = self.client.get(f"/surveys/{campaign.pk}/results/")
        self.assertContains(page, '<strong data-count="completed">1</strong>', html=False)
        self.assertContains(page, '<strong data-count="refused">1</strong>', html=False)
        self.assertContains(page, '<strong data-count="pending">2</strong>', html=False)
        self.assertContains(page, '<strong data-count="rate">25.0%</strong>', html=False)
        self.assertContains(
            page, "<svg", count=4
        )  # the status chart and one per choice/scale question
        self.assertContains(page, "谢谢")
        for phone in PHONES:
            self.assertNotContains(page, phone)
            self.assertNotContains(page, phone[:3] + "****" + phone[-4:])
        # The export button opens the release request form (Art. 24); the file comes once a
        # supervisor has approved it, watermarked on its first row.
        export = self.client.post(f"/surveys/{campaign.pk}/results.xlsx")
        self.assertRedirects(
            export,
            f"/releases/new/?kind=surveys.results&campaign={campaign.pk}",
            fetch_redirect_response=False,
        )
        self.assertFalse(AuditEntry.objects.filter(action="export").exists())
        release = release_request(
            actor=self.leader_a,
            kind="surveys.results",
            params={"campaign": campaign.pk},
            purpose="向区政府报送本次调查的结果",
        )
        release_approve(actor=self.supervisor, release=release)
        self.client.force_login(self.leader_a)
        export = self.client.post(f"/releases/{release.pk}/download/")
        self.assertEqual(
            export["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertIn("attachment;", export["Content-Disposition"])
        workbook = load_workbook(io.BytesIO(export.content))
        self.assertEqual(workbook["答卷"].max_row, 3)  # the watermark, the header, one answer
        self.assertIn(release.number, workbook["答卷"]["A1"].value)
        self.assertTrue(
            AuditEntry.objects.filter(actor=self.leader_a, action="release_download").exists()
        )


class SealedAtRestTests(SurveyTestCase):
    def test_a_raw_database_read_finds_no_clear_number_or_name(self):
        campaign = self.running_campaign()
        table = Target._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT phone, name, phone_mask, name_mask FROM {table}")  # noqa: S608
            rows = cursor.fetchall()
        self.assertEqual(len(rows), 4)
        dump = repr(rows)
        for index, phone in enumerate(PHONES):
            self.assertNotIn(phone, dump)
            self.assertNotIn(f"居民{index}", dump)
        self.assertTrue(
            all(row[0].startswith("v2:k") and row[1].startswith("v2:k") for row in rows)
        )
        self.assertEqual(self.target(campaign, PHONES[0]).phone, PHONES[0])
