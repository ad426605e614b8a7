"""The knowledge tests' base: the personas of `hotline.testing` and entries built through the
real services. The search index is process-wide; each test starts from a fresh one so that
rows of a rolled-back test never linger in it."""

from datetime import date
from typing import Any

from hotline.accounts.models import User
from hotline.knowledge import services
from hotline.knowledge.models import Entry
from hotline.knowledge.search import index_invalidate
from hotline.testing import BaseTestCase
from hotline.units.models import Unit

TODAY = date(2026, 11, 26)


class KnowledgeTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        index_invalidate()

    def draft(self, *, actor: User | None = None, unit: Unit | None = None, **fields: Any) -> Entry:
        values: dict[str, Any] = {
            "title": "路灯报修流程",
            "answer": "市政道路路灯不亮,请说明路段和灯杆编号,3个工作日内修复。",
        }
        values.update(fields)
        return services.entry_create(
            actor=actor or self.handler_a, unit=unit or self.unit_a, **values
        )

    def pending(self, **kwargs: Any) -> Entry:
        entry = self.draft(**kwargs)
        return services.entry_submit(entry=entry, actor=kwargs.get("actor") or self.handler_a)

    def published(self, **kwargs: Any) -> Entry:
        entry = self.pending(**kwargs)
        return services.entry_publish(entry=entry, actor=self.reviewer)
