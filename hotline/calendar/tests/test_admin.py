from datetime import date
from unittest import mock

from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.audit.models import AuditEntry
from hotline.calendar.models import CalendarDay
from hotline.calendar.services import deadline_compute
from hotline.calendar.tests.base import CalendarTestCase, local


@override_settings(ROOT_URLCONF="hotline.calendar.tests.urls")
class CalendarAdminTests(CalendarTestCase):
    def setUp(self):
        super().setUp()
        self.admin = account_create(
            username="calendar-admin", roles=[Role.SYSADMIN], password="a-long-password-1"
        )
        self.client.force_login(self.admin)

    def test_editing_a_day_marks_it_admin_and_moves_the_due_date(self):
        start = local(2025, 3, 7, 9)
        self.assertDue(deadline_compute(start=start, working_days=5), date(2025, 3, 14))
        day = CalendarDay.objects.get(date=date(2025, 3, 10))
        day_note_before = day.note
        response = self.client.post(
            reverse("admin:calendar_calendarday_change", args=[day.pk]),
            {"is_working": "", "note": "临时放假"},
        )
        self.assertEqual(response.status_code, 302)
        day.refresh_from_db()
        self.assertEqual((day.is_working, day.note, day.source), (False, "临时放假", "admin"))
        self.assertDue(deadline_compute(start=start, working_days=5), date(2025, 3, 17))
        entry = AuditEntry.objects.get(target="calendar:2025-03-10")
        self.assertEqual((entry.actor, entry.action), (self.admin, "config_change"))
        self.assertEqual(entry.detail["changes"]["is_working"], [True, False])
        self.assertEqual(entry.detail["changes"]["note"], [day_note_before, "临时放假"])

    def test_adding_a_day_of_a_new_year(self):
        response = self.client.post(
            reverse("admin:calendar_calendarday_add"),
            {"date": "2027-01-01", "is_working": "", "note": "元旦"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(CalendarDay.objects.get(date=date(2027, 1, 1)).source, "admin")

    def test_reimport_action_keeps_admin_rows(self):
        CalendarDay.objects.filter(date=date(2025, 10, 9)).update(is_working=False)
        CalendarDay.objects.filter(date=date(2025, 10, 10)).update(is_working=False, source="admin")
        response = self.client.post(
            reverse("admin:calendar_calendarday_changelist"),
            {
                "action": "reimport_from_package",
                "_selected_action": [CalendarDay.objects.get(date=date(2025, 10, 9)).pk],
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(CalendarDay.objects.get(date=date(2025, 10, 9)).is_working)
        self.assertFalse(CalendarDay.objects.get(date=date(2025, 10, 10)).is_working)
        entry = AuditEntry.objects.get(target="calendar")
        self.assertEqual((entry.actor, entry.detail["written"]), (self.admin, 1))

    def test_changelist_shows_the_coverage_warning_when_due(self):
        url = reverse("admin:calendar_calendarday_changelist")
        with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 12, 1)):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "工作日历将于 2026-12-31 到期，请尽快录入下一年度的节假日安排",
            [str(m) for m in get_messages(response.wsgi_request)],
        )
        with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 6, 1)):
            response = self.client.get(url + "?date__year=2025&is_working__exact=0&q=国庆")
        self.assertEqual(response.status_code, 200)
        self.assertEqual([str(m) for m in get_messages(response.wsgi_request)], [])
        self.assertContains(response, "2025年10月1日")

    def test_non_staff_cannot_open_the_calendar(self):
        self.client.logout()
        outsider = User.objects.create_user("outsider", "o@example.org", "a-long-password-2")
        self.client.force_login(outsider)
        response = self.client.get(reverse("admin:calendar_calendarday_changelist"))
        self.assertEqual(response.status_code, 403)
