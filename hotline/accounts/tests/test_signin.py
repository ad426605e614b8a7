"""Sign-in (issue 13): the TOTP second factor per role, wrong, replayed and guessed codes,
enrolment, the security administrator's device reset and session end, the idle and absolute
session limits, and the audit rows of each. Signs in through the real pages (not force_login,
which hotline/conftest.py lets past the code step)."""

from datetime import timedelta

from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from hotline import clock
from hotline.accounts import otp
from hotline.accounts.models import SignInSession, User
from hotline.accounts.roles import SECOND_FACTOR_ROLES, Role
from hotline.accounts.services import account_create, account_update
from hotline.audit.models import AuditEntry
from hotline.testing import PASSWORD, BaseTestCase, aware, otp_device, otp_next_code
from hotline.units.models import Unit

OTP_URL = "/otp/"
ENROL_URL = "/otp/enrol/"


class SignInCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.secadmin = account_create(
            username="secadmin",
            roles=[Role.SECADMIN],
            unit=Unit.objects.get(code="infocenter"),
            password=PASSWORD,
        )

    def sign_in(self, user: User, client: Client | None = None, address: str = "10.0.0.8"):
        client = client or self.client
        return client.post(
            "/login/",
            {"username": user.username, "password": PASSWORD},
            REMOTE_ADDR=address,
            HTTP_USER_AGENT="TestBrowser/1.0",
        )

    def code(self, token: str, client: Client | None = None, url: str = OTP_URL):
        return (client or self.client).post(url, {"token": token}, REMOTE_ADDR="10.0.0.8")

    def actions(self, action: str, user: User) -> list[AuditEntry]:
        return list(
            AuditEntry.objects.filter(action=action, target=f"account:{user.username}").order_by(
                "seq"
            )
        )


class SecondFactorPerRoleTests(SignInCase):
    def test_every_role_in_the_table_is_asked_for_a_code_and_no_other(self):
        people = [
            self.operator,
            self.lead,
            self.reviewer,
            self.supervisor,
            self.auditor,
            self.sysadmin,
            self.secadmin,
            self.handler_a,
            self.manager_a,
            self.leader_a,
        ]
        # Every person's role is covered by the list above.
        self.assertEqual(
            {role for person in people for role in person.roles},
            set(Role.values) - {Role.LINKAGE, Role.CTI},
        )
        for person in people:
            otp_device(person) if person.needs_second_factor else None
            with self.subTest(user=person.username):
                client = Client()
                self.sign_in(person, client)
                response = client.get("/")
                if set(person.roles) & SECOND_FACTOR_ROLES:
                    self.assertRedirects(
                        response, f"{OTP_URL}?next=/", fetch_redirect_response=False
                    )
                    # Every other page too, the admin and the API's session access included.
                    for path in ("/orders/", "/audit/", "/admin/", "/password/"):
                        self.assertEqual(client.get(path).status_code, 302, path)
                        self.assertTrue(client.get(path)["Location"].startswith(OTP_URL))
                    self.assertEqual(client.get("/api/v1/orders/").status_code, 401)
                    # The code step and sign-out stay reachable.
                    self.assertEqual(client.get(OTP_URL).status_code, 200)
                else:
                    self.assertEqual(response.status_code, 200)

    def test_a_right_code_opens_the_pages_and_is_recorded(self):
        otp_device(self.reviewer)
        self.sign_in(self.reviewer)
        response = self.code(otp_next_code(self.reviewer))
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/").status_code, 200)
        login = self.actions(AuditEntry.Action.LOGIN, self.reviewer)
        verified = self.actions(AuditEntry.Action.OTP_VERIFIED, self.reviewer)
        self.assertEqual(len(login), 1)
        self.assertTrue(login[0].detail["second_factor_pending"])
        self.assertEqual(login[0].detail["address"], "10.0.0.8")
        self.assertEqual(len(verified), 1)
        self.assertIsNotNone(SignInSession.objects.get(user=self.reviewer).verified_at)

    def test_the_code_page_shows_nothing_of_the_platform_before_the_code(self):
        """Signed in by password only, a person sees no navigation, alarm strip or incident
        banner (titles of major incidents): only the code step and signing out."""
        for user in (self.reviewer, self.lead):
            with self.subTest(user=user.username):
                otp_device(user)
                self.client.logout()
                self.sign_in(user)
                page = self.client.get(OTP_URL)
                self.assertContains(page, "动态口令")
                self.assertNotContains(page, 'aria-label="主导航"')
                self.assertNotContains(page, 'id="alarms"')
                self.assertNotContains(page, 'href="/orders/"')
                self.assertContains(page, "退出")
                self.code(otp_next_code(user))
                self.assertContains(self.client.get("/"), 'aria-label="主导航"')

    def test_next_is_kept_through_the_code_step_but_never_off_site(self):
        otp_device(self.reviewer)
        self.sign_in(self.reviewer)
        response = self.client.post(
            OTP_URL, {"token": otp_next_code(self.reviewer), "next": "https://evil.example/"}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)


class WrongCodeTests(SignInCase):
    def setUp(self) -> None:
        self.device = otp_device(self.supervisor)
        self.sign_in(self.supervisor)

    def wrong_code(self) -> str:
        right = otp_next_code(self.supervisor)
        return f"{(int(right) + 1) % 1_000_000:06d}"

    @override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
    def test_a_wrong_code_is_refused_in_chinese_changes_nothing_and_is_recorded(self):
        response = self.code(self.wrong_code())
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "动态口令不正确", status_code=400)
        self.assertTrue(self.client.get("/")["Location"].startswith(OTP_URL))
        failed = self.actions(AuditEntry.Action.OTP_FAILED, self.supervisor)
        self.assertEqual(len(failed), 1)
        self.assertNotIn("token", failed[0].detail)

    def test_malformed_codes_are_refused_without_a_500_and_count_nothing(self):
        for token in ("", "12345", "1234567", "abcdef", "１２３４５６", "12 34 5x", "<b>1</b>"):
            with self.subTest(token=token):
                response = self.code(token)
                self.assertEqual(response.status_code, 400)
        self.assertEqual(self.actions(AuditEntry.Action.OTP_FAILED, self.supervisor), [])

    def test_a_used_code_is_refused_the_second_time(self):
        token = otp_next_code(self.supervisor)
        self.assertEqual(self.code(token).status_code, 302)
        self.client.post("/logout/")
        self.sign_in(self.supervisor)
        response = self.code(token)
        self.assertEqual(response.status_code, 400)
        self.assertTrue(self.client.get("/")["Location"].startswith(OTP_URL))
        # An older code of the same window is refused as well (last_t only moves forward).
        self.device.refresh_from_db()
        older = otp.code_at(self.device, step=self.device.last_t - 1)
        self.assertEqual(self.code(older).status_code, 400)

    def test_the_device_throttle_refuses_even_a_right_code_straight_after_a_wrong_one(self):
        self.assertEqual(self.code(self.wrong_code()).status_code, 400)
        response = self.code(otp_next_code(self.supervisor))
        self.assertContains(response, "秒后再试", status_code=400)

    @override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
    def test_five_wrong_codes_end_the_session_and_lock_the_password_step(self):
        for _ in range(4):
            self.assertEqual(self.code(self.wrong_code()).status_code, 400)
        # The fifth answers with the lock page of django-axes, as a fifth wrong password does.
        self.assertEqual(self.code(self.wrong_code()).status_code, 429)
        self.assertRedirects(self.client.get("/"), "/login/?next=/", fetch_redirect_response=False)
        # The right password is refused now: the lock of the account and address.
        response = self.sign_in(self.supervisor)
        self.assertEqual(response.status_code, 429)
        self.assertEqual(len(self.actions(AuditEntry.Action.LOGIN_LOCKED, self.supervisor)), 1)
        self.assertEqual(len(self.actions(AuditEntry.Action.OTP_FAILED, self.supervisor)), 5)
        row = SignInSession.objects.get(user=self.supervisor, end_reason="otp_locked")
        self.assertIsNotNone(row.ended_at)


class EnrolmentTests(SignInCase):
    def test_an_account_without_a_device_enrols_right_after_the_password(self):
        TOTPDevice.objects.filter(user=self.auditor).delete()
        self.sign_in(self.auditor)
        self.assertRedirects(
            self.client.get("/"), f"{OTP_URL}?next=/", fetch_redirect_response=False
        )
        response = self.client.get(OTP_URL)
        self.assertRedirects(response, f"{ENROL_URL}?", fetch_redirect_response=False)
        page = self.client.get(ENROL_URL)
        self.assertEqual(page.status_code, 200)
        self.assertIn("no-store", page["Cache-Control"])
        self.assertContains(page, "<svg")
        device = TOTPDevice.objects.get(user=self.auditor)
        self.assertFalse(device.confirmed)
        self.assertContains(page, otp.secret_base32(device))
        # A wrong code does not confirm it.
        wrong = f"{(int(otp.code_at(device)) + 1) % 1_000_000:06d}"
        self.assertEqual(self.code(wrong, url=ENROL_URL).status_code, 400)
        device.refresh_from_db()
        self.assertFalse(device.confirmed)
        # The secret shown is the one that works (a phone app computes the same code).
        device.throttling_failure_count = 0
        device.save()
        response = self.code(otp.code_at(device), url=ENROL_URL)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(self.client.get("/audit/").status_code, 200)
        self.assertEqual(len(self.actions(AuditEntry.Action.OTP_ENROLLED, self.auditor)), 1)

    def test_an_enrolled_account_cannot_enrol_another_device(self):
        otp_device(self.auditor)
        self.sign_in(self.auditor)
        self.assertRedirects(self.client.get(ENROL_URL), OTP_URL, fetch_redirect_response=False)
        self.assertEqual(TOTPDevice.objects.filter(user=self.auditor).count(), 1)


class SecurityAdminTests(SignInCase):
    def signin_url(self, user: User) -> str:
        return reverse("admin:accounts_user_signin", args=[user.pk])

    def admin_client(self) -> Client:
        client = Client()
        client.force_login(self.secadmin)
        return client

    def test_the_security_administrator_sees_and_ends_a_session(self):
        victim = Client()
        self.sign_in(self.operator, victim, address="10.1.2.3")
        self.assertEqual(victim.get("/").status_code, 200)
        admin = self.admin_client()
        page = admin.get(self.signin_url(self.operator))
        self.assertContains(page, "10.1.2.3")
        self.assertContains(page, "TestBrowser/1.0")
        row = SignInSession.objects.get(user=self.operator, ended_at__isnull=True)
        admin.post(self.signin_url(self.operator), {"action": "end", "session": row.pk})
        self.assertRedirects(victim.get("/"), "/login/?next=/", fetch_redirect_response=False)
        row.refresh_from_db()
        self.assertEqual(row.end_reason, "ended")
        ended = self.actions(AuditEntry.Action.SESSION_ENDED, self.operator)
        self.assertEqual(len(ended), 1)
        self.assertEqual(ended[0].actor, self.secadmin)
        self.assertNotContains(admin.get(self.signin_url(self.operator)), "10.1.2.3")

    def test_end_all_ends_every_session_of_the_account(self):
        clients = [Client(), Client()]
        for client in clients:
            self.sign_in(self.handler_a, client)
        self.admin_client().post(self.signin_url(self.handler_a), {"action": "end_all"})
        for client in clients:
            self.assertEqual(client.get("/").status_code, 302)
        self.assertFalse(
            SignInSession.objects.filter(user=self.handler_a, ended_at__isnull=True).exists()
        )

    def test_bad_session_ids_change_nothing(self):
        victim = Client()
        self.sign_in(self.operator, victim)
        admin = self.admin_client()
        other = Client()
        self.sign_in(self.handler_a, other)
        other_row = SignInSession.objects.get(user=self.handler_a)
        for value in ("", "x", "99999", str(other_row.pk), "1; DROP TABLE"):
            with self.subTest(value=value):
                response = admin.post(
                    self.signin_url(self.operator), {"action": "end", "session": value}
                )
                self.assertEqual(response.status_code, 302)
        self.assertEqual(victim.get("/").status_code, 200)
        self.assertEqual(other.get("/").status_code, 200)

    def test_nobody_else_and_not_on_their_own_account(self):
        for actor, account in (
            (self.sysadmin, self.operator),
            (self.auditor, self.operator),
            (self.operator, self.operator),
            (self.reviewer, self.operator),
            (self.secadmin, self.secadmin),
        ):
            with self.subTest(actor=actor.username, account=account.username):
                client = Client()
                client.force_login(actor)
                for data in (None, {"action": "end_all"}, {"action": "reset_otp"}):
                    url = self.signin_url(account)
                    response = client.post(url, data) if data else client.get(url)
                    self.assertIn(response.status_code, (302, 403))
                    if response.status_code == 302:  # the admin's sign-in: not an admin user
                        self.assertIn("/admin/login/", response["Location"])
        self.assertEqual(AuditEntry.objects.filter(action="session_ended").count(), 0)

    def test_device_reset_forgets_the_device_ends_sessions_and_asks_for_enrolment(self):
        otp_device(self.reviewer)
        victim = Client()
        self.sign_in(self.reviewer, victim)
        self.code(otp_next_code(self.reviewer), victim)
        self.assertEqual(victim.get("/").status_code, 200)
        self.admin_client().post(self.signin_url(self.reviewer), {"action": "reset_otp"})
        self.assertFalse(TOTPDevice.objects.filter(user=self.reviewer).exists())
        self.assertEqual(victim.get("/").status_code, 302)
        reset = self.actions(AuditEntry.Action.OTP_RESET, self.reviewer)
        self.assertEqual([entry.actor for entry in reset], [self.secadmin])
        fresh = Client()
        self.sign_in(self.reviewer, fresh)
        self.assertRedirects(fresh.get(OTP_URL), f"{ENROL_URL}?", fetch_redirect_response=False)

    def test_a_deactivated_accounts_sessions_end(self):
        victim = Client()
        self.sign_in(self.handler_a, victim)
        account_update(actor=self.sysadmin, user=self.handler_a, is_active=False)
        self.assertEqual(victim.get("/").status_code, 302)
        row = SignInSession.objects.get(user=self.handler_a)
        self.assertEqual(row.end_reason, "deactivated")
        self.assertEqual(len(self.actions(AuditEntry.Action.SESSION_ENDED, self.handler_a)), 1)


class SessionLimitTests(SignInCase):
    START = "2026-03-02 09:00"

    def at(self, minutes: float):
        return clock.frozen_at(aware(self.START) + timedelta(minutes=minutes))

    def test_idle_for_the_limit_ends_the_session_and_activity_keeps_it(self):
        with self.at(0):
            self.sign_in(self.operator)
        for minutes in (29, 58, 87):  # each request within 30 minutes of the one before
            with self.at(minutes):
                self.assertEqual(self.client.get("/").status_code, 200, minutes)
        with self.at(87 + 30):
            response = self.client.get("/orders/")
        self.assertRedirects(
            response, "/login/?expired=idle&next=%2Forders%2F", fetch_redirect_response=False
        )
        self.assertRedirects(self.client.get("/"), "/login/?next=/", fetch_redirect_response=False)
        expired = self.actions(AuditEntry.Action.SESSION_EXPIRED, self.operator)
        self.assertEqual(len(expired), 1)
        self.assertEqual(expired[0].detail["limit_minutes"], 30)
        self.assertContains(self.client.get("/login/?expired=idle"), "长时间未操作")

    @override_settings(HOTLINE_IDLE_TIMEOUT_MINUTES=5)
    def test_the_idle_limit_is_a_setting(self):
        with self.at(0):
            self.sign_in(self.operator)
        with self.at(4):
            self.assertEqual(self.client.get("/").status_code, 200)
        with self.at(9.5):
            self.assertEqual(self.client.get("/").status_code, 302)

    def test_the_absolute_limit_ends_a_busy_session(self):
        with self.at(0):
            self.sign_in(self.operator)
        expiry = self.client.session.get_expiry_date()
        minutes = 0
        while minutes < 12 * 60 - 10:
            minutes += 10
            with self.at(minutes):
                self.assertEqual(self.client.get("/").status_code, 200, minutes)
        # Activity never moved the stored end (not sliding).
        self.assertEqual(self.client.session.get_expiry_date(), expiry)
        with self.at(12 * 60):
            response = self.client.get("/")
        self.assertTrue(response["Location"].startswith("/login/?expired=absolute"))
        expired = self.actions(AuditEntry.Action.SESSION_EXPIRED, self.operator)
        self.assertEqual(expired[0].reason, str(SignInSession.EndReason.ABSOLUTE.label))

    def test_an_unverified_session_expires_too(self):
        otp_device(self.lead)
        with self.at(0):
            self.sign_in(self.lead)
        with self.at(31):
            response = self.client.get(OTP_URL)
        self.assertTrue(response["Location"].startswith("/login/?expired=idle"))


class SignInAuditTests(SignInCase):
    def test_sign_in_and_sign_out_are_recorded(self):
        self.sign_in(self.operator)
        self.client.post("/logout/")
        login = self.actions(AuditEntry.Action.LOGIN, self.operator)
        logout = self.actions(AuditEntry.Action.LOGOUT, self.operator)
        self.assertEqual(len(login), 1)
        self.assertFalse(login[0].detail["second_factor_pending"])
        self.assertEqual(len(logout), 1)
        self.assertEqual(logout[0].actor, self.operator)
        row = SignInSession.objects.get(user=self.operator)
        self.assertEqual(row.end_reason, "logout")

    def test_a_failed_password_is_recorded_and_opens_no_session(self):
        self.client.post("/login/", {"username": "operator", "password": "wrong-password"})
        self.assertEqual(len(self.actions(AuditEntry.Action.LOGIN_FAILED, self.operator)), 1)
        self.assertFalse(SignInSession.objects.exists())


class FragmentRequestTests(SignInCase):
    START = "2026-03-02 09:00"

    def at(self, minutes: float):
        return clock.frozen_at(aware(self.START) + timedelta(minutes=minutes))

    def test_a_pages_polling_is_not_activity(self):
        with self.at(0):
            self.sign_in(self.operator)
        poll = {"HTTP_HX_REQUEST": "true", "HTTP_X_HOTLINE_POLL": "1"}
        for minutes in (5, 15, 25):
            with self.at(minutes):
                self.assertEqual(self.client.get("/orders/alarms/", **poll).status_code, 200)
        with self.at(31):
            response = self.client.get("/orders/alarms/", **poll)
        self.assertEqual(response.status_code, 401)
        self.assertTrue(response["HX-Redirect"].startswith("/login/?expired=idle"))

    def test_a_fragment_of_an_unverified_session_gets_nothing_to_swap(self):
        self.sign_in(self.lead)
        response = self.client.get("/orders/alarms/", HTTP_HX_REQUEST="true")
        self.assertEqual((response.status_code, response.content), (401, b""))
