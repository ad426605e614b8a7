"""Campaigns and their questionnaire: who may create and run them, and the state rules."""

from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.surveys import services
from hotline.surveys.models import CampaignEvent, CampaignStatus
from hotline.surveys.tests.base import SurveyTestCase
from hotline.units.models import Unit


class CampaignLifecycleTests(SurveyTestCase):
    def test_reviewer_and_lead_create_campaigns_for_a_commissioning_unit(self):
        for actor in (self.reviewer, self.lead):
            campaign = self.make_campaign(actor=actor, questions=False)
            self.assertEqual(campaign.status, CampaignStatus.DRAFT)
            self.assertEqual(campaign.commissioning_unit, self.unit_a)
            self.assertEqual(campaign.created_by, actor)
            self.assertEqual(campaign.max_attempts, 3)
            self.assertEqual(campaign.events.get().action, CampaignEvent.Action.CREATE)

    def test_operators_units_and_supervisor_cannot_create_campaigns(self):
        for actor in (self.operator, self.supervisor, self.manager_a, self.sysadmin, self.auditor):
            with self.subTest(actor=actor.username), self.assertRaises(NotAllowed):
                self.make_campaign(actor=actor, questions=False)

    def test_the_hotlines_own_units_cannot_commission(self):
        with self.assertRaises(InvalidInput):
            self.make_campaign(
                commissioning_unit=Unit.objects.get(code="callcenter"), questions=False
            )

    def test_bad_settings_are_refused(self):
        with self.assertRaises(InvalidInput):
            self.make_campaign(title="  ", questions=False)
        with self.assertRaises(InvalidInput):
            self.make_campaign(max_attempts=0, questions=False)

    def test_start_needs_a_question_and_fixes_the_questionnaire(self):
        campaign = self.make_campaign(questions=False)
        with self.assertRaises(InvalidInput):
            services.campaign_start(campaign=campaign, actor=self.reviewer)
        self.add_questions(campaign)
        campaign = services.campaign_start(campaign=campaign, actor=self.lead)
        self.assertEqual(campaign.status, CampaignStatus.RUNNING)
        self.assertIsNotNone(campaign.started_at)
        with self.assertRaises(WrongState):
            services.question_add(
                campaign=campaign, actor=self.reviewer, kind="text", text="再加一题"
            )
        with self.assertRaises(WrongState):
            services.question_remove(question=campaign.questions.first(), actor=self.reviewer)
        with self.assertRaises(WrongState):
            services.campaign_start(campaign=campaign, actor=self.reviewer)

    def test_close_ends_a_running_campaign_once(self):
        campaign = self.running_campaign()
        with self.assertRaises(NotAllowed):
            services.campaign_close(campaign=campaign, actor=self.operator)
        campaign = services.campaign_close(campaign=campaign, actor=self.reviewer, note="样本已够")
        self.assertEqual(campaign.status, CampaignStatus.CLOSED)
        with self.assertRaises(WrongState):
            services.campaign_close(campaign=campaign, actor=self.reviewer)
        event = campaign.events.get(action=CampaignEvent.Action.CLOSE)
        self.assertEqual(
            (event.from_status, event.to_status, event.note), ("running", "closed", "样本已够")
        )

    def test_commissioning_unit_is_fixed_once_running(self):
        campaign = self.running_campaign()
        with self.assertRaises(WrongState):
            services.campaign_update(
                campaign=campaign,
                actor=self.reviewer,
                title=campaign.title,
                commissioning_unit=self.unit_b,
            )
        campaign = services.campaign_update(
            campaign=campaign,
            actor=self.reviewer,
            title="新名称",
            commissioning_unit=self.unit_a,
            max_attempts=5,
            web_link_enabled=True,
        )
        self.assertEqual((campaign.title, campaign.max_attempts), ("新名称", 5))
        self.assertTrue(campaign.web_link_enabled)


class QuestionnaireTests(SurveyTestCase):
    def test_questions_are_numbered_and_renumbered_after_removal(self):
        campaign = self.make_campaign()
        first, second, third, fourth = self.questions(campaign)
        self.assertEqual([q.order for q in (first, second, third, fourth)], [1, 2, 3, 4])
        services.question_remove(question=second, actor=self.reviewer)
        self.assertEqual(
            [(q.pk, q.order) for q in self.questions(campaign)],
            [(first.pk, 1), (third.pk, 2), (fourth.pk, 3)],
        )

    def test_choice_questions_need_two_distinct_choices(self):
        campaign = self.make_campaign(questions=False)
        for choices in ([], ["是"], ["是", "是"]):
            with self.subTest(choices=choices), self.assertRaises(InvalidInput):
                services.question_add(
                    campaign=campaign,
                    actor=self.reviewer,
                    kind="single",
                    text="是否满意",
                    choices=choices,
                )

    def test_scale_needs_a_range(self):
        campaign = self.make_campaign(questions=False)
        with self.assertRaises(InvalidInput):
            services.question_add(
                campaign=campaign,
                actor=self.reviewer,
                kind="scale",
                text="打分",
                scale_min=5,
                scale_max=5,
            )
        with self.assertRaises(InvalidInput):
            services.question_add(
                campaign=campaign,
                actor=self.reviewer,
                kind="scale",
                text="打分",
                scale_min=0,
                scale_max=11,
            )

    def test_operator_cannot_edit_the_questionnaire(self):
        campaign = self.make_campaign(questions=False)
        with self.assertRaises(NotAllowed):
            services.question_add(campaign=campaign, actor=self.operator, kind="text", text="x")
