"""What the trial found on the operator's screens (issue 10, items 6–8): emergencies asked for
in full, marked everywhere and limited in hours; the proposed unit travelling to review;
duplicates ranked by what they are about."""

from datetime import timedelta

from django.test import override_settings
from django.urls import reverse

from hotline import clock
from hotline.catalogue.models import Category, EmergencySituation
from hotline.notifications.models import Notification
from hotline.orders import services
from hotline.orders.models import Order, Status
from hotline.orders.search_text import likeness
from hotline.orders.selectors import related_candidates, review_proposal
from hotline.orders.tests.base import OrderTestCase
from hotline.orders.unit_workbench import countdown
from hotline.units.models import Place

PHONE = "13812345678"


class IntakePostTestCase(OrderTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.operator)

    def intake(self, **data: object):  # type: ignore[no-untyped-def]
        payload = {
            "caller_phone": PHONE,
            "request_type": "help",
            "content": "煤气管道漏气，味道很大。",
            "outcome": "register",
        }
        payload.update(data)
        return self.client.post(reverse("orders:intake"), payload)


class EmergencyIntakeTests(IntakePostTestCase):
    def test_an_emergency_without_situation_or_rescue_lines_is_refused_with_both_reasons(self):
        response = self.intake(request_type="emergency")
        self.assertContains(response, "紧急求助须选择紧急联动情形", status_code=400)
        self.assertContains(response, "请勾选已引导来电人拨打的救援热线", status_code=400)
        # The block that holds them is open on the page shown again.
        self.assertContains(response, 'id="emergency-block" open', status_code=400)
        self.assertFalse(Order.objects.exists())

    def test_a_situation_named_under_another_type_needs_the_rescue_lines_too(self):
        situation = EmergencySituation.objects.first()
        assert situation is not None
        response = self.intake(emergency_situation=situation.pk)
        self.assertContains(response, "请勾选已引导来电人拨打的救援热线", status_code=400)
        self.assertFalse(Order.objects.exists())

    def test_an_emergency_with_both_is_recorded(self):
        situation = EmergencySituation.objects.first()
        assert situation is not None
        response = self.intake(
            request_type="emergency", emergency_situation=situation.pk, rescue_lines=["119"]
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        order = Order.objects.get()
        self.assertTrue(order.is_emergency)
        self.assertEqual(order.rescue_lines, ["119"])

    def test_the_page_knows_which_types_are_emergencies(self):
        page = self.client.get(reverse("orders:intake")).content.decode()
        self.assertIn('data-emergency-types="emergency"', page)


class ProposalKeptForReviewTests(IntakePostTestCase):
    def test_a_refused_dispatch_shows_its_reason_outside_the_refreshed_proposal(self):
        response = self.intake(
            outcome="dispatch", category=Category.objects.get(code="urban.02").pk
        )
        page = response.content.decode()
        self.assertEqual(response.status_code, 400)
        proposal = page[page.index('id="proposal"') :]
        proposal = proposal[: proposal.index("</div>\n      </div>") + 1]
        self.assertNotIn("请选择主办单位", proposal)
        self.assertIn("请选择主办单位", page)

    def test_the_operators_unit_travels_with_a_complaint_to_the_reviewer(self):
        response = self.intake(
            request_type="complaint",
            outcome="review",
            opinion="建议由属地街道核查。",
            category=Category.objects.get(code="urban.02").pk,
            lead_unit=self.unit_b.pk,
        )
        self.assertEqual(response.status_code, 302)
        order = Order.objects.get()
        self.assertEqual(order.status, Status.PENDING_REVIEW)
        self.assertEqual(review_proposal(order=order).get("proposed_unit"), self.unit_b.code)
        self.client.force_login(self.reviewer)
        page = self.client.get(reverse("orders:detail", args=[order.number])).content.decode()
        self.assertIn(f'<option value="{self.unit_b.pk}" selected>', page)

    def test_the_unit_field_is_shown_for_review_as_for_dispatch(self):
        page = self.client.get(reverse("orders:intake")).content.decode()
        self.assertIn('data-outcome="dispatch review"', page)


@override_settings(HOTLINE_EMERGENCY_LIMIT_HOURS=2)
class EmergencyLimitTests(OrderTestCase):
    def emergency(self) -> Order:
        return self.dispatched_order(
            request_type="emergency",
            emergency_situation=EmergencySituation.objects.first(),
            rescue_lines=["119"],
        )

    def test_an_emergencys_limit_runs_in_hours_from_dispatch(self):
        before = clock.now()
        order = self.emergency()
        self.assertEqual(order.limit_hours, 2)
        self.assertLessEqual(order.due_at - before, timedelta(hours=2, seconds=5))
        self.assertGreaterEqual(order.due_at - before, timedelta(hours=2))
        self.assertEqual(order.limit_text, "紧急，2 小时")
        self.assertNotIn("24:00", order.due_text)

    def test_an_ordinary_limit_still_reads_in_working_days(self):
        order = self.dispatched_order()
        self.assertIsNone(order.limit_hours)
        self.assertEqual(order.limit_text, f"{order.limit_working_days} 个工作日")
        self.assertTrue(order.due_text.endswith("24:00"))

    def test_the_unit_countdown_of_an_emergency_is_in_hours_and_minutes(self):
        order = self.emergency()
        left = countdown(order, order.due_at - timedelta(minutes=75))
        assert left is not None
        self.assertEqual(left.label, "还剩 1 小时 15 分钟")
        late = countdown(order, order.due_at + timedelta(minutes=30))
        assert late is not None
        self.assertTrue(late.overdue)
        self.assertEqual(late.label, "已超期 0 小时 30 分钟")

    def test_the_order_page_reads_hours_not_zero_working_days(self):
        order = self.emergency()
        self.client.force_login(self.handler_a)
        page = self.client.get(reverse("orders:detail", args=[order.number])).content.decode()
        self.assertIn("紧急，2 小时", page)
        self.assertNotIn("0 个工作日", page)

    def test_the_units_message_is_urgent_and_reaches_its_handlers_by_sms(self):
        order = self.emergency()
        notes = Notification.objects.filter(order=order, kind="emergency_dispatched")
        self.assertTrue(notes.exists())
        for note in notes:
            self.assertTrue(note.body.startswith("【紧急】"), note.body)
            self.assertIn("立即", note.body)
        self.assertFalse(Notification.objects.filter(order=order, kind="dispatched").exists())

    def test_a_reopened_emergency_gets_a_new_limit_in_hours(self):
        order = self.emergency()
        self.force_status(order, Status.UNSATISFIED)
        order = services.order_reopen(order=self.reload(order), actor=self.reviewer, reason="重办")
        self.assertEqual(order.limit_hours, 2)

    def test_every_list_marks_the_emergency(self):
        order = self.emergency()
        pages = [
            (self.operator, reverse("orders:list")),
            (self.operator, "/"),
            (self.handler_a, reverse("orders:unit")),
        ]
        for user, url in pages:
            self.client.force_login(user)
            page = self.client.get(url).content.decode()
            row = page[page.index(order.number) - 400 : page.index(order.number) + 800]
            self.assertIn("紧急", row, url)
            if url != "/":
                self.assertIn(order.due_text, row, url)  # the hour, not only the day


class LikenessTests(OrderTestCase):
    def test_alike_requests_score_high_whatever_their_punctuation_and_digits(self):
        self.assertGreater(likeness("幸福路12号井盖丢了", "幸福路１２号的井盖丢失了！"), 0.5)

    def test_unrelated_requests_score_low(self):
        self.assertLess(likeness("幸福路12号井盖丢了", "咨询居住证办理需要什么材料"), 0.1)

    def test_empty_text_is_alike_to_nothing(self):
        self.assertEqual(likeness("", "井盖"), 0.0)
        self.assertEqual(likeness("。。。", "井盖"), 0.0)


class DuplicateRankingTests(OrderTestCase):
    def setUp(self) -> None:
        self.place = Place.objects.filter(is_active=True).first()
        self.other_place = Place.objects.filter(is_active=True).exclude(pk=self.place.pk).first()
        self.category = Category.objects.get(code="urban.02")

    def candidates(self, **kwargs):  # type: ignore[no-untyped-def]
        return related_candidates(user=self.operator, **kwargs)

    def test_a_closed_order_of_the_same_caller_about_something_else_is_not_a_duplicate(self):
        old = self.create_order(caller_phone=PHONE, category=None, content="咨询居住证办理材料")
        Order.objects.filter(pk=old.pk).update(status=Status.CLOSED)
        found = self.candidates(phone=PHONE, content="小区门口井盖丢失，有安全隐患。")
        self.assertEqual(found, [])

    def test_an_open_order_of_the_same_caller_is_shown_with_its_own_hint(self):
        open_order = self.create_order(caller_phone=PHONE, content="常乐社区停水两天了")
        (found,) = self.candidates(phone=PHONE, content="还是停水，什么时候修好？")
        self.assertEqual(found.order, open_order)
        self.assertTrue(found.same_caller)

    def test_others_orders_about_the_same_thing_rank_above_less_alike_ones(self):
        alike = self.create_order(
            caller_phone="13900000011",
            category="urban.02",
            place=self.place,
            content="幸福路12号小区门口私搭乱建彩钢房，堵住消防通道",
        )
        same_place_only = self.create_order(
            caller_phone="13900000012",
            category="urban.02",
            place=self.place,
            content="广场舞噪音扰民",
        )
        elsewhere = self.create_order(
            caller_phone="13900000013",
            category="urban.02",
            place=self.other_place,
            content="菜市场门口占道经营",
        )
        found = self.candidates(
            place_id=self.place.pk,
            category_id=self.category.pk,
            content="幸福路12号门口有人私搭乱建彩钢房，消防通道被堵",
        )
        numbers = [c.order.number for c in found]
        self.assertEqual(numbers[:2], [alike.number, same_place_only.number])
        self.assertNotIn(elsewhere.number, numbers)
        self.assertTrue(any(r.startswith("内容相似") for r in found[0].reasons))
        self.assertFalse(found[0].same_caller)

    def test_a_merged_order_is_never_offered(self):
        main = self.create_order(place=self.place)
        merged = self.create_order(place=self.place)
        services.order_merge(order=merged, into=main, actor=self.operator)
        found = self.candidates(place_id=self.place.pk, category_id=self.category.pk)
        self.assertNotIn(merged.pk, [c.order.pk for c in found])

    def test_the_panel_shows_the_reasons_and_the_same_caller_hint(self):
        self.create_order(caller_phone=PHONE, place=self.place, content="井盖丢失")
        self.client.force_login(self.operator)
        response = self.client.post(
            reverse("orders:intake-related"),
            {
                "caller_phone": PHONE,
                "place": self.place.pk,
                "category": self.category.pk,
                "content": "井盖丢失了",
            },
        )
        self.assertContains(response, "同一地点")
        self.assertContains(response, "同类事项")
        self.assertContains(response, "同一来电人")
