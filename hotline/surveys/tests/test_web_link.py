"""The respondent's own web link: public, answered once, only while the campaign runs and the
link is enabled."""

from hotline.surveys import calls, services
from hotline.surveys.models import Channel, Response, TargetStatus
from hotline.surveys.tests.base import PHONES, SurveyTestCase


class WebLinkTests(SurveyTestCase):
    def setUp(self):
        self.campaign = self.running_campaign(web_link_enabled=True)
        self.target_ = self.target(self.campaign, PHONES[0])
        self.url = f"/surveys/r/{self.target_.web_token}/"
        self.q1, self.q2, self.q3, self.q4 = self.questions(self.campaign)

    def post(self, **overrides):  # type: ignore[no-untyped-def]
        data = {
            f"a-q{self.q1.pk}": "了解",
            f"a-q{self.q2.pk}": ["电话", "现场"],
            f"a-q{self.q3.pk}": "5",
            f"a-q{self.q4.pk}": "服务很好",
        }
        data.update(overrides)
        return self.client.post(self.url, data)

    def test_the_page_shows_the_questionnaire_and_no_personal_data(self):
        response = self.client.get(self.url)
        self.assertContains(response, self.campaign.title)
        self.assertContains(response, self.unit_a.name)
        self.assertContains(response, self.q3.text)
        self.assertContains(response, "portal.css")
        self.assertNotContains(response, PHONES[0])
        self.assertNotContains(response, "居民0")

    def test_answering_once_shows_thanks_and_a_second_answer_is_refused(self):
        response = self.post()
        self.assertContains(response, "答卷已提交")
        saved = Response.objects.get()
        self.assertEqual((saved.channel, saved.operator), (Channel.WEB, None))
        self.assertEqual(
            {a.question_id: a.value for a in saved.answers.all()},
            {
                self.q1.pk: "了解",
                self.q2.pk: ["电话", "现场"],
                self.q3.pk: 5,
                self.q4.pk: "服务很好",
            },
        )
        self.assertEqual(self.target(self.campaign, PHONES[0]).status, TargetStatus.COMPLETED)
        again = self.post(**{f"a-q{self.q1.pk}": "不了解"})
        self.assertEqual(again.status_code, 409)
        self.assertContains(again, "您已提交过答卷", status_code=409)
        self.assertEqual(Response.objects.count(), 1)
        self.assertContains(self.client.get(self.url), "您已提交过答卷")

    def test_the_service_refuses_a_second_answer_too(self):
        from hotline.core.errors import WrongState

        calls.response_record_web(target=self.target_, answers=self.answers(self.campaign))
        with self.assertRaises(WrongState):
            calls.response_record_web(target=self.target_, answers=self.answers(self.campaign))

    def test_invalid_answers_keep_what_was_typed(self):
        response = self.post(**{f"a-q{self.q1.pk}": "", f"a-q{self.q3.pk}": "9"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "此题必答。", status_code=400)
        self.assertContains(response, "请选择一个分值。", status_code=400)
        self.assertContains(response, "服务很好", status_code=400)
        self.assertContains(
            response, f'value="现场" id="id_a-q{self.q2.pk}_2" checked', status_code=400
        )
        self.assertFalse(Response.objects.exists())

    def test_a_disabled_link_or_a_closed_campaign_accepts_nothing(self):
        services.campaign_update(
            campaign=self.campaign,
            actor=self.reviewer,
            title=self.campaign.title,
            commissioning_unit=self.unit_a,
            web_link_enabled=False,
        )
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.post().status_code, 403)
        campaign = services.campaign_update(
            campaign=self.campaign,
            actor=self.reviewer,
            title=self.campaign.title,
            commissioning_unit=self.unit_a,
            web_link_enabled=True,
        )
        services.campaign_close(campaign=campaign, actor=self.reviewer)
        response = self.post()
        self.assertEqual(response.status_code, 410)
        self.assertContains(response, "本次调查已结束", status_code=410)
        self.assertFalse(Response.objects.exists())

    def test_a_draft_campaigns_link_is_not_open(self):
        draft = self.make_campaign(web_link_enabled=True)
        self.import_phones(draft, ["13700000001"])
        target = self.target(draft, "13700000001")
        self.assertEqual(self.client.get(f"/surveys/r/{target.web_token}/").status_code, 403)

    def test_a_forged_token_shows_nothing(self):
        self.assertEqual(self.client.get(f"{self.url[:-1]}x/").status_code, 404)
        self.assertEqual(self.client.get("/surveys/r/x/").status_code, 404)

    def test_large_type_mode_applies(self):
        self.client.cookies["portal_large"] = "1"
        self.assertContains(self.client.get(self.url), 'class="large"')
