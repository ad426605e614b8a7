"""The operator figures the statistics read, on a hand-made set with known answers."""

from datetime import date

from hotline.quality.selectors import QualityFigure, one_decimal, quality_scores, samples_list
from hotline.quality.tests.base import QualityTestCase
from hotline.testing import aware


class QualityScoresTests(QualityTestCase):
    def setUp(self) -> None:
        # operator: two calls (80, 91) and one order (70); operator2: one order (100) and one
        # call left unscored; a call of operator on Sunday 23:30 counts on Sunday's date.
        self.call(agent=self.operator, at=aware("2026-11-17 10:00"))
        self.call(agent=self.operator, at=aware("2026-11-22 23:30"))
        self.order_by(self.operator, at=aware("2026-11-18 10:00"))
        self.order_by(self.operator2, at=aware("2026-11-16 00:05"))
        self.call(agent=self.operator2, at=aware("2026-11-19 10:00"))
        checks = self.draw().checks
        call1, call2 = checks.filter(operator=self.operator, kind="call").order_by("at")
        self.score(call1, greeting=5, record=20, manners=5)  # 15+25+25+25+10 -10 -5 -5 = 80
        self.score(call2, policy=16)  # 91
        self.score(checks.get(operator=self.operator, kind="order"), routing=0, manners=5)  # 70
        self.score(checks.get(operator=self.operator2, kind="order"))  # 100

    def test_the_figures_of_the_week(self):
        figures = quality_scores(start=date(2026, 11, 16), end=date(2026, 11, 22))
        self.assertEqual(
            figures[self.operator.pk],
            QualityFigure(
                checks=3,
                average=80.3,  # (80 + 91 + 70) / 3 = 80.33
                call_checks=2,
                call_average=85.5,  # (80 + 91) / 2
                order_checks=1,
                order_average=70.0,
            ),
        )
        self.assertEqual(
            figures[self.operator2.pk],
            QualityFigure(
                checks=1,
                average=100.0,
                call_checks=0,
                call_average=None,
                order_checks=1,
                order_average=100.0,
            ),
        )
        self.assertEqual(set(figures), {self.operator.pk, self.operator2.pk})

    def test_checks_count_on_the_local_date_of_the_call_or_order(self):
        sunday = quality_scores(start=date(2026, 11, 22), end=date(2026, 11, 22))
        self.assertEqual(sunday[self.operator.pk].checks, 1)
        self.assertEqual(sunday[self.operator.pk].average, 91.0)
        monday = quality_scores(start=date(2026, 11, 16), end=date(2026, 11, 16))
        self.assertEqual(list(monday), [self.operator2.pk])
        self.assertEqual(quality_scores(start=date(2026, 11, 23), end=date(2026, 11, 30)), {})

    def test_the_average_rounds_half_up_to_one_decimal(self):
        self.assertEqual(one_decimal(201, 2), 100.5)
        self.assertEqual(one_decimal(1, 8), 0.1)  # 0.125
        self.assertEqual(one_decimal(0, 0), None)

    def test_the_samples_list_shows_progress(self):
        (progress,) = samples_list(user=self.reviewer)
        self.assertEqual((progress.checks, progress.scored), (5, 4))
        self.assertEqual(progress.average, 85.3)  # (80 + 91 + 70 + 100) / 4 = 85.25
        self.assertEqual(samples_list(user=self.operator), [])
