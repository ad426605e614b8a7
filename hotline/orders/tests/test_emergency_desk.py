"""The operating centre's emergency tools (issue 11): the lines to guide the caller to, the
alarm for emergencies nobody dispatched, the three-party call record, the 110 panel's live
state."""

from datetime import timedelta

from django.test import override_settings
from django.urls import reverse

from hotline import clock
from hotline.catalogue.models import EmergencySituation
from hotline.core.errors import InvalidInput, NotAllowed
from hotline.orders import services
from hotline.orders.models import Action, Channel, Order, Status
from hotline.orders.tests.base import OrderTestCase
from hotline.orders.worklists import orders_alarming


def gas_leak() -> EmergencySituation:
    return EmergencySituation.objects.get(code="public_facility")


class RescueGuidanceTests(OrderTestCase):
    def test_each_situation_names_the_lines_to_guide_the_caller_to(self):
        self.assertEqual(gas_leak().rescue_lines, ["110", "119"])
        for situation in EmergencySituation.objects.all():
            self.assertIn("110", situation.rescue_lines, situation.code)

    def test_the_intake_screen_carries_the_guidance_and_the_order_page_shows_it(self):
        self.client.force_login(self.operator)
        page = self.client.get(reverse("orders:intake")).content.decode()
        self.assertIn('id="rescue-guide-data"', page)
        self.assertIn('"public_facility": ["110", "119"]', page)
        order = self.create_order(
            request_type="emergency", emergency_situation=gas_leak(), rescue_lines=["110"]
        )
        detail = self.client.get(reverse("orders:detail", args=[order.number])).content.decode()
        self.assertIn("应引导拨打 <strong>110、119</strong>", detail)


@override_settings(HOTLINE_EMERGENCY_ALARM_MINUTES=5)
class AlarmTests(OrderTestCase):
    def emergency(self, minutes_ago: int, **kwargs) -> Order:  # type: ignore[no-untyped-def]
        return self.create_order(
            request_type="emergency",
            emergency_situation=gas_leak(),
            rescue_lines=["119"],
            now=clock.now() - timedelta(minutes=minutes_ago),
            **kwargs,
        )

    def test_an_emergency_nobody_dispatched_in_time_alarms_until_dispatched(self):
        late, fresh = self.emergency(6), self.emergency(2)
        self.assertEqual(orders_alarming(user=self.operator), [late])
        self.assertEqual(orders_alarming(user=self.lead), [late])
        order = services.order_accept(order=late, actor=self.operator)
        self.assertEqual(orders_alarming(user=self.operator), [late])  # accepted is not enough
        services.order_dispatch(order=order, actor=self.operator, lead_unit=self.unit_a)
        self.assertEqual(orders_alarming(user=self.operator), [])
        self.assertNotIn(fresh, orders_alarming(user=self.operator))

    def test_a_110_transfer_alarms_from_its_arrival_until_accepted(self):
        arrived = services.order_create(
            actor=None,
            channel=Channel.LINKAGE_110,
            request_type="help",
            content="110转来：路灯不亮",
        )
        self.assertEqual(orders_alarming(user=self.operator), [arrived])
        services.order_accept(order=arrived, actor=self.operator)
        self.assertEqual(orders_alarming(user=self.operator), [])  # minutes not yet up

    def test_a_110_transfer_waiting_alarms_and_an_ordinary_order_does_not(self):
        transferred = services.order_create(
            actor=None,
            channel=Channel.LINKAGE_110,
            request_type="help",
            content="110转来：楼上漏水三天",
            now=clock.now() - timedelta(minutes=10),
        )
        self.create_order(now=clock.now() - timedelta(minutes=30))
        self.assertEqual(orders_alarming(user=self.operator), [transferred])

    def test_the_alarm_strip_shows_to_the_centre_only(self):
        late = self.emergency(7)
        self.client.force_login(self.operator)
        strip = self.client.get(reverse("orders:alarms"))
        self.assertContains(strip, late.number)
        self.assertContains(strip, "data-alarm")
        self.assertContains(self.client.get("/"), 'hx-get="/orders/alarms/"')
        for user in (self.handler_a, self.supervisor):
            self.client.force_login(user)
            self.assertNotContains(self.client.get(reverse("orders:alarms")), late.number)
            self.assertNotContains(self.client.get("/"), 'hx-get="/orders/alarms/"')


class ThreePartyCallTests(OrderTestCase):
    def test_the_operator_records_with_whom_and_the_outcome(self):
        order = self.create_order()
        order, event = self.transition(
            lambda: services.order_record_three_party_call(
                order=order, actor=self.operator, party="110", outcome="110 确认派警到场"
            )
        )
        self.assertEvent(
            event,
            action=Action.THREE_PARTY_CALL,
            actor=self.operator,
            from_status=Status.RECEIVED,
            to_status=Status.RECEIVED,
            reason="110 报警服务台：110 确认派警到场",
        )
        self.assertEqual(event.data, {"party": "110"})

    def test_bad_input_and_other_roles_are_refused(self):
        order = self.create_order()
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_record_three_party_call(
                order=order, actor=self.operator, party="999", outcome="x"
            ),
        )
        self.assertRefused(
            InvalidInput,
            order,
            lambda: services.order_record_three_party_call(
                order=order, actor=self.operator, party="110", outcome="  "
            ),
        )
        self.assertRefused(
            NotAllowed,
            order,
            lambda: services.order_record_three_party_call(
                order=order, actor=self.reviewer, party="110", outcome="试图记录"
            ),
        )

    def test_the_order_page_offers_and_records_it(self):
        order = self.create_order()
        self.client.force_login(self.operator)
        response = self.client.post(
            reverse("orders:act", args=[order.number, Action.THREE_PARTY_CALL]),
            {
                "three_party_call-version": order.version,
                "three_party_call-party": "119",
                "three_party_call-outcome": "119 已出警",
            },
        )
        self.assertEqual(response.status_code, 302)
        page = self.client.get(reverse("orders:detail", args=[order.number]))
        self.assertContains(page, "119 消防救援：119 已出警")


class LinkagePanelTests(OrderTestCase):
    def test_the_panel_polls_while_a_message_is_on_its_way_and_stops_after(self):
        from hotline.linkage.models import LinkageMessage, State

        order = self.create_order(
            request_type="emergency", emergency_situation=gas_leak(), rescue_lines=["119"]
        )
        self.client.force_login(self.operator)
        url = reverse("orders:linkage", args=[order.number])
        self.assertContains(self.client.get(url), 'hx-trigger="every 3s"')
        LinkageMessage.objects.filter(order=order).update(
            state=State.ACKNOWLEDGED, peer_ref="110-20261202-0001"
        )
        panel = self.client.get(url)
        self.assertNotContains(panel, 'hx-trigger="every 3s"')
        self.assertContains(panel, "110-20261202-0001")
        self.assertContains(panel, "110已确认")
        self.client.force_login(self.handler_b)
        self.assertEqual(self.client.get(url).status_code, 404)


class OrderPageTiesTests(OrderTestCase):
    def test_the_order_page_names_its_incident_and_its_calls_to_those_who_may_see_them(self):
        from hotline.catalogue.models import MajorIncidentKind
        from hotline.cti.models import Call
        from hotline.incidents.models import Incident

        order = self.create_order(major_incident=MajorIncidentKind.objects.first())
        incident = Incident.objects.get(links__order=order)
        Call.objects.create(
            call_id="c-1",
            direction="in",
            started_at=clock.now(),
            answered=True,
            talk_seconds=95,
            recording="2026/12/02/c-1.wav",
            order=order,
        )
        self.client.force_login(self.lead)
        page = self.client.get(reverse("orders:detail", args=[order.number])).content.decode()
        self.assertIn(reverse("incidents:detail", args=[incident.pk]), page)
        self.assertIn("通话 95 秒", page)
        self.assertIn("有录音", page)
        self.client.force_login(self.reviewer)
        page = self.client.get(reverse("orders:detail", args=[order.number])).content.decode()
        self.assertIn(reverse("incidents:detail", args=[incident.pk]), page)
        self.client.force_login(self.handler_a)  # a unit sees neither
        self.assertEqual(
            self.client.get(reverse("orders:detail", args=[order.number])).status_code, 404
        )


class PoliceTransferAtIntakeTests(OrderTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.operator)

    def post(self, **data: object):  # type: ignore[no-untyped-def]
        payload = {"caller_phone": "13812345678", "request_type": "help", "outcome": "police"}
        payload.update(data)
        return self.client.post(reverse("orders:intake"), payload)

    def test_one_key_at_intake_records_the_call_and_hands_it_to_110(self):
        from hotline.linkage.models import LinkageMessage

        response = self.post(
            content="有人在小区门口打架斗殴。", police_reason="治安案件，需民警处置"
        )
        self.assertEqual(response.status_code, 302)
        order = Order.objects.get()
        event = order.events.get(action=Action.TRANSFER_POLICE)
        self.assertEqual(event.reason, "治安案件，需民警处置")
        self.assertEqual(LinkageMessage.objects.transfers_of(order).count(), 1)

    def test_without_a_reason_nothing_is_recorded_or_sent(self):
        from hotline.linkage.models import LinkageMessage

        response = self.post(content="有人在小区门口打架斗殴。")
        self.assertContains(response, "请填写移交110的理由", status_code=400)
        self.assertFalse(Order.objects.exists())
        self.assertFalse(LinkageMessage.objects.exists())

    def test_the_intake_screen_offers_the_key(self):
        page = self.client.get(reverse("orders:intake")).content.decode()
        self.assertIn('value="police"', page)
        self.assertIn('data-outcome="police"', page)
