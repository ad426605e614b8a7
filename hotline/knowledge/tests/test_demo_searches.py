"""The demo's search logs (knowledge.demo): written for answered and dispatched orders,
through the recording service, once."""

from hotline.knowledge.demo import knowledge_searches_load_demo
from hotline.knowledge.models import SearchLog, SearchOutcome
from hotline.knowledge.tests.base import KnowledgeTestCase
from hotline.orders import services


class DemoSearchesTests(KnowledgeTestCase):
    def test_it_logs_answered_and_dispatched_orders_once(self):
        entry = self.published(title="路灯不亮报修", answer="请说明路段,3个工作日内修复。")
        from_entry = services.order_answer(
            order=self.create_order(request_type="consult", content="路灯不亮，怎么报修。"),
            actor=self.operator,
            answer=entry.answer,
            knowledge_ref=entry.ref,
        )
        free = services.order_answer(
            order=self.create_order(request_type="consult", content="问一下办事时间。"),
            actor=self.operator,
            answer="工作日上午九点。",
        )
        dispatched = [
            self.dispatched_order(content=f"第{i}处违法建设，影响通行。") for i in range(6)
        ]

        written = knowledge_searches_load_demo()
        self.assertGreaterEqual(written, 3)
        self.assertEqual(knowledge_searches_load_demo(), 0)
        log = SearchLog.objects.get(order=from_entry)
        self.assertEqual(
            (log.outcome, log.entry_ref), (SearchOutcome.ANSWERED_FROM_ENTRY, entry.ref)
        )
        self.assertIn(entry.ref, log.result_refs)
        self.assertLess(log.at, from_entry.created_at)
        self.assertEqual(SearchLog.objects.get(order=free).outcome, SearchOutcome.ANSWERED_FREE)
        gaps = SearchLog.objects.filter(order__in=dispatched)
        self.assertTrue(gaps.exists())
        self.assertEqual(set(gaps.values_list("outcome", flat=True)), {SearchOutcome.DISPATCHED})
