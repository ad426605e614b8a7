"""The incident pages: who sees them, the banner, and the actions' refusals in Chinese."""

from datetime import timedelta

from django.urls import reverse

from hotline.incidents.models import EventKind, State
from hotline.incidents.tests.base import T0, IncidentTestCase


class IncidentPageTests(IncidentTestCase):
    def setUp(self) -> None:
        self.order = self.major_order()
        self.incident = self.incident_of(self.order)
        self.url = reverse("incidents:detail", args=[self.incident.pk])

    def test_it_shows_the_incident_and_its_calls_to_the_reviewer(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(self.url)
        self.assertContains(response, "环境污染")
        self.assertContains(response, self.order.number)
        self.assertContains(response, "事件上报")

    def test_the_operator_lead_may_read_it(self):
        self.client.force_login(self.lead)
        self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_a_unit_handler_gets_404(self):
        self.client.force_login(self.handler_a)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.get(reverse("incidents:list")).status_code, 404)
        post = self.client.post(reverse("incidents:action", args=[self.incident.pk, "close"]))
        self.assertEqual(post.status_code, 404)

    def test_the_list_shows_open_incidents(self):
        self.client.force_login(self.supervisor)
        self.assertContains(self.client.get(reverse("incidents:list")), self.incident.title)

    def test_the_banner_shows_on_every_page_until_acknowledged(self):
        self.client.force_login(self.reviewer)
        self.assertContains(self.client.get("/"), "重大突发事件待确认")
        response = self.client.post(
            reverse("incidents:action", args=[self.incident.pk, "acknowledge"]), {"next": "/"}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertNotContains(self.client.get("/"), "重大突发事件待确认")
        self.assertTrue(self.incident.events.filter(kind=EventKind.ACKNOWLEDGED).exists())

    def test_the_banner_names_the_newest_few_and_counts_the_rest(self):
        others = [
            self.incident_of(self.major_order(at=T0 + timedelta(minutes=n))) for n in range(1, 5)
        ]
        self.client.force_login(self.reviewer)
        page = self.client.get("/").content.decode()
        banner = page[page.index("incident-banner") : page.index("</section>")]
        self.assertIn("5 件", banner)
        self.assertEqual(banner.count("<li>"), 3)
        self.assertIn(reverse("incidents:detail", args=[others[-1].pk]), banner)
        self.assertIn("另有 2 件待确认", banner)

    def test_the_banner_is_not_shown_to_a_unit_handler(self):
        self.client.force_login(self.handler_a)
        self.assertNotContains(self.client.get("/"), "重大突发事件待确认")

    def test_closing_without_a_summary_says_so_and_changes_nothing(self):
        self.client.force_login(self.reviewer)
        url = reverse("incidents:action", args=[self.incident.pk, "close"])
        response = self.client.post(url, {"summary": ""}, follow=True)
        self.assertContains(response, "请填写处置总结。")
        self.incident.refresh_from_db()
        self.assertEqual(self.incident.state, State.OPEN)

    def test_linking_an_unknown_number_says_so(self):
        self.client.force_login(self.reviewer)
        url = reverse("incidents:action", args=[self.incident.pk, "link"])
        response = self.client.post(url, {"number": "NO-SUCH"}, follow=True)
        self.assertContains(response, "找不到工单 NO-SUCH。")
        self.assertEqual(self.incident.links.count(), 1)

    def test_the_reviewer_starts_the_response_and_closes(self):
        self.client.force_login(self.reviewer)
        respond = reverse("incidents:action", args=[self.incident.pk, "respond"])
        self.client.post(respond, {"units": [self.unit_a.pk]})
        close = reverse("incidents:action", args=[self.incident.pk, "close"])
        response = self.client.post(close, {"summary": "污染源已封堵。"}, follow=True)
        self.assertContains(response, "污染源已封堵。")
        self.assertContains(response, "启动专项应急响应")
        self.incident.refresh_from_db()
        self.assertEqual(self.incident.state, State.CLOSED)
        self.assertEqual(list(self.incident.units_engaged.all()), [self.unit_a])
