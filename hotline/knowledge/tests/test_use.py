"""The figures of knowledge-base use and gaps (selectors.knowledge_use, knowledge_gaps) on a
hand-made set of calls with known answers, and the page that shows them (/knowledge/use/)."""

from datetime import date

from django.urls import reverse

from hotline import clock
from hotline.accounts.models import User
from hotline.catalogue.models import Category, RequestType
from hotline.knowledge.models import Entry, SearchLog
from hotline.knowledge.searchlog import SearchRecord
from hotline.knowledge.selectors import knowledge_gaps, knowledge_use
from hotline.knowledge.tests.base import KnowledgeTestCase
from hotline.orders import services
from hotline.orders.proposal import dispatch_propose
from hotline.testing import aware

START, END = date(2026, 11, 10), date(2026, 11, 11)


class UseTestCase(KnowledgeTestCase):
    e1: Entry
    e2: Entry

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with clock.frozen_at(aware("2026-11-01 09:00")):
            cls.e1 = cls.published_entry("居住证办理", "携带身份证到派出所办理。")
            cls.e2 = cls.published_entry("公积金提取", "携带身份证到公积金中心。")
        cls.numbers = {}
        calls = [
            # (label, local time, type, category, outcome, ref, searches as (query, age s))
            ("early", "2026-11-09 23:30", "consult", "housing.07", "answer", "e2", []),
            ("a1", "2026-11-10 00:30", "consult", "housing.07", "answer", "e1", [("居住证", 60)]),
            ("a2", "2026-11-10 09:00", "consult", "housing.07", "answer", "e1", []),
            ("a3", "2026-11-10 10:00", "consult", "housing.07", "answer", "e1", []),
            ("a4", "2026-11-11 23:50", "consult", "housing.07", "answer", "e2", []),
            (
                "free",
                "2026-11-11 12:00",
                "consult",
                "urban.02",
                "answer",
                "",
                [("拆迁补偿 怎么算", 30)],
            ),
            ("late", "2026-11-12 00:05", "consult", "housing.07", "answer", "e2", []),
            (
                "d1",
                "2026-11-10 14:00",
                "help",
                "urban.02",
                "dispatch",
                "",
                [("拆迁补偿标准是多少 13812345678", 20), ("违法建设拆迁补偿", 5)],
            ),
            # Searched before local midnight, dispatched after it: the search's day counts.
            (
                "d2",
                "2026-11-12 00:02",
                "help",
                "urban.02",
                "dispatch",
                "",
                [("拆迁补偿标准是多少", 300)],
            ),
            ("d3", "2026-11-10 00:01", "help", "urban.02", "dispatch", "", [("拆迁 补偿", 180)]),
            (
                "d4",
                "2026-11-11 15:00",
                "help",
                "market.01",
                "dispatch",
                "",
                [("超市食品过期怎么退款", 10)],
            ),
            ("reg", "2026-11-11 16:00", "help", "market.01", "register", "", [("超市食品", 10)]),
        ]
        for label, at, rtype, code, outcome, ref, searches in calls:
            category = Category.objects.get(code=code)
            entry = {"e1": cls.e1, "e2": cls.e2}.get(ref)
            decision = services.Decision(outcome=outcome)
            if outcome == "answer":
                decision.answer = entry.answer if entry else "请向街道办事处咨询。"
                decision.knowledge_ref = entry.ref if entry else ""
            if outcome == "dispatch":
                decision.lead_unit = dispatch_propose(
                    category=category, place=None, supervision_channel=""
                ).lead_unit
            with clock.frozen_at(aware(at)):
                order = services.order_intake(
                    actor=cls.operator,
                    request=services.Request(
                        request_type=RequestType.objects.get(pk=rtype),
                        content="来电咨询。",
                        caller_phone="13812345678",
                        category=category,
                    ),
                    decision=decision,
                    searches=[SearchRecord(query=q, age_seconds=age) for q, age in searches],
                )
            cls.numbers[label] = order.number

    @classmethod
    def published_entry(cls, title: str, answer: str) -> Entry:
        from hotline.knowledge import services as kb

        entry = kb.entry_create(actor=cls.handler_a, unit=cls.unit_a, title=title, answer=answer)
        entry = kb.entry_submit(entry=entry, actor=cls.handler_a)
        return kb.entry_publish(entry=entry, actor=cls.reviewer)


class KnowledgeUseTests(UseTestCase):
    def test_it_counts_answers_by_the_local_day_they_were_received(self):
        use = knowledge_use(start=START, end=END)
        # a1 (00:30 local is still 9 Nov in UTC), a2, a3, a4, free; not early, not late.
        self.assertEqual(use.answered_at_once, 5)
        self.assertEqual(use.answered_from_entry, 4)
        self.assertEqual(use.rate, 0.8)
        self.assertEqual(use.percent, 80.0)
        self.assertEqual(
            [(e.ref, e.title, e.count) for e in use.top_entries],
            [(self.e1.ref, "居住证办理", 3), (self.e2.ref, "公积金提取", 1)],
        )

    def test_searches_count_on_their_own_local_day(self):
        # a1, free, d1 ×2, d2 (23:57 on the 11th), d4, reg; not d3 (23:58 on the 9th).
        self.assertEqual(knowledge_use(start=START, end=END).searches, 7)

    def test_an_empty_period_has_no_rate(self):
        use = knowledge_use(start=date(2026, 1, 1), end=date(2026, 1, 31))
        self.assertEqual((use.answered_at_once, use.rate, use.top_entries), (0, None, []))


class KnowledgeGapsTests(UseTestCase):
    def test_it_groups_free_answers_and_dispatches_by_category_with_the_lead_unit(self):
        gaps = knowledge_gaps(start=START, end=END)
        self.assertEqual([g.category_name for g in gaps], ["违法建设", "食品安全"])
        urban, market = gaps
        self.assertEqual((urban.searches, urban.dispatched, urban.answered_free), (4, 3, 1))
        self.assertEqual(urban.lead_unit_name, Category.objects.get(code="urban.02").lead_unit.name)
        self.assertEqual(urban.terms[:2], [("拆迁", 4), ("补偿", 4)])
        self.assertNotIn("怎么", dict(urban.terms))
        self.assertEqual(
            set(urban.order_numbers),
            {self.numbers["free"], self.numbers["d1"], self.numbers["d2"]},
        )
        self.assertEqual(urban.order_count, 3)
        # Newest first, each once.
        self.assertEqual(
            urban.examples, ["拆迁补偿标准是多少", "拆迁补偿 怎么算", "违法建设拆迁补偿"]
        )
        # The registered call is "other", not a gap.
        self.assertEqual((market.searches, market.order_numbers), (1, [self.numbers["d4"]]))

    def test_a_search_before_local_midnight_counts_on_its_own_day(self):
        (gap,) = knowledge_gaps(start=date(2026, 11, 9), end=date(2026, 11, 9))
        self.assertEqual(
            gap.order_numbers, [self.numbers["d3"]]
        )  # searched 23:58, dispatched 00:01
        self.assertEqual(knowledge_gaps(start=date(2026, 11, 12), end=date(2026, 11, 30)), [])

    def test_limit(self):
        self.assertEqual(len(knowledge_gaps(start=START, end=END, limit=1)), 1)
        self.assertEqual(knowledge_gaps(start=START, end=END, limit=0), [])

    def test_the_stored_queries_hold_no_caller_number(self):
        self.assertFalse(SearchLog.objects.filter(query__contains="13812345678").exists())
        self.assertTrue(SearchLog.objects.filter(query="拆迁补偿标准是多少 [手机号]").exists())


class UsePageTests(UseTestCase):
    def get(self, user: User, **params: str):  # type: ignore[no-untyped-def]
        self.client.force_login(user)
        return self.client.get(reverse("knowledge:use"), params)

    def test_host_reviewer_and_supervisor_see_the_figures_and_the_gaps(self):
        for user in (self.reviewer, self.supervisor):
            with self.subTest(user=user.username):
                response = self.get(user, start="2026-11-10", end="2026-11-11")
                self.assertContains(response, "知识库使用与缺口")
                self.assertContains(response, "80.0%")
                self.assertContains(response, "违法建设")
                self.assertContains(response, "拆迁")
                number = self.numbers["d1"]
                self.assertContains(response, f'href="/orders/{number}/"')
                self.assertNotContains(response, "13812345678")

    def test_everyone_else_is_refused(self):
        for user in (
            self.operator,
            self.lead,
            self.auditor,
            self.sysadmin,
            self.handler_a,
            self.manager_a,
            self.leader_a,
            self.handler_b,
        ):
            with self.subTest(user=user.username):
                self.assertEqual(self.get(user).status_code, 403)

    def test_an_anonymous_visitor_is_sent_to_log_in(self):
        response = self.client.get(reverse("knowledge:use"))
        self.assertEqual(response.status_code, 302)

    def test_the_default_period_is_the_last_30_days(self):
        with clock.frozen_at(aware("2026-11-30 12:00")):
            response = self.get(self.reviewer)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["start"], date(2026, 11, 1))
        self.assertEqual(response.context["end"], date(2026, 11, 30))

    def test_bad_dates_get_a_chinese_message_not_an_error(self):
        cases = [
            ({"start": "2026-13-40"}, "起始日期"),
            ({"end": "yesterday"}, "截止日期"),
            ({"start": "2026-11-30", "end": "2026-11-01"}, "起始日期不能晚于截止日期"),
            ({"start": "2020-01-01", "end": "2026-11-01"}, "统计区间最长"),
            ({"start": "0001-01-01"}, "之间的日期"),
        ]
        for params, message in cases:
            with self.subTest(params=params):
                response = self.get(self.reviewer, **params)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, message, status_code=400)

    def test_the_knowledge_pages_link_to_it_for_those_who_may_see_it(self):
        self.assertContains(self.get(self.reviewer), "")  # logs in
        page = self.client.get(reverse("knowledge:search")).content.decode()
        self.assertIn(reverse("knowledge:use"), page)
        self.client.force_login(self.operator)
        page = self.client.get(reverse("knowledge:search")).content.decode()
        self.assertNotIn(reverse("knowledge:use"), page)
