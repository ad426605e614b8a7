"""Complaints and reports are declined or merged only after the host unit's review (Art. 14(2)):
the operator's choice travels to the reviewer as a proposal, as a dispatch proposal does."""

from hotline.catalogue.models import ExclusionReason, RequestType
from hotline.core.errors import NotAllowed
from hotline.orders import services
from hotline.orders.models import Action, Status
from hotline.orders.rules import available_actions
from hotline.orders.services import Decision, Request
from hotline.testing import BaseTestCase


class ProposalToReviewTests(BaseTestCase):
    def intake(self, request_type: str, **decision):  # type: ignore[no-untyped-def]
        return services.order_intake(
            actor=self.operator,
            request=Request(
                request_type=RequestType.objects.get(pk=request_type),
                content="楼下饭店油烟扰民，已经反映过多次。",
                caller_phone="13812345678",
            ),
            decision=Decision(**decision),
        )

    def test_an_operator_cannot_decline_or_merge_a_received_complaint(self):
        complaint = self.create_order(request_type="complaint")
        earlier = self.create_order()
        exclusion = ExclusionReason.objects.first()
        for user in (self.operator, self.lead):
            self.assertNotIn(Action.NOT_ACCEPT, available_actions(user, complaint))
            self.assertNotIn(Action.MERGE, available_actions(user, complaint))
            with self.assertRaises(NotAllowed):
                services.order_not_accept(order=complaint, actor=user, exclusion=exclusion)
            with self.assertRaises(NotAllowed):
                services.order_merge(order=complaint, into=earlier, actor=user)
        self.assertEqual(self.reload(complaint).status, Status.RECEIVED)

    def test_declining_a_complaint_at_intake_sends_the_proposal_to_review(self):
        exclusion = ExclusionReason.objects.first()
        for request_type in ("complaint", "report"):
            with self.subTest(request_type=request_type):
                order = self.intake(
                    request_type, outcome="not_accept", exclusion=exclusion, exclusion_note="已诉讼"
                )
                self.assertEqual(order.status, Status.PENDING_REVIEW)
                self.assertIsNone(order.close_reason or None)
                event = order.events.get(action=Action.SUBMIT_REVIEW)
                self.assertEqual(
                    (event.data["proposed_outcome"], event.data["exclusion"]),
                    (Action.NOT_ACCEPT, exclusion.code),
                )
                self.assertIn(exclusion.name, order.preliminary_opinion)

    def test_the_reviewer_decides_the_proposal_with_the_reason_preselected(self):
        exclusion = ExclusionReason.objects.last()
        order = self.intake("complaint", outcome="not_accept", exclusion=exclusion)
        self.assertIn(Action.NOT_ACCEPT, available_actions(self.reviewer, order))
        self.client.force_login(self.reviewer)
        page = self.client.get(f"/orders/{order.number}/").content.decode()
        start = page.index(f'action="/orders/{order.number}/act/not_accept/"')
        form = page[start : page.index("</form>", start)]
        self.assertIn(f'value="{exclusion.pk}" selected', form)
        order = services.order_not_accept(order=order, actor=self.reviewer, exclusion=exclusion)
        self.assertEqual((order.status, order.exclusion), (Status.CLOSED, exclusion))

    def test_merging_a_complaint_at_intake_goes_to_review_and_the_reviewer_merges(self):
        earlier = self.create_order(request_type="complaint")
        order = self.intake("complaint", outcome="merge", merge_into=earlier)
        self.assertEqual(order.status, Status.PENDING_REVIEW)
        self.assertIn(earlier.number, order.preliminary_opinion)
        self.client.force_login(self.reviewer)
        self.assertContains(
            self.client.get(f"/orders/{order.number}/"), f'value="{earlier.number}"'
        )
        order = services.order_merge(order=order, into=earlier, actor=self.reviewer)
        self.assertEqual((order.status, order.merged_into), (Status.MERGED, earlier))

    def test_other_types_are_still_declined_at_once(self):
        exclusion = ExclusionReason.objects.first()
        order = self.intake("consult", outcome="not_accept", exclusion=exclusion)
        self.assertEqual(order.status, Status.CLOSED)
