"""The demo knowledge base: size, coverage of every unit, idempotent loading, the command."""

from io import StringIO
from pathlib import Path

import yaml
from django.core.management import call_command

from hotline.knowledge.models import Entry, EntryEvent, EntryState, Synonym
from hotline.knowledge.services import knowledge_load_demo
from hotline.knowledge.tests.base import KnowledgeTestCase
from hotline.units.models import Unit

CATALOGUE_UNITS = Path(__file__).resolve().parents[2] / "catalogue" / "data" / "units.yaml"


class DemoLoadTests(KnowledgeTestCase):
    def test_demo_has_at_least_150_published_entries_covering_every_unit(self):
        knowledge_load_demo()
        published = Entry.objects.filter(state=EntryState.PUBLISHED)
        self.assertGreaterEqual(published.count(), 150)
        codes = {
            row["code"]
            for row in yaml.safe_load(CATALOGUE_UNITS.read_text(encoding="utf-8"))["units"]
        }
        self.assertEqual(set(published.values_list("unit__code", flat=True)), codes)
        for state in (EntryState.DRAFT, EntryState.PENDING, EntryState.WITHDRAWN):
            self.assertTrue(Entry.objects.filter(state=state).exists(), state)

    def test_loading_twice_changes_nothing(self):
        first = knowledge_load_demo()
        counts = (Entry.objects.count(), EntryEvent.objects.count(), Synonym.objects.count())
        self.assertGreaterEqual(first, 150)
        self.assertEqual(knowledge_load_demo(), 0)
        self.assertEqual(
            (Entry.objects.count(), EntryEvent.objects.count(), Synonym.objects.count()), counts
        )

    def test_loading_restores_an_entry_changed_in_the_database(self):
        knowledge_load_demo()
        Entry.objects.filter(key="police-residence-permit").update(title="改坏的标题")
        self.assertEqual(knowledge_load_demo(), 1)
        self.assertEqual(Entry.objects.get(key="police-residence-permit").title, "居住证申领流程")

    def test_demo_fills_the_unit_directory(self):
        knowledge_load_demo()
        self.assertFalse(Unit.objects.filter(phone="").exists())
        self.assertFalse(Unit.objects.filter(office_hours="").exists())
        self.assertEqual(Unit.objects.get(code="power").phone, "95598(供电服务热线,24小时)")

    def test_synonyms_are_seeded_by_the_migration(self):
        self.assertGreaterEqual(Synonym.objects.count(), 60)
        self.assertIn("暂住证", Synonym.objects.get(term="居住证").words())

    def test_command_loads_and_reports(self):
        out = StringIO()
        call_command("knowledge_load", stdout=out)
        self.assertIn("已写入", out.getvalue())
        self.assertGreaterEqual(Entry.objects.filter(state=EntryState.PUBLISHED).count(), 150)
