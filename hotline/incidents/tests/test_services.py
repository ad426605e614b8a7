"""Opening, linking, acknowledging, escalating, responding and closing (Art. 17)."""

import io
from datetime import timedelta

from django.core.management import call_command

from hotline import clock
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.core.models import AppendOnlyError
from hotline.incidents import services
from hotline.incidents.models import EventKind, Incident, IncidentAlert, IncidentEvent, State
from hotline.incidents.tests.base import T0, IncidentTestCase
from hotline.notifications.models import Notification


class ReportTests(IncidentTestCase):
    def test_a_major_incident_call_opens_an_incident_and_alerts_the_first_duty_contact(self):
        order = self.major_order()
        incident = self.incident_of(order)
        self.assertEqual(incident.state, State.OPEN)
        self.assertEqual(incident.kind_id, "pollution")
        self.assertEqual(incident.first_order, order)
        self.assertEqual(incident.opened_at, T0)
        self.assertEqual(incident.opened_by, self.operator)
        alert = incident.alerts.get()
        self.assertEqual((alert.recipient, alert.level), (self.duty1, 0))
        notes = Notification.objects.filter(kind="incident_alert", recipient_user=self.duty1)
        self.assertEqual(sorted(notes.values_list("channel", flat=True)), ["inapp", "sms"])
        for body in notes.values_list("body", flat=True):
            self.assertIn(order.number, body)
            self.assertNotIn("死鱼", body)  # what the caller said stays on the platform
        self.assertFalse(
            Notification.objects.filter(kind="incident_alert", recipient_user=self.duty2).exists()
        )
        kinds = list(incident.events.values_list("kind", flat=True))
        self.assertEqual(kinds, [EventKind.OPENED, EventKind.ALERTED])

    def test_an_ordinary_call_opens_no_incident(self):
        self.create_order()
        self.assertFalse(Incident.objects.exists())

    def test_each_major_incident_call_reported_alone_opens_its_own_incident(self):
        first = self.incident_of(self.major_order())
        second = self.incident_of(self.major_order(at=T0 + timedelta(minutes=5)))
        self.assertNotEqual(first, second)

    def test_the_listener_joins_the_incident_the_event_names_without_a_new_alert(self):
        incident = self.incident_of(self.major_order())
        later = self.create_order(content="同一条河死鱼。")
        later.major_incident = self.kind()
        services.incident_report(order=later, actor=self.operator, incident=incident)
        self.assertEqual(self.incident_of(later), incident)
        self.assertEqual(incident.alerts.count(), 1)

    def test_a_call_of_another_kind_may_not_join(self):
        incident = self.incident_of(self.major_order())
        later = self.create_order(content="有人聚集。")
        later.major_incident = self.kind("mass_incident")
        with self.assertRaises(InvalidInput):
            services.incident_report(order=later, actor=self.operator, incident=incident)
        self.assertEqual(incident.links.count(), 1)

    def test_the_timeline_is_append_only(self):
        event = IncidentEvent.objects.filter(incident=self.incident_of(self.major_order())).first()
        assert event is not None
        with self.assertRaises(AppendOnlyError):
            event.save()


class LinkTests(IncidentTestCase):
    def test_the_reviewer_links_a_later_call_by_its_number(self):
        incident = self.incident_of(self.major_order())
        later = self.create_order(content="河边有刺鼻气味。")
        services.incident_link_order(incident=incident, number=later.number, actor=self.reviewer)
        self.assertEqual(self.incident_of(later), incident)
        event = incident.events.get(kind=EventKind.ORDER_LINKED)
        self.assertEqual((event.actor, event.data), (self.reviewer, {"order": later.number}))

    def test_an_unknown_number_is_refused_in_chinese_and_nothing_changes(self):
        incident = self.incident_of(self.major_order())
        before = (incident.links.count(), incident.events.count())
        with self.assertRaises(InvalidInput) as caught:
            services.incident_link_order(
                incident=incident, number="20260701-99999", actor=self.reviewer
            )
        self.assertIn("找不到工单", caught.exception.message)
        self.assertEqual((incident.links.count(), incident.events.count()), before)

    def test_an_order_already_linked_is_refused(self):
        incident = self.incident_of(self.major_order())
        with self.assertRaises(InvalidInput) as caught:
            services.incident_link_order(
                incident=incident, number=incident.first_order.number, actor=self.reviewer
            )
        self.assertIn("已关联", caught.exception.message)

    def test_an_operator_may_not_link_from_the_incident_page(self):
        incident = self.incident_of(self.major_order())
        later = self.create_order()
        with self.assertRaises(NotAllowed):
            services.incident_link_order(
                incident=incident, number=later.number, actor=self.operator
            )


class AcknowledgeTests(IncidentTestCase):
    def test_acknowledging_is_written_to_the_timeline_with_who_and_when(self):
        incident = self.incident_of(self.major_order())
        at = T0 + timedelta(minutes=3)
        services.incident_acknowledge(incident=incident, actor=self.reviewer, now=at)
        alert = incident.alerts.get()
        self.assertEqual((alert.acknowledged_by, alert.acknowledged_at), (self.reviewer, at))
        event = incident.events.get(kind=EventKind.ACKNOWLEDGED)
        self.assertEqual((event.actor, event.at), (self.reviewer, at))

    def test_a_second_acknowledgement_is_refused(self):
        incident = self.incident_of(self.major_order())
        services.incident_acknowledge(incident=incident, actor=self.reviewer)
        with self.assertRaises(WrongState):
            services.incident_acknowledge(incident=incident, actor=self.supervisor)
        self.assertEqual(incident.events.filter(kind=EventKind.ACKNOWLEDGED).count(), 1)

    def test_a_unit_handler_may_not_acknowledge(self):
        incident = self.incident_of(self.major_order())
        with self.assertRaises(NotAllowed):
            services.incident_acknowledge(incident=incident, actor=self.handler_a)
        self.assertIsNone(incident.alerts.get().acknowledged_at)


class EscalationTests(IncidentTestCase):
    def test_an_unacknowledged_alert_escalates_once_to_the_next_contact(self):
        incident = self.incident_of(self.major_order())
        self.assertEqual(services.incidents_escalate(now=T0 + timedelta(minutes=9)), 0)
        with clock.frozen_at(T0 + timedelta(minutes=10)):
            call_command("tick", stdout=io.StringIO())
            call_command("tick", stdout=io.StringIO())
        alerts = list(incident.alerts.order_by("level"))
        self.assertEqual(
            [(a.recipient, a.level) for a in alerts], [(self.duty1, 0), (self.duty2, 1)]
        )
        self.assertEqual(alerts[0].escalated_at, T0 + timedelta(minutes=10))
        sms = Notification.objects.filter(
            kind="incident_alert", recipient_user=self.duty2, channel="sms"
        )
        self.assertEqual(sms.count(), 1)
        self.assertEqual(incident.events.filter(kind=EventKind.ESCALATED).count(), 1)

    def test_an_acknowledged_alert_does_not_escalate(self):
        incident = self.incident_of(self.major_order())
        services.incident_acknowledge(incident=incident, actor=self.duty1, now=T0)
        self.assertEqual(services.incidents_escalate(now=T0 + timedelta(hours=1)), 0)
        self.assertEqual(incident.alerts.count(), 1)

    def test_the_end_of_the_duty_list_stops_escalating(self):
        incident = self.incident_of(self.major_order())
        services.incidents_escalate(now=T0 + timedelta(minutes=10))
        services.incidents_escalate(now=T0 + timedelta(minutes=20))
        self.assertEqual(services.incidents_escalate(now=T0 + timedelta(minutes=30)), 0)
        last = incident.alerts.order_by("-level").first()
        assert last is not None
        self.assertEqual((last.level, last.recipient), (2, None))
        self.assertEqual(IncidentAlert.objects.filter(incident=incident).count(), 3)


class RespondAndCloseTests(IncidentTestCase):
    def test_the_reviewer_starts_the_response_with_member_units(self):
        incident = self.incident_of(self.major_order())
        at = T0 + timedelta(minutes=15)
        services.incident_respond(
            incident=incident, actor=self.reviewer, units=[self.unit_a, self.unit_b], now=at
        )
        incident.refresh_from_db()
        self.assertEqual(incident.state, State.RESPONDING)
        self.assertEqual(
            (incident.response_started_by, incident.response_started_at), (self.reviewer, at)
        )
        self.assertEqual(set(incident.units_engaged.all()), {self.unit_a, self.unit_b})

    def test_a_response_without_units_is_refused(self):
        incident = self.incident_of(self.major_order())
        with self.assertRaises(InvalidInput) as caught:
            services.incident_respond(incident=incident, actor=self.reviewer, units=[])
        self.assertIn("请选择", caught.exception.message)
        incident.refresh_from_db()
        self.assertEqual(incident.state, State.OPEN)

    def test_closing_needs_a_summary_and_changes_nothing_without_one(self):
        incident = self.incident_of(self.major_order())
        events = incident.events.count()
        with self.assertRaises(InvalidInput) as caught:
            services.incident_close(incident=incident, actor=self.reviewer, summary="  ")
        self.assertEqual(caught.exception.message, "请填写处置总结。")
        incident.refresh_from_db()
        self.assertEqual((incident.state, incident.events.count()), (State.OPEN, events))

    def test_closing_keeps_the_summary_and_stops_escalation(self):
        incident = self.incident_of(self.major_order())
        services.incident_close(incident=incident, actor=self.reviewer, summary="已处置完毕。")
        incident.refresh_from_db()
        self.assertEqual((incident.state, incident.summary), (State.CLOSED, "已处置完毕。"))
        self.assertEqual(services.incidents_escalate(now=T0 + timedelta(hours=1)), 0)

    def test_a_handler_may_not_close(self):
        incident = self.incident_of(self.major_order())
        with self.assertRaises(NotAllowed):
            services.incident_close(incident=incident, actor=self.handler_a, summary="完毕")
