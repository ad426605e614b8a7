"""Knowledge content changes only through its own workflow (review by the host unit, every
version on record): no entry or entry history is in the admin, for reading or writing. The
synonym groups stay the system administrator's configuration, audited."""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from hotline.audit.models import AuditEntry
from hotline.knowledge.models import Entry, EntryEvent, Synonym
from hotline.knowledge.tests.base import KnowledgeTestCase


class KnowledgeAdminTests(KnowledgeTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.sysadmin)

    def test_no_knowledge_content_is_registered_in_the_admin(self):
        self.assertNotIn(Entry, admin.site._registry)
        self.assertNotIn(EntryEvent, admin.site._registry)
        with self.assertRaises(NoReverseMatch):
            reverse("admin:knowledge_entry_changelist")

    def test_a_published_answer_cannot_be_rewritten_or_read_in_the_admin(self):
        entry = self.published(title="停水怎么办", answer="请先确认是否在计划停水范围内。")
        base = f"/admin/knowledge/entry/{entry.pk}"
        for url in ("/admin/knowledge/entry/", f"{base}/change/", f"{base}/history/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.client.post(f"{base}/change/", {"title": "改写", "answer": "绕过审核的答复"})
        entry.refresh_from_db()
        self.assertEqual(entry.answer, "请先确认是否在计划停水范围内。")

    def test_synonym_groups_are_kept_by_the_sysadmin_and_audited(self):
        response = self.client.post(
            reverse("admin:knowledge_synonym_add"),
            {"term": "晾衣架", "synonyms": "晒被架, 晒衣架", "is_active": "on"},
        )
        self.assertEqual(response.status_code, 302)
        synonym = Synonym.objects.get(term="晾衣架")
        entry = AuditEntry.objects.get(target=f"knowledge.synonym:{synonym.pk}")
        self.assertEqual(entry.actor, self.sysadmin)
        self.assertEqual(entry.detail["changes"]["synonyms"], [None, "晒被架, 晒衣架"])
