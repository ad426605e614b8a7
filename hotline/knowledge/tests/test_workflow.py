"""Who may draft, change, submit, publish and withdraw entries, and what each step records
(Art. 10: units provide their policies; Art. 11(2): the host unit keeps the knowledge base)."""

from datetime import date

from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.core.models import AppendOnlyError
from hotline.knowledge import services
from hotline.knowledge.models import Entry, EntryAction, EntryEvent, EntryState
from hotline.knowledge.search import knowledge_search
from hotline.knowledge.tests.base import TODAY, KnowledgeTestCase


class DraftingTests(KnowledgeTestCase):
    def test_handler_drafts_for_own_unit(self):
        entry = self.draft(actor=self.handler_a, unit=self.unit_a)
        self.assertEqual(
            (entry.state, entry.unit, entry.created_by),
            (EntryState.DRAFT, self.unit_a, self.handler_a),
        )
        event = entry.events.get()
        self.assertEqual(
            (event.action, event.from_state, event.to_state, event.actor),
            ("create", "", "draft", self.handler_a),
        )

    def test_unit_b_cannot_draft_for_unit_a(self):
        with self.assertRaises(NotAllowed):
            self.draft(actor=self.handler_b, unit=self.unit_a)
        with self.assertRaises(NotAllowed):
            self.draft(actor=self.manager_b, unit=self.unit_a)
        self.assertFalse(Entry.objects.exists())

    def test_operator_lead_and_reviewer_draft_for_any_unit(self):
        self.assertEqual(self.draft(actor=self.lead, unit=self.unit_b).unit, self.unit_b)
        self.assertEqual(self.draft(actor=self.reviewer, unit=self.unit_a).unit, self.unit_a)

    def test_operator_supervisor_and_sysadmin_cannot_draft(self):
        for user in (self.operator, self.supervisor, self.sysadmin, self.auditor):
            with self.subTest(user=user.username), self.assertRaises(NotAllowed):
                self.draft(actor=user, unit=self.unit_a)

    def test_title_and_answer_are_required(self):
        with self.assertRaisesMessage(InvalidInput, "请填写标题"):
            self.draft(title="  ")
        with self.assertRaisesMessage(InvalidInput, "请填写答复口径"):
            self.draft(answer="")

    def test_validity_must_not_end_before_it_starts(self):
        with self.assertRaisesMessage(InvalidInput, "失效日期不能早于生效日期"):
            self.draft(valid_from=date(2026, 5, 1), valid_to=date(2026, 4, 30))

    def test_unit_staff_cannot_move_entry_to_another_unit(self):
        entry = self.draft()
        with self.assertRaises(NotAllowed):
            services.entry_update(
                entry=entry, actor=self.handler_a, title="x", answer="y", unit=self.unit_b
            )
        self.assertEqual(Entry.objects.get(pk=entry.pk).unit, self.unit_a)

    def test_other_unit_cannot_edit_draft(self):
        entry = self.draft()
        with self.assertRaises(NotAllowed):
            services.entry_update(entry=entry, actor=self.handler_b, title="x", answer="y")

    def test_stale_version_is_refused(self):
        entry = self.draft()
        seen = entry.version
        services.entry_update(
            entry=entry, actor=self.manager_a, title="新标题", answer=entry.answer
        )
        with self.assertRaises(WrongState) as caught:
            services.entry_update(
                entry=entry,
                actor=self.handler_a,
                title="旧稿",
                answer="旧稿",
                expected_version=seen,
            )
        self.assertEqual(caught.exception.code, "entry_changed")
        self.assertEqual(Entry.objects.get(pk=entry.pk).title, "新标题")


class PublishingTests(KnowledgeTestCase):
    def test_handler_cannot_publish(self):
        entry = self.pending()
        for user in (self.handler_a, self.manager_a, self.operator, self.lead):
            with self.subTest(user=user.username), self.assertRaises(NotAllowed):
                services.entry_publish(entry=entry, actor=user)
        self.assertEqual(Entry.objects.get(pk=entry.pk).state, EntryState.PENDING)

    def test_reviewer_publishes_pending_entry(self):
        entry = self.pending()
        entry = services.entry_publish(entry=entry, actor=self.reviewer, note="内容准确")
        stored = Entry.objects.get(pk=entry.pk)
        self.assertEqual((stored.state, stored.published_by), (EntryState.PUBLISHED, self.reviewer))
        self.assertIsNotNone(stored.published_at)
        self.assertEqual(
            list(stored.events.values_list("action", "from_state", "to_state")),
            [
                ("create", "", "draft"),
                ("submit", "draft", "pending"),
                ("publish", "pending", "published"),
            ],
        )
        self.assertEqual(stored.events.last().note, "内容准确")
        self.assertEqual(
            [
                h.entry_id
                for h in knowledge_search(query="路灯报修", today=TODAY, include_directory=False)
            ],
            [entry.pk],
        )

    def test_draft_cannot_be_published_before_submission(self):
        entry = self.draft()
        with self.assertRaises(WrongState):
            services.entry_publish(entry=entry, actor=self.reviewer)

    def test_expired_entry_cannot_be_published(self):
        entry = self.pending(valid_to=date(2000, 1, 1))
        with self.assertRaisesMessage(InvalidInput, "已过失效日期"):
            services.entry_publish(entry=entry, actor=self.reviewer)

    def test_reviewer_returns_pending_entry_with_a_note(self):
        entry = self.pending()
        with self.assertRaisesMessage(InvalidInput, "请填写退回原因"):
            services.entry_return_to_draft(entry=entry, actor=self.reviewer, note=" ")
        entry = services.entry_return_to_draft(
            entry=entry, actor=self.reviewer, note="请补充办理地点"
        )
        self.assertEqual(entry.state, EntryState.DRAFT)
        self.assertEqual(entry.events.last().note, "请补充办理地点")

    def test_other_unit_cannot_submit(self):
        entry = self.draft()
        with self.assertRaises(NotAllowed):
            services.entry_submit(entry=entry, actor=self.handler_b)


class WithdrawTests(KnowledgeTestCase):
    def test_unit_manager_withdraws_own_entry_with_a_reason(self):
        entry = self.published()
        with self.assertRaisesMessage(InvalidInput, "请填写撤回原因"):
            services.entry_withdraw(entry=entry, actor=self.manager_a, note="")
        entry = services.entry_withdraw(entry=entry, actor=self.manager_a, note="政策已调整")
        self.assertEqual(Entry.objects.get(pk=entry.pk).state, EntryState.WITHDRAWN)

    def test_handler_and_other_unit_cannot_withdraw(self):
        entry = self.published()
        for user in (self.handler_a, self.manager_b, self.operator):
            with self.subTest(user=user.username), self.assertRaises(NotAllowed):
                services.entry_withdraw(entry=entry, actor=user, note="x")

    def test_withdrawn_entry_can_be_reworked_and_published_again(self):
        entry = services.entry_withdraw(entry=self.published(), actor=self.reviewer, note="核实中")
        entry = services.entry_return_to_draft(
            entry=entry, actor=self.handler_a, note="修改后重新提交"
        )
        entry = services.entry_submit(entry=entry, actor=self.handler_a)
        entry = services.entry_publish(entry=entry, actor=self.reviewer)
        self.assertEqual(entry.state, EntryState.PUBLISHED)


class RevisionTests(KnowledgeTestCase):
    def test_published_entry_is_not_edited_in_place(self):
        entry = self.published()
        with self.assertRaises(WrongState):
            services.entry_update(entry=entry, actor=self.handler_a, title="改", answer="改")

    def test_revision_replaces_the_published_entry_only_when_published(self):
        old = self.published(title="路灯报修流程")
        Entry.objects.filter(pk=old.pk).update(key="urban-streetlight")
        revision = services.entry_revise(entry=old, actor=self.handler_a)
        self.assertEqual(
            (revision.state, revision.revises_id, revision.title),
            (EntryState.DRAFT, old.pk, old.title),
        )
        with self.assertRaises(WrongState):
            services.entry_revise(entry=old, actor=self.handler_a)  # one open revision at a time
        services.entry_update(
            entry=revision, actor=self.handler_a, title="路灯报修(新)", answer="新口径"
        )
        services.entry_submit(entry=revision, actor=self.handler_a)
        found = knowledge_search(query="路灯报修", today=TODAY, include_directory=False)
        self.assertEqual([h.entry_id for h in found], [old.pk])  # the old text still answers calls

        services.entry_publish(entry=revision, actor=self.reviewer)
        old, revision = Entry.objects.get(pk=old.pk), Entry.objects.get(pk=revision.pk)
        self.assertEqual((old.state, old.key), (EntryState.WITHDRAWN, None))
        self.assertEqual(
            (revision.state, revision.key), (EntryState.PUBLISHED, "urban-streetlight")
        )
        self.assertEqual(old.events.last().action, EntryAction.SUPERSEDE)
        found = knowledge_search(query="路灯报修", today=TODAY, include_directory=False)
        self.assertEqual([h.entry_id for h in found], [revision.pk])
        with self.assertRaises(WrongState):
            services.entry_return_to_draft(entry=old, actor=self.handler_a, note="x")

    def test_other_unit_cannot_revise(self):
        with self.assertRaises(NotAllowed):
            services.entry_revise(entry=self.published(), actor=self.handler_b)


class HistoryTests(KnowledgeTestCase):
    def test_history_rows_are_append_only(self):
        event = self.draft().events.get()
        event.note = "改写"
        with self.assertRaises(AppendOnlyError):
            event.save()
        with self.assertRaises(AppendOnlyError):
            event.delete()
        self.assertEqual(EntryEvent.objects.get(pk=event.pk).note, "")

    def test_every_change_bumps_the_version(self):
        entry = self.draft()
        self.assertEqual(entry.version, 1)
        entry = services.entry_submit(entry=entry, actor=self.handler_a)
        self.assertEqual(entry.version, 2)
        self.assertEqual(list(entry.events.values_list("version", flat=True)), [1, 2])


class DirectoryUpdateTests(KnowledgeTestCase):
    def test_unit_manager_and_reviewer_update_contact_details(self):
        services.unit_directory_update(
            unit=self.unit_a, actor=self.manager_a, phone="029-1", office_hours="9-5"
        )
        self.unit_a.refresh_from_db()
        self.assertEqual((self.unit_a.phone, self.unit_a.office_hours), ("029-1", "9-5"))
        services.unit_directory_update(
            unit=self.unit_b, actor=self.reviewer, phone="029-2", office_hours=""
        )
        self.unit_b.refresh_from_db()
        self.assertEqual(self.unit_b.phone, "029-2")

    def test_handler_and_other_units_cannot_update_contact_details(self):
        for user in (self.handler_a, self.manager_b, self.operator, self.sysadmin):
            with self.subTest(user=user.username), self.assertRaises(NotAllowed):
                services.unit_directory_update(
                    unit=self.unit_a, actor=user, phone="1", office_hours=""
                )
        self.unit_a.refresh_from_db()
        self.assertEqual(self.unit_a.phone, "")
