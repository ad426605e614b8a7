"""Drawing targets from past callers: only after the supervisor's approval (Art. 24), closed
non-confidential orders only, one per number, audited."""

from datetime import date

from hotline.audit.models import AuditEntry
from hotline.catalogue.models import RequestType
from hotline.clock import frozen_at
from hotline.core.errors import NotAllowed, WrongState
from hotline.orders import services as order_services
from hotline.surveys import services
from hotline.surveys.models import CampaignEvent, Target, TargetSource
from hotline.surveys.targets import targets_draw_from_orders
from hotline.surveys.tests.base import SurveyTestCase
from hotline.testing import aware

FROM, TO = date(2025, 10, 1), date(2025, 10, 31)


class DrawFromPastCallersTests(SurveyTestCase):
    def closed_order(self, phone: str, *, at: str = "2025-10-09 10:00", **kwargs):  # type: ignore[no-untyped-def]
        with frozen_at(aware(at)):
            order = self.create_order(
                request_type="consult", caller_phone=phone, caller_name="王小二", **kwargs
            )
            return order_services.order_answer(
                order=order, actor=self.operator, answer="已按政策答复。"
            )

    def draw(self, **kwargs):  # type: ignore[no-untyped-def]
        params = {
            "campaign": self.campaign,
            "actor": self.reviewer,
            "created_from": FROM,
            "created_to": TO,
        }
        params.update(kwargs)
        return targets_draw_from_orders(**params)

    def approve(self):  # type: ignore[no-untyped-def]
        return services.campaign_approve_past_callers(
            campaign=self.campaign, actor=self.supervisor, note="同意用于本次满意度调查"
        )

    def setUp(self):
        self.campaign = self.make_campaign()

    def test_drawing_needs_the_supervisors_approval(self):
        self.closed_order("13811110001")
        with self.assertRaises(NotAllowed):
            self.draw()
        self.assertFalse(Target.objects.exists())

    def test_only_the_supervisor_approves_and_the_approval_is_audited(self):
        for actor in (self.reviewer, self.lead, self.operator, self.manager_a, self.auditor):
            with self.subTest(actor=actor.username), self.assertRaises(NotAllowed):
                services.campaign_approve_past_callers(
                    campaign=self.campaign, actor=actor, note="同意"
                )
        campaign = self.approve()
        self.assertEqual(campaign.past_callers_approved_by, self.supervisor)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.CONFIG_CHANGE)
        self.assertEqual(
            (entry.actor, entry.target, entry.reason),
            (self.supervisor, f"survey:{campaign.pk}", "同意用于本次满意度调查"),
        )
        self.assertEqual(entry.detail["change"], "approve_past_callers")
        self.assertTrue(
            campaign.events.filter(action=CampaignEvent.Action.APPROVE_PAST_CALLERS).exists()
        )
        with self.assertRaises(WrongState):
            self.approve()

    def test_closed_non_confidential_orders_only_one_target_per_number(self):
        self.closed_order("13811110001", at="2025-10-09 10:00")
        self.closed_order("138-1111-0001", at="2025-10-10 10:00")  # same caller again
        self.closed_order("13811110002")
        self.closed_order("13811110003", is_confidential=True)
        self.create_order(request_type="consult", caller_phone="13811110004")  # still open
        self.closed_order("13811110005", at="2025-09-30 10:00")  # before the range
        self.closed_order("", at="2025-10-09 11:00")  # no number
        self.approve()
        result = self.draw()
        self.assertEqual((result.matched, result.created, result.duplicates), (2, 2, 0))
        phones = sorted(Target.objects.values_list("phone", flat=True))
        self.assertEqual(phones, ["13811110001", "13811110002"])
        target = Target.objects.get(phone_mask="138****0001")
        self.assertEqual(
            (target.source, target.name, target.name_mask),
            (TargetSource.PAST_CALLERS, "王小二", "王*二"),
        )

    def test_filters_by_request_type_and_unit_and_a_second_draw_adds_no_duplicates(self):
        self.closed_order("13811110001")
        with frozen_at(aware("2025-10-09 10:00")):
            help_order = self.reply_checked_order(caller_phone="13811110002")
            order_services.order_record_callback(
                order=help_order, actor=self.operator, satisfaction="satisfied"
            )
        self.approve()
        result = self.draw(request_type=RequestType.objects.get(pk="help"), unit=self.unit_a)
        self.assertEqual((result.matched, result.created), (1, 1))
        self.assertEqual(Target.objects.get().phone, "13811110002")
        self.assertEqual(self.draw(unit=self.unit_b).matched, 0)
        again = self.draw()
        self.assertEqual((again.matched, again.created, again.duplicates), (2, 1, 1))

    def test_a_limit_takes_the_newest_callers(self):
        for day, phone in ((9, "13811110001"), (10, "13811110002"), (11, "13811110003")):
            self.closed_order(phone, at=f"2025-10-{day:02d} 10:00")
        self.approve()
        self.assertEqual(self.draw(limit=2).created, 2)
        self.assertEqual(
            sorted(Target.objects.values_list("phone_mask", flat=True)),
            ["138****0002", "138****0003"],
        )

    def test_each_draw_is_audited_as_an_export_without_numbers(self):
        self.closed_order("13811110001")
        self.approve()
        self.draw()
        entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
        self.assertEqual((entry.actor, entry.detail["count"]), (self.reviewer, 1))
        self.assertNotIn("13811110001", str(entry.detail) + entry.reason)

    def test_operators_cannot_draw_even_after_approval(self):
        self.approve()
        with self.assertRaises(NotAllowed):
            self.draw(actor=self.operator)
