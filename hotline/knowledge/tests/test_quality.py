"""Search quality on the demo knowledge base (at least 30 question → entry pairs).
Each question is put the way callers speak; the expected entry must be among the first three.
The share found first is printed and must stay high."""

from hotline.knowledge.models import Entry
from hotline.knowledge.search import knowledge_search
from hotline.knowledge.services import knowledge_load_demo
from hotline.knowledge.tests.base import TODAY, KnowledgeTestCase
from hotline.knowledge.tests.quality_pairs import PAIRS


class DemoQualityTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        knowledge_load_demo()
        cls.keys = dict(Entry.objects.filter(key__isnull=False).values_list("pk", "key"))

    def ranked_keys(self, query: str, limit: int = 3) -> list[str]:
        hits = knowledge_search(query=query, limit=limit, today=TODAY)
        return [
            self.keys.get(h.entry_id, "") if h.kind == "entry" else f"unit:{h.unit_code}"
            for h in hits
        ]

    def test_residence_permit_question_finds_the_application_entry_first(self):
        hits = knowledge_search(query="怎么办理居住证", today=TODAY)
        self.assertEqual(hits[0].title, "居住证申领流程")
        self.assertEqual(hits[0].kind, "entry")

    def test_every_caller_question_finds_its_entry_in_the_top_three(self):
        self.assertGreaterEqual(len(PAIRS), 30)
        first = 0
        for question, key in PAIRS:
            with self.subTest(question=question):
                ranked = self.ranked_keys(question)
                self.assertIn(key, ranked, f"{question!r} → {ranked}")
                first += ranked[:1] == [key]
        print(f"\nknowledge search quality: top-1 {first}/{len(PAIRS)}, top-3 checked for all")
        self.assertGreaterEqual(first / len(PAIRS), 0.8)

    def test_who_to_call_about_a_power_cut_finds_the_power_company_card(self):
        self.assertIn("unit:power", self.ranked_keys("停电找谁"))

    def test_power_company_phone_finds_its_directory_card_first(self):
        hits = knowledge_search(query="供电公司电话", today=TODAY)
        self.assertEqual((hits[0].kind, hits[0].unit_code), ("directory", "power"))
        self.assertIn("95598", hits[0].answer)

    def test_directory_cards_answer_other_contact_questions(self):
        for question, code in [
            ("自来水公司电话多少", "watersupply"),
            ("燃气公司电话", "gas"),
            ("医保局几点上班", "medins"),
            ("城管归谁管", "urban"),
        ]:
            with self.subTest(question=question):
                self.assertEqual(self.ranked_keys(question, limit=1), [f"unit:{code}"])

    def test_expired_demo_entry_is_not_found_but_the_current_one_is(self):
        ranked = self.ranked_keys("居民医保什么时候交", limit=10)
        self.assertNotIn("medins-collection-2026", ranked)
        self.assertIn("medins-collection-2027", ranked)

    def test_unpublished_demo_entries_are_not_found(self):
        for question in ["下雪了路上没人扫", "直播间买的东西是假的", "暑期托管班"]:
            with self.subTest(question=question):
                ranked = self.ranked_keys(question, limit=10)
                self.assertFalse(
                    {"urban-winter-snow", "market-live-streaming", "edu-summer-camp"} & set(ranked)
                )
