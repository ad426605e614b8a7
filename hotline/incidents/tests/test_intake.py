"""The intake screen suggests open incidents of the chosen kind and links the call to the
one the operator picks (Art. 17)."""

from datetime import timedelta

from django.urls import reverse

from hotline import clock
from hotline.incidents.models import Incident, State
from hotline.incidents.selectors import incidents_suggested
from hotline.incidents.services import incident_close
from hotline.incidents.tests.base import T0, IncidentTestCase
from hotline.orders.models import Order
from hotline.units.models import Place


class SuggestionTests(IncidentTestCase):
    def test_open_incidents_of_the_kind_from_the_last_48_hours_same_place_first(self):
        place = Place.objects.first()
        old = self.incident_of(self.major_order(at=T0 - timedelta(hours=49)))
        far = self.incident_of(self.major_order(at=T0 - timedelta(hours=2)))
        near = self.incident_of(self.major_order(at=T0 - timedelta(hours=5), place=place))
        other = self.incident_of(self.major_order(at=T0, code="epidemic"))
        found = incidents_suggested(user=self.operator, kind=self.kind(), place=place, now=T0)
        self.assertEqual(found, [near, far])
        self.assertNotIn(old, found)
        self.assertNotIn(other, found)

    def test_closed_incidents_are_not_suggested(self):
        incident = self.incident_of(self.major_order(at=T0))
        incident_close(incident=incident, actor=self.reviewer, summary="已处置。")
        self.assertEqual(incidents_suggested(user=self.operator, kind=self.kind(), now=T0), [])

    def test_the_screen_part_offers_the_link_to_the_operator(self):
        incident = self.incident_of(self.major_order(at=clock.now()))
        self.client.force_login(self.operator)
        response = self.client.get(reverse("incidents:suggest"), {"major_incident": "pollution"})
        self.assertContains(response, "关联到此事件")
        self.assertContains(response, f'value="{incident.pk}"')

    def test_the_chosen_incident_stays_chosen_when_the_form_comes_back(self):
        incident = self.incident_of(self.major_order(at=clock.now()))
        self.client.force_login(self.operator)
        response = self.client.post(
            reverse("orders:intake"),
            {
                "request_type": "help",
                "major_incident": "pollution",
                "incident": incident.pk,
                "content": "",
                "outcome": "register",
            },
        )
        self.assertContains(response, f'"chosen": "{incident.pk}"', status_code=400)
        part = self.client.get(
            reverse("incidents:suggest"), {"major_incident": "pollution", "chosen": incident.pk}
        )
        self.assertContains(part, f'value="{incident.pk}" checked')
        self.assertNotContains(part, 'value="" checked')
        unknown = self.client.get(
            reverse("incidents:suggest"), {"major_incident": "pollution", "chosen": "999999"}
        )
        self.assertContains(unknown, 'value="" checked')

    def test_a_unit_handler_gets_404_for_suggestions(self):
        self.client.force_login(self.handler_a)
        response = self.client.get(reverse("incidents:suggest"), {"major_incident": "pollution"})
        self.assertEqual(response.status_code, 404)


class IntakeLinkTests(IncidentTestCase):
    def intake(self, **data: object):  # type: ignore[no-untyped-def]
        payload = {
            "caller_phone": "13812345678",
            "request_type": "help",
            "content": "河道死鱼，气味刺鼻。",
            "outcome": "register",
            "major_incident": "pollution",
        }
        payload.update(data)
        self.client.force_login(self.operator)
        return self.client.post(reverse("orders:intake"), payload)

    def test_the_intake_links_the_call_to_the_chosen_incident(self):
        incident = self.incident_of(self.major_order(at=clock.now()))
        self.intake(incident=str(incident.pk))
        order = Order.objects.latest("pk")
        self.assertEqual(self.incident_of(order), incident)
        self.assertEqual(Incident.objects.count(), 1)
        self.assertEqual(incident.alerts.count(), 1)

    def test_without_a_choice_the_intake_opens_a_new_incident(self):
        self.intake()
        self.assertEqual(Incident.objects.count(), 1)

    def test_a_closed_incident_is_refused_and_no_order_is_recorded(self):
        incident = self.incident_of(self.major_order(at=clock.now()))
        incident_close(incident=incident, actor=self.reviewer, summary="已处置。")
        orders = Order.objects.count()
        response = self.intake(incident=str(incident.pk))
        self.assertContains(response, "所选事件已结束", status_code=400)
        self.assertEqual(Order.objects.count(), orders)
        self.assertEqual(Incident.objects.get().state, State.CLOSED)
