"""Scoring a check: by an operator lead only, never one's own, every item within its range,
once."""

from datetime import timedelta

from hotline.audit.models import AuditEntry
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.quality.models import Check, State
from hotline.quality.services import quality_check_score, quality_sample_draw
from hotline.quality.tests.base import AFTER_WEEK, FULL_MARKS, WEEK, QualityTestCase
from hotline.testing import aware


class ScoreTests(QualityTestCase):
    def setUp(self) -> None:
        self.call(agent=self.operator, at=aware("2026-11-17 10:00"))
        self.check = self.draw().checks.get()

    def attempt(self, scores: dict, *, actor=None) -> Check:  # type: ignore[no-untyped-def]
        return quality_check_score(
            check=self.check, actor=actor or self.lead, scores=scores, comment="", now=AFTER_WEEK
        )

    def assertUnscored(self) -> None:
        self.check.refresh_from_db()
        self.assertEqual(self.check.state, State.PENDING)
        self.assertIsNone(self.check.total)

    def test_a_lead_scores_every_item_and_the_total_is_their_sum(self):
        check = quality_check_score(
            check=self.check,
            actor=self.lead,
            scores={**FULL_MARKS, "greeting": 10, "manners": 6},
            comment="开头未报工号。",
            now=AFTER_WEEK,
        )
        self.assertEqual(check.state, State.SCORED)
        self.assertEqual(check.total, 91)
        self.assertEqual(check.scores["greeting"], 10)
        self.assertEqual(check.sheet.version, 1)
        self.assertEqual((check.scored_by, check.scored_at), (self.lead, AFTER_WEEK))
        self.assertEqual(check.comment, "开头未报工号。")

    def test_a_missing_item_is_refused_naming_it(self):
        scores = dict(FULL_MARKS)
        del scores["policy"]
        with self.assertRaisesMessage(InvalidInput, "请为“政策解答准确”评分"):
            self.attempt(scores)
        self.assertUnscored()

    def test_points_above_the_item_maximum_or_below_zero_are_refused(self):
        for points in (16, -1):
            with (
                self.subTest(points=points),
                self.assertRaisesMessage(InvalidInput, "“服务用语”的得分须在 0 至 15 分之间"),
            ):
                self.attempt({**FULL_MARKS, "greeting": points})
        self.assertUnscored()

    def test_points_that_are_not_whole_numbers_are_refused(self):
        for points in ("10", 10.5, True):
            with self.subTest(points=points), self.assertRaises(InvalidInput):
                self.attempt({**FULL_MARKS, "greeting": points})
        self.assertUnscored()

    def test_an_item_not_on_the_sheet_is_refused(self):
        with self.assertRaisesMessage(InvalidInput, "评分表中没有“speed”这一项"):
            self.attempt({**FULL_MARKS, "speed": 3})
        self.assertUnscored()

    def test_only_an_operator_lead_may_score(self):
        for person in (self.operator2, self.reviewer, self.supervisor, self.auditor):
            with self.subTest(person=person.username), self.assertRaises(NotAllowed):
                self.attempt(FULL_MARKS, actor=person)
        self.assertUnscored()

    def test_a_lead_cannot_score_their_own_call(self):
        self.call(agent=self.lead, at=aware("2026-11-24 10:00"))
        own = quality_sample_draw(
            week_start=WEEK + timedelta(days=7), actor=self.lead2, now=aware("2026-12-01 09:00")
        ).checks.get()
        with self.assertRaisesMessage(NotAllowed, "不能为自己的通话或工单评分"):
            quality_check_score(
                check=own, actor=self.lead, scores=FULL_MARKS, comment="", now=AFTER_WEEK
            )
        self.assertEqual(self.score(own, actor=self.lead2).total, 100)

    def test_a_check_is_scored_once(self):
        self.attempt({**FULL_MARKS, "manners": 5})
        with self.assertRaisesMessage(WrongState, "该质检已评分，不能重复评分"):
            self.attempt(FULL_MARKS, actor=self.lead2)
        self.check.refresh_from_db()
        self.assertEqual((self.check.total, self.check.scored_by), (95, self.lead))

    def test_a_stale_copy_cannot_overwrite_a_score(self):
        stale = Check.objects.get(pk=self.check.pk)
        self.attempt(FULL_MARKS)
        with self.assertRaises(WrongState):
            quality_check_score(
                check=stale, actor=self.lead2, scores=FULL_MARKS, comment="", now=AFTER_WEEK
            )

    def test_the_score_is_audited_without_personal_data(self):
        self.attempt(FULL_MARKS)
        entry = AuditEntry.objects.get(action="quality.check_score")
        self.assertEqual((entry.actor, entry.target), (self.lead, f"quality-check:{self.check.pk}"))
        self.assertEqual(entry.detail["scores"], FULL_MARKS)
        self.assertNotIn("13812345678", str(entry.detail) + entry.reason)
