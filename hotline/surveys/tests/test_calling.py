"""Operators calling through the list: the queue, the retry rules, claims, the audited
showing of the number, and the answers checked against the questionnaire."""

from hotline.audit.models import AuditEntry
from hotline.clock import frozen_at
from hotline.core.errors import NotAllowed, WrongState
from hotline.surveys import calls, services
from hotline.surveys.calls import AnswersInvalid
from hotline.surveys.models import Attempt, Channel, Response, TargetStatus
from hotline.surveys.selectors import call_queue
from hotline.surveys.tests.base import PHONES, SurveyTestCase
from hotline.testing import aware


class CallQueueTests(SurveyTestCase):
    def test_pending_first_then_retries_longest_waiting_first(self):
        campaign = self.running_campaign(different_days=False)
        first, second, third, fourth = (self.target(campaign, p) for p in PHONES)
        with frozen_at(aware("2025-10-13 09:00")):
            calls.target_not_reached(target=second, actor=self.operator)
        with frozen_at(aware("2025-10-13 09:05")):
            calls.target_not_reached(target=first, actor=self.operator)
            calls.target_refused(target=third, actor=self.operator)
        with frozen_at(aware("2025-10-13 10:00")):
            queue = call_queue(campaign=campaign, user=self.operator)
        self.assertEqual(queue, [fourth, second, first])

    def test_a_draft_or_closed_campaign_has_no_queue_and_units_have_none(self):
        campaign = self.make_campaign()
        self.import_phones(campaign)
        self.assertEqual(call_queue(campaign=campaign, user=self.operator), [])
        campaign = services.campaign_start(campaign=campaign, actor=self.reviewer)
        self.assertEqual(len(call_queue(campaign=campaign, user=self.operator)), 4)
        self.assertEqual(call_queue(campaign=campaign, user=self.manager_a), [])
        campaign = services.campaign_close(campaign=campaign, actor=self.reviewer)
        self.assertEqual(call_queue(campaign=campaign, user=self.operator), [])

    def test_a_number_open_on_one_operators_screen_is_not_given_to_another(self):
        campaign = self.running_campaign()
        first = self.target(campaign, PHONES[0])
        with frozen_at(aware("2025-10-13 09:00")):
            calls.target_claim(target=first, actor=self.operator)
            self.assertEqual(call_queue(campaign=campaign, user=self.operator)[0], first)
            self.assertNotIn(first, call_queue(campaign=campaign, user=self.lead))
            with self.assertRaises(WrongState):
                calls.target_claim(target=first, actor=self.lead)
            with self.assertRaises(WrongState):
                calls.target_not_reached(target=first, actor=self.lead)
        with frozen_at(aware("2025-10-13 09:31")):  # the claim lapsed
            self.assertIn(first, call_queue(campaign=campaign, user=self.lead))
            calls.target_claim(target=first, actor=self.lead)


class RetryRuleTests(SurveyTestCase):
    def test_after_max_attempts_on_different_days_the_target_is_unreachable(self):
        campaign = self.running_campaign(max_attempts=3, different_days=True)
        target = self.target(campaign, PHONES[0])
        with frozen_at(aware("2025-10-13 09:00")):
            target = calls.target_not_reached(target=target, actor=self.operator, note="无人接听")
            self.assertEqual((target.status, target.attempts), (TargetStatus.IN_PROGRESS, 1))
            # Not again the same day: out of the queue, and refused by the service.
        with frozen_at(aware("2025-10-13 17:00")):
            self.assertNotIn(target, call_queue(campaign=campaign, user=self.operator))
            with self.assertRaises(WrongState):
                calls.target_not_reached(target=target, actor=self.operator)
        with frozen_at(aware("2025-10-14 09:00")):
            self.assertIn(target, call_queue(campaign=campaign, user=self.operator))
            target = calls.target_not_reached(target=target, actor=self.operator)
        with frozen_at(aware("2025-10-15 09:00")):
            target = calls.target_not_reached(target=target, actor=self.operator, note="关机")
        self.assertEqual((target.status, target.attempts), (TargetStatus.UNREACHABLE, 3))
        self.assertEqual(
            list(Attempt.objects.filter(target=target).values_list("reached", "outcome")),
            [(False, "not_reached")] * 3,
        )
        with frozen_at(aware("2025-10-16 09:00")):
            self.assertNotIn(target, call_queue(campaign=campaign, user=self.operator))
            with self.assertRaises(WrongState):
                calls.target_not_reached(target=target, actor=self.operator)

    def test_the_day_boundary_is_local_midnight(self):
        campaign = self.running_campaign(different_days=True)
        target = self.target(campaign, PHONES[0])
        with frozen_at(aware("2025-10-13 23:50")):
            calls.target_not_reached(target=target, actor=self.operator)
        with frozen_at(aware("2025-10-14 00:10")):
            self.assertIn(target, call_queue(campaign=campaign, user=self.operator))

    def test_without_different_days_retries_may_follow_the_same_day(self):
        campaign = self.running_campaign(max_attempts=2, different_days=False)
        target = self.target(campaign, PHONES[0])
        with frozen_at(aware("2025-10-13 09:00")):
            calls.target_not_reached(target=target, actor=self.operator)
        with frozen_at(aware("2025-10-13 09:10")):
            self.assertIn(target, call_queue(campaign=campaign, user=self.operator))
            target = calls.target_not_reached(target=target, actor=self.operator)
        self.assertEqual(target.status, TargetStatus.UNREACHABLE)

    def test_refused_is_final(self):
        campaign = self.running_campaign()
        target = calls.target_refused(
            target=self.target(campaign, PHONES[0]), actor=self.operator, note="不愿参加"
        )
        self.assertEqual((target.status, target.attempts), (TargetStatus.REFUSED, 1))
        attempt = Attempt.objects.get(target=target)
        self.assertEqual(
            (attempt.reached, attempt.outcome, attempt.note), (True, "refused", "不愿参加")
        )
        with self.assertRaises(WrongState):
            calls.response_record(
                target=target, actor=self.operator, answers=self.answers(campaign)
            )

    def test_only_centre_staff_call(self):
        campaign = self.running_campaign()
        target = self.target(campaign, PHONES[0])
        for actor in (self.reviewer, self.supervisor, self.manager_a, self.handler_a):
            with self.subTest(actor=actor.username), self.assertRaises(NotAllowed):
                calls.target_not_reached(target=target, actor=actor)


class RevealTests(SurveyTestCase):
    def test_the_operator_holding_the_call_sees_the_number_and_it_is_audited(self):
        campaign = self.running_campaign()
        target = self.target(campaign, PHONES[0])
        with self.assertRaises(NotAllowed):  # not claimed yet
            calls.target_reveal(target=target, actor=self.operator)
        calls.target_claim(target=target, actor=self.operator)
        name, phone = calls.target_reveal(target=target, actor=self.operator)
        self.assertEqual((name, phone), ("居民0", PHONES[0]))
        entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEAL_PERSONAL_DATA)
        self.assertEqual((entry.actor, entry.target), (self.operator, f"survey-target:{target.pk}"))
        self.assertIn(campaign.title, entry.reason)
        for actor in (self.lead, self.reviewer, self.manager_a, self.supervisor):
            with self.subTest(actor=actor.username), self.assertRaises(NotAllowed):
                calls.target_reveal(target=target, actor=actor)


class AnswerValidationTests(SurveyTestCase):
    def setUp(self):
        self.campaign = self.running_campaign()
        self.q1, self.q2, self.q3, self.q4 = self.questions(self.campaign)
        self.target_ = self.target(self.campaign, PHONES[0])

    def record(self, answers):  # type: ignore[no-untyped-def]
        return calls.response_record(target=self.target_, actor=self.operator, answers=answers)

    def errors(self, answers) -> dict[int, str]:  # type: ignore[no-untyped-def]
        with self.assertRaises(AnswersInvalid) as caught:
            self.record(answers)
        return caught.exception.errors

    def test_a_complete_answer_is_saved_and_completes_the_target(self):
        response = self.record(
            self.answers(self.campaign, multiple=["现场", "电话"], text=" 很好 ")
        )
        self.assertEqual((response.channel, response.operator), (Channel.PHONE, self.operator))
        stored = {a.question_id: a.value for a in response.answers.all()}
        self.assertEqual(
            stored,
            {self.q1.pk: "了解", self.q2.pk: ["电话", "现场"], self.q3.pk: 4, self.q4.pk: "很好"},
        )
        target = self.target(self.campaign, PHONES[0])
        self.assertEqual((target.status, target.attempts), (TargetStatus.COMPLETED, 1))
        self.assertEqual(Attempt.objects.get(target=target).outcome, "answered")

    def test_optional_questions_may_be_left_empty(self):
        response = self.record({self.q1.pk: "不了解", self.q3.pk: "5"})
        self.assertEqual(
            {a.question_id: a.value for a in response.answers.all()},
            {self.q1.pk: "不了解", self.q3.pk: 5},
        )

    def test_required_questions_must_be_answered(self):
        errors = self.errors({self.q1.pk: "", self.q3.pk: None})
        self.assertEqual(set(errors), {self.q1.pk, self.q3.pk})
        self.assertEqual(errors[self.q1.pk], "此题必答。")

    def test_a_choice_must_be_one_of_the_choices(self):
        errors = self.errors(self.answers(self.campaign, single="也许", multiple=["电话", "信件"]))
        self.assertEqual(errors, {self.q1.pk: "请从选项中选择。", self.q2.pk: "请从选项中选择。"})

    def test_a_score_must_be_in_range(self):
        for score in (0, 6, "很好"):
            with self.subTest(score=score):
                errors = self.errors(self.answers(self.campaign, scale=score))  # type: ignore[arg-type]
                self.assertEqual(set(errors), {self.q3.pk})

    def test_text_has_a_length_limit(self):
        errors = self.errors(self.answers(self.campaign, text="长" * 2001))
        self.assertEqual(set(errors), {self.q4.pk})

    def test_nothing_is_saved_when_an_answer_is_refused(self):
        self.errors(self.answers(self.campaign, scale=9))
        self.assertFalse(Response.objects.exists())
        self.assertFalse(Attempt.objects.exists())
        self.assertEqual(self.target(self.campaign, PHONES[0]).status, TargetStatus.PENDING)

    def test_questions_of_another_campaign_are_refused(self):
        other = self.make_campaign(title="另一项")
        from hotline.core.errors import InvalidInput

        with self.assertRaises(InvalidInput):
            self.record({**self.answers(self.campaign), self.questions(other)[0].pk: "了解"})

    def test_a_target_is_answered_once(self):
        self.record(self.answers(self.campaign))
        with self.assertRaises(WrongState):
            self.record(self.answers(self.campaign))
