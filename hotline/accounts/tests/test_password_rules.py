"""The password rules (AUTH_PASSWORD_VALIDATORS) hold on every path that sets a password
(issue 13): one's own change at /password/, the system administrator's new account and
temporary password in the admin, `hotline account_add`, and `account_create` itself (the demo
and any server-side caller). Each weak kind of password is refused everywhere, changing nothing."""

from unittest import mock

from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from hotline.accounts.models import User
from hotline.accounts.services import account_create
from hotline.core.errors import InvalidInput
from hotline.testing import PASSWORD, BaseTestCase

# Too short, all digits, a common password, close to the account name, a keyboard row.
WEAK = ("Ab1-xyz", "1234567890123", "password123", "clerk-2026", "qwertyuiop")


class PasswordRulesEverywhereTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.clerk = account_create(username="clerk-2026", password=PASSWORD, unit=cls.unit_a)

    def assert_unchanged(self, user: User) -> None:
        user.refresh_from_db()
        self.assertTrue(user.check_password(PASSWORD))

    def test_own_change(self):
        client = Client()
        client.force_login(self.clerk)
        for weak in WEAK:
            with self.subTest(password=weak):
                response = client.post(
                    "/password/",
                    {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
                )
                self.assertEqual(response.status_code, 400)
                self.assert_unchanged(self.clerk)

    def test_admin_temporary_password(self):
        client = Client()
        client.force_login(self.sysadmin)
        url = reverse("admin:accounts_user_password", args=[self.clerk.pk])
        for weak in WEAK:
            with self.subTest(password=weak):
                response = client.post(url, {"new_password1": weak, "new_password2": weak})
                self.assertEqual(response.status_code, 400)
                self.assert_unchanged(self.clerk)

    def test_admin_new_account(self):
        client = Client()
        client.force_login(self.sysadmin)
        for weak in WEAK:
            with self.subTest(password=weak):
                response = client.post(
                    reverse("admin:accounts_user_add"),
                    {"username": "clerk-2026b", "password1": weak, "password2": weak},
                )
                self.assertContains(response, "errornote")
        self.assertFalse(User.objects.filter(username="clerk-2026b").exists())

    def test_account_add_command(self):
        for weak in WEAK:
            with (
                self.subTest(password=weak),
                mock.patch("getpass.getpass", side_effect=[weak, weak]),
                self.assertRaises(CommandError),
            ):
                call_command("account_add", "clerk-2026c", "--unit", "urban")
        self.assertFalse(User.objects.filter(username="clerk-2026c").exists())

    def test_account_create_on_the_server(self):
        for weak in WEAK:
            with self.subTest(password=weak), self.assertRaises(InvalidInput):
                account_create(username="clerk-2026d", password=weak, unit=self.unit_a)
        self.assertFalse(User.objects.filter(username="clerk-2026d").exists())
