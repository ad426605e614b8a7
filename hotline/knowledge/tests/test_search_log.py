"""The knowledge searches of a call are recorded with its order when the intake is submitted
(searchlog, orders.services.intake): masked, settled, linked to what followed."""

import json

from django.urls import reverse

from hotline.catalogue.models import Category
from hotline.knowledge.models import SearchLog, SearchOutcome, SearchSource
from hotline.knowledge.searchlog import SearchRecord, searches_parse, searches_settle
from hotline.knowledge.tests.base import KnowledgeTestCase
from hotline.orders.models import Order, Status

CALLER = "13812345678"


def field(*searches: tuple[str, list[str], int]) -> str:
    return json.dumps([{"q": q, "refs": refs, "age": age} for q, refs, age in searches])


class IntakeSearchLogTests(KnowledgeTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.entry = self.published(title="居住证办理", answer="携带身份证到派出所办理居住证。")
        self.client.force_login(self.operator)

    def intake(self, **data: object):  # type: ignore[no-untyped-def]
        payload = {
            "caller_phone": CALLER,
            "request_type": "consult",
            "content": "咨询居住证怎么办理。",
            "category": Category.objects.get(code="urban.02").pk,
        }
        payload.update(data)
        response = self.client.post(reverse("orders:intake"), payload)
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        return Order.objects.latest("pk")

    def test_it_records_an_answer_from_an_entry_with_that_entry(self):
        order = self.intake(
            outcome="answer",
            answer=self.entry.answer,
            knowledge_ref=self.entry.ref,
            kb_searches=field(("居住", [], 9), ("居住证怎么办", [self.entry.ref], 5)),
        )
        self.assertEqual(order.status, Status.CLOSED)
        log = SearchLog.objects.get()  # the prefix was settled into the full query
        self.assertEqual(log.order, order)
        self.assertEqual(log.actor, self.operator)
        self.assertEqual(log.source, SearchSource.INTAKE)
        self.assertEqual(log.outcome, SearchOutcome.ANSWERED_FROM_ENTRY)
        self.assertEqual(log.entry_ref, self.entry.ref)
        self.assertEqual(log.query, "居住证怎么办")
        self.assertIn("居住证", log.terms)
        self.assertNotIn("怎么", log.terms)
        self.assertEqual(log.result_refs, [self.entry.ref])
        self.assertLessEqual(log.at, order.created_at)

    def test_it_keeps_no_search_of_a_confidential_call(self):
        """Art. 23: the searches tell the matter to every reader of the search log."""
        order = self.intake(
            outcome="answer",
            answer="请拨打派出所电话咨询。",
            is_confidential="on",
            kb_searches=field(("举报派出所民警收红包", [], 3)),
        )
        self.assertTrue(order.is_confidential)
        self.assertFalse(SearchLog.objects.exists())
        # The same call not confidential is recorded: the test can fail.
        self.intake(
            outcome="answer", answer="请拨打派出所电话咨询。", kb_searches=field(("暂住证", [], 3))
        )
        self.assertEqual(SearchLog.objects.count(), 1)

    def test_it_records_a_free_answer(self):
        order = self.intake(
            outcome="answer", answer="请拨打派出所电话咨询。", kb_searches=field(("暂住证", [], 3))
        )
        log = SearchLog.objects.get()
        self.assertEqual((log.order, log.outcome, log.entry_ref), (order, "answered_free", ""))

    def test_it_records_a_dispatch_and_keeps_no_personal_number(self):
        order = self.intake(
            request_type="help",
            content="小区门口违法建设。",
            outcome="dispatch",
            lead_unit=self.unit_a.pk,
            override_reason="属城管职责",
            kb_searches=field(
                ("违建 13812345678", [], 40),
                ("身份证110101199003071234 违建举报", ["KB-1", "<script>"], 20),
                ("029-87654321 卡6222021234567890123", [], 10),
            ),
        )
        self.assertEqual(order.status, Status.DISPATCHED)
        logs = list(SearchLog.objects.order_by("at"))
        self.assertEqual([log.outcome for log in logs], ["dispatched"] * 3)
        self.assertEqual(logs[1].result_refs, ["KB-1"])  # what is no ref is dropped
        stored = json.dumps(
            list(SearchLog.objects.values("query", "terms", "result_refs")), ensure_ascii=False
        )
        for number in ("13812345678", "110101199003071234", "87654321", "6222021234567890123"):
            self.assertNotIn(number, stored)
        self.assertEqual(logs[0].query, "违建 [手机号]")
        self.assertNotIn("手机号", logs[0].terms)

    def test_other_outcomes_are_other(self):
        self.intake(outcome="register", kb_searches=field(("居住证", [], 1)))
        self.assertEqual(SearchLog.objects.get().outcome, SearchOutcome.OTHER)

    def test_no_search_no_row_and_a_malformed_field_does_not_refuse_the_call(self):
        self.intake(outcome="register")
        self.intake(outcome="register", kb_searches="{not json")
        self.intake(outcome="register", kb_searches=json.dumps([{"q": 5}, "x", {"q": " "}]))
        self.assertFalse(SearchLog.objects.exists())
        self.assertEqual(Order.objects.count(), 3)

    def test_a_refused_intake_records_nothing_and_hands_the_searches_back(self):
        value = field(("居住证", [], 2))
        response = self.client.post(
            reverse("orders:intake"),
            {"request_type": "consult", "content": "", "outcome": "answer", "kb_searches": value},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(SearchLog.objects.exists())
        page = response.content.decode()
        self.assertIn('name="kb_searches" value="[{&quot;q&quot;', page)
        self.assertIn("&quot;age&quot;: 2}]", page)


class SettleTests(KnowledgeTestCase):
    def test_prefixes_and_repeats_collapse_into_the_settled_query(self):
        records = [
            SearchRecord("居"),
            SearchRecord("居住"),
            SearchRecord("居住证"),
            SearchRecord("居住证"),
            SearchRecord("停水"),
            SearchRecord("停"),
            SearchRecord("居住证"),
        ]
        self.assertEqual([r.query for r in searches_settle(records)], ["居住证", "停", "居住证"])

    def test_the_field_is_bounded(self):
        many = field(*[(f"问题{i}", [], i) for i in range(100)])
        self.assertEqual(len(searches_parse(many)), 20)
        self.assertEqual(searches_parse("x" * 20_000), [])
        (one,) = searches_parse(field(("q" * 500, ["KB-1"] * 9, 10**9)))
        self.assertEqual((len(one.query), len(one.refs), one.age_seconds), (200, 5, 4 * 3600))
