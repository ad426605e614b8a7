"""Closing archives an order: read-only except an audited correction by the host unit."""

from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.catalogue.models import Category
from hotline.core.errors import Conflict, InvalidInput, NotAllowed, WrongState
from hotline.orders import services
from hotline.orders.models import Action, Status
from hotline.orders.rules import available_actions
from hotline.orders.services import attachments_add, order_add_note
from hotline.orders.tests.test_attachments import PDF  # a PDF that parses
from hotline.testing import BaseTestCase


class ArchiveTests(BaseTestCase):
    def closed_order(self):  # type: ignore[no-untyped-def]
        order = self.reply_checked_order()
        return services.order_record_callback(
            order=order, actor=self.operator, satisfaction="satisfied"
        )

    def test_a_closed_order_offers_no_action_to_anyone(self):
        order = self.closed_order()
        self.assertEqual(order.status, Status.CLOSED)
        for user in (self.operator, self.lead, self.reviewer, self.handler_a, self.manager_a):
            with self.subTest(user=user.username):
                # An archive admits no transition, note or file; only reading the caller,
                # linking a later order to it and the host unit's correction.
                self.assertLessEqual(
                    available_actions(user, order), {Action.REVEAL, Action.LINK, Action.CORRECT}
                )

    def test_notes_and_attachments_are_refused_on_a_closed_order(self):
        order = self.closed_order()
        with self.assertRaises(WrongState):
            order_add_note(order=order, actor=self.operator, text="补充说明")
        self.assertNotIn(Action.ATTACH, available_actions(self.operator, order))
        pdf = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
        with self.assertRaises((WrongState, NotAllowed)):
            attachments_add(order=order, actor=self.operator, uploads=[pdf])
        self.assertFalse(order.attachments.exists())

    def test_host_reviewer_corrects_the_category_with_a_reason_kept_in_history(self):
        order = self.closed_order()
        old = order.category
        new = Category.objects.get(code="urban.01")
        order = services.order_correct(
            order=order, actor=self.reviewer, reason="分类选错，应为占道经营", category=new
        )
        self.assertEqual(self.reload(order).category, new)
        event = order.events.get(action=Action.CORRECT)
        self.assertEqual(event.actor, self.reviewer)
        self.assertEqual(
            event.data, {"before": {"category": old.pk}, "after": {"category": new.pk}}
        )
        self.assertEqual(event.reason, "分类选错，应为占道经营")
        self.assertEqual(self.reload(order).status, Status.CLOSED)

    def test_others_cannot_correct_and_nothing_changes(self):
        order = self.closed_order()
        for user in (self.operator, self.lead, self.supervisor, self.manager_a):
            with self.subTest(user=user.username), self.assertRaises(NotAllowed):
                services.order_correct(order=order, actor=user, reason="x", address="新地址")
        self.assertEqual(self.reload(order).address, "")
        self.assertFalse(order.events.filter(action=Action.CORRECT).exists())

    def test_correction_needs_a_reason_a_change_and_a_correctable_field(self):
        order = self.closed_order()
        with self.assertRaises(InvalidInput):
            services.order_correct(order=order, actor=self.reviewer, reason="", address="新地址")
        with self.assertRaises(InvalidInput):
            services.order_correct(
                order=order, actor=self.reviewer, reason="理由", address=order.address
            )
        with self.assertRaises(InvalidInput):
            services.order_correct(
                order=order, actor=self.reviewer, reason="理由", content="改写诉求"
            )
        self.assertFalse(order.events.filter(action=Action.CORRECT).exists())


class CorrectViewTests(BaseTestCase):
    def test_reviewer_corrects_through_the_order_page(self):
        order = self.in_progress_order()
        new = Category.objects.get(code="urban.01")
        self.client.force_login(self.reviewer)
        response = self.client.post(
            f"/orders/{order.number}/correct/",
            {
                "correct-category": new.pk,
                "correct-request_type": "help",
                "correct-reason": "分类更正",
                "correct-version": order.version,
            },
        )
        self.assertRedirects(response, f"/orders/{order.number}/", fetch_redirect_response=False)
        self.assertEqual(self.reload(order).category, new)

    def test_reason_is_required_and_nothing_changes(self):
        order = self.in_progress_order()
        self.client.force_login(self.reviewer)
        response = self.client.post(
            f"/orders/{order.number}/correct/",
            {"correct-address": "新地址", "correct-request_type": "help"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.reload(order).address, "")

    def test_only_the_host_unit_sees_and_uses_the_correction(self):
        order = self.in_progress_order()
        for user in (self.operator, self.handler_a, self.supervisor):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertNotContains(self.client.get(f"/orders/{order.number}/"), "更正工单")
                response = self.client.post(
                    f"/orders/{order.number}/correct/",
                    {
                        "correct-address": "新地址",
                        "correct-reason": "x",
                        "correct-version": order.version,
                    },
                )
                # They see the order: refused (403), not hidden (docs/access-matrix.md).
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.reload(order).address, "")
        self.client.force_login(self.reviewer)
        self.assertContains(self.client.get(f"/orders/{order.number}/"), "更正工单")


class ConcurrentCorrectionTests(BaseTestCase):
    """Two host reviewers correcting the same order at once: the second is told the order
    changed and overwrites nothing (a correction carries the version it was made on)."""

    def test_the_second_of_two_corrections_from_the_same_version_is_refused(self):
        order = self.in_progress_order()
        seen = order.version
        first, second = Category.objects.get(code="urban.01"), Category.objects.get(code="urban.03")
        services.order_correct(
            order=order,
            actor=self.reviewer,
            reason="分类更正",
            expected_version=seen,
            category=first,
        )
        with self.assertRaises(Conflict):
            services.order_correct(
                order=order,
                actor=self.reviewer,
                reason="另一处更正",
                expected_version=seen,
                category=second,
            )
        self.assertEqual(self.reload(order).category, first)
        self.assertEqual(order.events.filter(action=Action.CORRECT).count(), 1)

    def test_the_page_answers_409_with_the_current_state(self):
        order = self.in_progress_order()
        stale = order.version
        services.order_correct(
            order=order,
            actor=self.reviewer,
            reason="地址更正",
            expected_version=stale,
            address="甲",
        )
        self.client.force_login(self.reviewer)
        response = self.client.post(
            f"/orders/{order.number}/correct/",
            {"correct-address": "乙", "correct-reason": "再次更正", "correct-version": stale},
        )
        self.assertContains(response, "工单已被他人更新", status_code=409)
        self.assertEqual(self.reload(order).address, "甲")
