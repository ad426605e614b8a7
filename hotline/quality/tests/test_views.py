"""The quality pages: who enters (everyone else 403), what each sees, the scoring form, and
that no caller's clear name or number appears."""

from django.urls import reverse

from hotline.audit.models import AuditEntry
from hotline.quality.models import Kind, Sample, State
from hotline.quality.services import quality_sample_draw
from hotline.quality.tests.base import CALLER, CALLER_NAME, FULL_MARKS, WEEK, QualityTestCase
from hotline.testing import aware

CONTENT = "小区门口路灯不亮，晚上出行不便。"
SECRET = "举报某餐馆使用地沟油，请为我保密。"


class QualityPageTestCase(QualityTestCase):
    def setUp(self) -> None:
        self.call(agent=self.operator, at=aware("2026-11-17 10:00"), recording="rec/q-1.wav")
        self.order = self.order_by(self.operator, at=aware("2026-11-18 10:00"), content=CONTENT)
        self.order_by(self.operator2, at=aware("2026-11-18 11:00"))
        self.sample = self.draw()
        self.call_check = self.sample.checks.get(kind=Kind.CALL)
        self.order_check = self.sample.checks.get(kind=Kind.ORDER, operator=self.operator)
        self.other_check = self.sample.checks.get(operator=self.operator2)
        self.score(self.call_check, manners=4)

    def get(self, user, url):  # type: ignore[no-untyped-def]
        self.client.force_login(user)
        return self.client.get(url)


class AccessTests(QualityPageTestCase):
    def urls(self) -> list[str]:
        return [
            reverse("quality:samples"),
            reverse("quality:sample", args=[self.sample.pk]),
            reverse("quality:check", args=[self.order_check.pk]),
            reverse("quality:results"),
        ]

    def test_leads_reviewers_and_supervisors_read_every_page(self):
        for person in (self.lead, self.reviewer, self.supervisor):
            for url in self.urls():
                with self.subTest(person=person.username, url=url):
                    self.assertEqual(self.get(person, url).status_code, 200)

    def test_everyone_else_is_refused_with_403(self):
        for person in (self.auditor, self.sysadmin, self.handler_a, self.manager_a):
            for url in [*self.urls(), reverse("quality:check", args=[self.call_check.pk])]:
                with self.subTest(person=person.username, url=url):
                    self.assertEqual(self.get(person, url).status_code, 403)

    def test_an_anonymous_visitor_is_sent_to_sign_in(self):
        for url in self.urls():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 302)

    def test_an_operator_sees_only_their_own_scored_checks(self):
        page = self.get(self.operator, reverse("quality:samples"))
        self.assertContains(page, reverse("quality:check", args=[self.call_check.pk]))
        self.assertNotContains(page, reverse("quality:check", args=[self.order_check.pk]))
        self.assertNotContains(page, reverse("quality:check", args=[self.other_check.pk]))
        own = self.get(self.operator, reverse("quality:check", args=[self.call_check.pk]))
        self.assertContains(own, "总分 94 分")
        for check in (self.order_check, self.other_check):
            url = reverse("quality:check", args=[check.pk])
            self.assertEqual(self.get(self.operator, url).status_code, 404)
        self.assertEqual(self.get(self.operator2, own.wsgi_request.path).status_code, 404)

    def test_an_operator_cannot_open_the_weeks_or_the_results(self):
        for url in (reverse("quality:sample", args=[self.sample.pk]), reverse("quality:results")):
            with self.subTest(url=url):
                self.assertEqual(self.get(self.operator, url).status_code, 403)

    def test_a_missing_week_or_check_is_404(self):
        self.assertEqual(self.get(self.lead, "/quality/weeks/999999/").status_code, 404)
        self.assertEqual(self.get(self.lead, "/quality/checks/999999/").status_code, 404)

    def test_the_navigation_offers_quality_to_those_who_may_enter(self):
        expected = {self.lead: True, self.operator: True, self.reviewer: True}
        expected |= {self.supervisor: True, self.handler_a: False, self.auditor: False}
        for person, shown in expected.items():
            with self.subTest(person=person.username):
                page = self.get(person, "/").content.decode()
                self.assertEqual('href="/quality/"' in page, shown)


class ScoringPageTests(QualityPageTestCase):
    def url(self) -> str:
        return reverse("quality:check", args=[self.order_check.pk])

    def form(self, **points: object) -> dict[str, object]:
        data: dict[str, object] = {f"score_{code}": v for code, v in FULL_MARKS.items()}
        data.update({f"score_{code}": v for code, v in points.items()})
        data["comment"] = "记录完整。"
        return data

    def test_the_lead_sees_the_order_as_the_order_page_shows_it_and_the_form(self):
        page = self.get(self.lead, self.url())
        self.assertContains(page, reverse("orders:detail", args=[self.order.number]))
        self.assertContains(page, CONTENT)
        self.assertContains(page, "求助")
        self.assertContains(page, "138****5678")
        self.assertContains(page, "保存评分")

    def test_the_reviewer_reads_without_a_form(self):
        self.assertNotContains(self.get(self.reviewer, self.url()), "保存评分")

    def test_a_lead_scores_through_the_form(self):
        self.client.force_login(self.lead)
        response = self.client.post(self.url(), self.form(routing=20))
        self.assertRedirects(
            response,
            reverse("quality:sample", args=[self.sample.pk]),
            fetch_redirect_response=False,
        )
        self.order_check.refresh_from_db()
        self.assertEqual((self.order_check.state, self.order_check.total), (State.SCORED, 95))

    def test_a_missing_or_out_of_range_item_shows_the_form_again(self):
        self.client.force_login(self.lead)
        for data in (self.form(policy=""), self.form(greeting=16), self.form(greeting="abc")):
            with self.subTest(data=data):
                response = self.client.post(self.url(), data)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "保存评分", status_code=400)
        self.order_check.refresh_from_db()
        self.assertEqual(self.order_check.state, State.PENDING)

    def test_a_second_score_is_refused_with_a_message(self):
        self.client.force_login(self.lead2)
        url = reverse("quality:check", args=[self.call_check.pk])
        response = self.client.post(url, self.form(), follow=True)
        self.assertContains(response, "该质检已评分，不能重复评分")
        self.call_check.refresh_from_db()
        self.assertEqual(self.call_check.total, 94)

    def test_a_lead_is_refused_on_their_own_check(self):
        self.client.force_login(self.lead)
        own = self.order_by(self.lead, at=aware("2026-11-25 10:00"))
        sample = quality_sample_draw(
            week_start=WEEK.replace(day=23), actor=self.lead2, now=aware("2026-12-01 09:00")
        )
        check = sample.checks.get(order=own)
        url = reverse("quality:check", args=[check.pk])
        self.assertNotContains(self.client.get(url), "保存评分")
        response = self.client.post(url, self.form())
        self.assertContains(response, "不能为自己的通话或工单评分", status_code=400)

    def test_only_a_lead_may_post_a_score(self):
        for person in (self.reviewer, self.supervisor, self.operator2, self.handler_a):
            with self.subTest(person=person.username):
                self.client.force_login(person)
                self.assertEqual(self.client.post(self.url(), self.form()).status_code, 403)
        self.order_check.refresh_from_db()
        self.assertEqual(self.order_check.state, State.PENDING)

    def test_the_recording_is_offered_to_those_the_cti_app_lets_hear_it(self):
        url = reverse("quality:check", args=[self.call_check.pk])
        recording = reverse("cti:recording", args=[self.call_check.call_id])
        self.assertContains(self.get(self.lead, url), recording)
        self.assertContains(self.get(self.reviewer, url), recording)
        self.assertNotContains(self.get(self.supervisor, url), recording)
        self.assertNotContains(self.get(self.operator, url), recording)

    def test_the_call_shows_its_time_duration_and_agent(self):
        page = self.get(self.lead, reverse("quality:check", args=[self.call_check.pk]))
        self.assertContains(page, "2026-11-17 10:00:00")
        self.assertContains(page, "120 秒")
        self.assertContains(page, "<dd>operator</dd>", html=False)


class PrivacyTests(QualityPageTestCase):
    def test_no_page_shows_a_callers_clear_name_or_number(self):
        urls = [
            reverse("quality:samples"),
            reverse("quality:sample", args=[self.sample.pk]),
            reverse("quality:results"),
            *(reverse("quality:check", args=[c.pk]) for c in self.sample.checks.all()),
        ]
        for person in (self.lead, self.reviewer, self.supervisor, self.operator):
            for url in urls:
                response = self.get(person, url)
                with self.subTest(person=person.username, url=url):
                    self.assertNotContains(response, CALLER, status_code=response.status_code)
                    self.assertNotContains(response, CALLER_NAME, status_code=response.status_code)

    def test_a_confidential_order_the_lead_may_not_see_stays_hidden(self):
        secret = self.order_by(
            self.operator, at=aware("2026-11-25 10:00"), content=SECRET, is_confidential=True
        )
        sample = quality_sample_draw(
            week_start=WEEK.replace(day=23), actor=self.lead, now=aware("2026-12-01 09:00")
        )
        check = sample.checks.get(order=secret)
        week = self.get(self.lead, reverse("quality:sample", args=[sample.pk]))
        self.assertContains(week, "保密工单")
        self.assertNotContains(week, secret.number)
        page = self.get(self.lead, reverse("quality:check", args=[check.pk]))
        self.assertContains(page, "您无权查看其内容")
        self.assertNotContains(page, SECRET)
        self.assertNotContains(page, secret.number)
        # The host reviewer sees every order (Art. 23), and that reading is audited.
        self.assertContains(
            self.get(self.reviewer, reverse("quality:check", args=[check.pk])), SECRET
        )
        views = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_CONFIDENTIAL)
        self.assertEqual(
            [(e.actor, e.target, e.detail) for e in views],
            [(self.reviewer, secret.number, {"via": "quality"})],
        )


class ResultsAndDrawPageTests(QualityPageTestCase):
    def test_the_results_show_each_operator_for_the_period(self):
        response = self.get(self.reviewer, "/quality/results/?start=2026-11-16&end=2026-11-22")
        self.assertContains(response, "operator")
        self.assertContains(response, "94.0")
        empty = self.get(self.reviewer, "/quality/results/?start=2026-12-01&end=2026-12-07")
        self.assertContains(empty, "该期间没有已评分的质检")

    def test_bad_dates_fall_back_and_a_reversed_period_is_explained(self):
        for query in ("start=9999-12-31", "start=2025-02-30&end=abc", "end=0001-01-01"):
            with self.subTest(query=query):
                self.assertEqual(self.get(self.lead, f"/quality/results/?{query}").status_code, 200)
        page = self.get(self.lead, "/quality/results/?start=2026-11-22&end=2026-11-16")
        self.assertContains(page, "结束日期不能早于开始日期")

    def test_a_lead_draws_a_missing_past_week(self):
        self.client.force_login(self.lead)
        response = self.client.post(reverse("quality:draw"), {"day": "2026-11-11"})
        sample = Sample.objects.get(week_start="2026-11-09")
        self.assertRedirects(
            response, reverse("quality:sample", args=[sample.pk]), fetch_redirect_response=False
        )

    def test_a_draw_of_a_week_not_over_is_refused_with_a_message(self):
        self.client.force_login(self.lead)
        response = self.client.post(reverse("quality:draw"), {"day": "2999-01-01"}, follow=True)
        self.assertContains(response, "该周尚未结束")
        response = self.client.post(reverse("quality:draw"), {"day": "0001-01-01"}, follow=True)
        self.assertContains(response, "请填写有效的日期")

    def test_only_a_lead_may_draw(self):
        for person in (self.operator, self.reviewer, self.supervisor, self.handler_a):
            with self.subTest(person=person.username):
                self.client.force_login(person)
                response = self.client.post(reverse("quality:draw"), {"day": "2026-11-11"})
                self.assertEqual(response.status_code, 403)
        self.client.force_login(self.lead)
        self.assertEqual(self.client.get(reverse("quality:draw")).status_code, 405)
