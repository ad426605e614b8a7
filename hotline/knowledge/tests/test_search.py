"""What the search returns and how: synonyms, highlighting, validity and state, filters,
and the in-memory index following changes."""

import time
from datetime import date, timedelta
from unittest import mock

from hotline.knowledge import search, services
from hotline.knowledge.models import Entry, EntryState, Synonym
from hotline.knowledge.search import knowledge_search
from hotline.knowledge.tests.base import TODAY, KnowledgeTestCase


class SynonymTests(KnowledgeTestCase):
    def test_old_name_finds_entry_written_with_the_new_one(self):
        entry = self.published(title="居住证申领流程", answer="到居住地派出所户籍窗口办理。")
        hits = knowledge_search(query="暂住证在哪办", today=TODAY, include_directory=False)
        self.assertEqual([h.entry_id for h in hits[:1]], [entry.pk])

    def test_colloquial_words_find_the_official_term(self):
        entry = self.published(title="突然停水怎么办", answer="请先确认是否在计划停水范围内。")
        hits = knowledge_search(query="家里没水了", today=TODAY, include_directory=False)
        self.assertEqual([h.entry_id for h in hits[:1]], [entry.pk])

    def test_without_the_synonym_group_the_colloquial_word_misses(self):
        self.published(title="突然停水怎么办", answer="请先确认是否在计划停水范围内。")
        Synonym.objects.filter(term="停水").delete()
        hits = knowledge_search(query="没水", today=TODAY, include_directory=False)
        self.assertEqual(hits, [])

    def test_a_group_added_in_the_admin_applies_at_the_next_search(self):
        entry = self.published(title="晾衣架安装", answer="物业负责公共区域晾衣设施。")
        self.assertEqual(knowledge_search(query="晒被架", today=TODAY, include_directory=False), [])
        Synonym.objects.create(term="晾衣架", synonyms="晒被架, 晒衣架")
        hits = knowledge_search(query="晒被架", today=TODAY, include_directory=False)
        self.assertEqual([h.entry_id for h in hits], [entry.pk])


class HighlightTests(KnowledgeTestCase):
    def test_matched_words_are_marked_in_title_and_snippet(self):
        self.published(title="居住证申领流程", answer="申领居住证请到派出所户籍窗口。")
        hit = knowledge_search(query="怎么办理居住证", today=TODAY, include_directory=False)[0]
        self.assertIn("<mark>居住证申领</mark>流程", hit.title_html)
        self.assertEqual(hit.snippet_html, "<mark>申领居住证</mark>请到派出所户籍窗口。")
        self.assertEqual(hit.title, "居住证申领流程")

    def test_word_the_entry_lacks_is_marked_by_its_parts(self):
        self.published(title="电动自行车充电", answer="请勿在楼道内给电动自行车充电。")
        hit = knowledge_search(query="电动车充电", today=TODAY, include_directory=False)[0]
        self.assertEqual(hit.title_html, "<mark>电动</mark>自行车<mark>充电</mark>")

    def test_markup_in_entry_text_is_escaped(self):
        self.published(
            title="<script>alert(1)</script>路灯报修",
            answer='路灯不亮请报修<img src=x onerror="alert(2)">。',
        )
        hit = knowledge_search(query="路灯", today=TODAY, include_directory=False)[0]
        self.assertEqual(
            hit.title_html, "&lt;script&gt;alert(1)&lt;/script&gt;<mark>路灯</mark>报修"
        )
        self.assertNotIn("<img", hit.snippet_html)
        self.assertIn("&lt;img src=x onerror=&quot;alert(2)&quot;&gt;", hit.snippet_html)

    def test_query_markup_is_not_injected(self):
        self.published(title="路灯报修", answer="路灯不亮请报修。")
        hits = knowledge_search(query="<mark>路灯</script>", today=TODAY, include_directory=False)
        self.assertEqual(hits[0].title_html, "<mark>路灯</mark>报修")

    def test_long_answer_snippet_shows_the_matching_part(self):
        answer = "前言。" * 40 + "需要携带户口簿和身份证。" + "后记。" * 40
        self.published(title="材料清单", answer=answer)
        hit = knowledge_search(query="户口簿", today=TODAY, include_directory=False)[0]
        self.assertIn("<mark>户口簿</mark>", hit.snippet_html)
        self.assertTrue(hit.snippet.startswith("…") and hit.snippet.endswith("…"))
        self.assertLessEqual(len(hit.snippet), search.SNIPPET_CHARS + 2)


class VisibilityTests(KnowledgeTestCase):
    def found(self, query: str, today: date = TODAY) -> list[int]:
        return [
            h.entry_id for h in knowledge_search(query=query, today=today, include_directory=False)
        ]

    def test_drafts_and_pending_entries_never_appear(self):
        draft = self.draft(title="井盖丢失报修")
        pending = self.pending(title="井盖破损报修")
        self.assertEqual(self.found("井盖"), [])
        self.assertTrue(draft.pk and pending.pk)

    def test_withdrawn_entry_disappears(self):
        entry = self.published(title="井盖丢失报修")
        self.assertEqual(self.found("井盖"), [entry.pk])
        services.entry_withdraw(entry=entry, actor=self.reviewer, note="职责调整")
        self.assertEqual(self.found("井盖"), [])

    def test_entry_is_found_only_inside_its_validity_period(self):
        entry = self.published(
            title="冬季供暖缴费", valid_from=date(2026, 10, 1), valid_to=date(2026, 12, 31)
        )
        self.assertEqual(self.found("供暖缴费", today=date(2026, 9, 30)), [])
        self.assertEqual(self.found("供暖缴费", today=date(2026, 10, 1)), [entry.pk])
        self.assertEqual(self.found("供暖缴费", today=date(2026, 12, 31)), [entry.pk])
        self.assertEqual(self.found("供暖缴费", today=date(2027, 1, 1)), [])

    def test_default_today_is_the_platform_clock(self):
        self.published(title="冬季供暖缴费", valid_to=date(2026, 12, 31))
        with mock.patch("hotline.knowledge.search.clock.now") as now:
            from django.utils import timezone

            now.return_value = timezone.make_aware(timezone.datetime(2027, 1, 2, 10, 0))
            self.assertEqual(knowledge_search(query="供暖缴费", include_directory=False), [])

    def test_unit_filter_keeps_only_those_units(self):
        mine = self.published(title="井盖丢失报修")
        self.published(title="井盖投诉", actor=self.handler_b, unit=self.unit_b)
        hits = knowledge_search(query="井盖", today=TODAY, unit_codes=["urban"])
        self.assertEqual(
            {(h.kind, h.entry_id or h.unit_code) for h in hits},
            {("entry", mine.pk), ("directory", "urban")},
        )

    def test_empty_query_finds_nothing(self):
        self.published(title="井盖丢失报修")
        self.assertEqual(knowledge_search(query="  "), [])


class DirectoryTests(KnowledgeTestCase):
    def test_unit_card_carries_duties_phone_and_office_hours(self):
        services.unit_directory_update(
            unit=self.unit_a,
            actor=self.reviewer,
            phone="029-87035101",
            office_hours="工作日 8:30-18:00",
        )
        hits = knowledge_search(query="城市管理执法局电话", today=TODAY)
        card = hits[0]
        self.assertEqual(
            (card.kind, card.unit_id, card.entry_id), ("directory", self.unit_a.pk, None)
        )
        self.assertIn("029-87035101", card.answer)
        self.assertIn("工作日 8:30-18:00", card.answer)
        self.assertIn("违法建设", card.answer)
        self.assertEqual(card.ref, "UNIT-urban")

    def test_directory_can_be_left_out(self):
        hits = knowledge_search(query="城市管理执法局电话", today=TODAY, include_directory=False)
        self.assertEqual(hits, [])


class IndexTests(KnowledgeTestCase):
    def test_change_in_this_process_is_seen_at_the_next_search(self):
        entry = self.published(title="井盖丢失报修")
        self.assertEqual(
            len(knowledge_search(query="井盖", today=TODAY, include_directory=False)), 1
        )
        revision = services.entry_revise(entry=entry, actor=self.handler_a)
        services.entry_update(
            entry=revision, actor=self.handler_a, title="窨井盖丢失报修", answer=entry.answer
        )
        services.entry_submit(entry=revision, actor=self.handler_a)
        services.entry_publish(entry=revision, actor=self.reviewer)
        hits = knowledge_search(query="井盖", today=TODAY, include_directory=False)
        self.assertEqual([(h.entry_id, h.title) for h in hits], [(revision.pk, "窨井盖丢失报修")])

    def test_change_by_another_process_is_seen_after_the_recheck_interval(self):
        entry = self.published(title="井盖丢失报修")
        self.assertEqual(
            len(knowledge_search(query="井盖", today=TODAY, include_directory=False)), 1
        )
        # Another process withdraws it: the row changes, no signal reaches this process.
        Entry.objects.filter(pk=entry.pk).update(
            state=EntryState.WITHDRAWN, updated_at=entry.updated_at + timedelta(seconds=1)
        )
        self.assertEqual(
            len(knowledge_search(query="井盖", today=TODAY, include_directory=False)), 1
        )
        later = time.monotonic() + search.RECHECK_SECONDS + 1
        with mock.patch("hotline.core.cache.time.monotonic", return_value=later):
            self.assertEqual(
                knowledge_search(query="井盖", today=TODAY, include_directory=False), []
            )
