"""The demo's second factor: devices with fixed, printed secrets for the accounts that need
one, and `hotline demo_otp`, which prints the current code — in the demo only."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from hotline.accounts import otp
from hotline.accounts.models import User
from hotline.catalogue.services import catalogue_load
from hotline.demo.accounts import demo_account_lines, demo_accounts


class DemoOtpTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        catalogue_load()
        demo_accounts()

    def test_every_second_factor_account_has_a_device_and_the_others_none(self):
        for user in User.objects.all():
            with self.subTest(user=user.username):
                self.assertEqual(otp.confirmed_device(user) is not None, user.needs_second_factor)
        lines = "\n".join(demo_account_lines())
        self.assertIn("hotline demo_otp reviewer", lines)
        self.assertNotIn("demo_otp operator", lines)

    @override_settings(HOTLINE_DEMO=True)
    def test_demo_otp_prints_a_code_the_device_accepts(self):
        out = StringIO()
        call_command("demo_otp", "reviewer", stdout=out)
        code = out.getvalue().split()[0]
        device = otp.confirmed_device(User.objects.get(username="reviewer"))
        self.assertTrue(device.verify_token(code))

    @override_settings(HOTLINE_DEMO=True)
    def test_demo_otp_refuses_accounts_without_a_demo_device(self):
        for username in ("urban.handler", "nobody"):
            with self.subTest(username=username), self.assertRaises(CommandError):
                call_command("demo_otp", username, stdout=StringIO())

    @override_settings(HOTLINE_DEMO=False)
    def test_demo_otp_is_refused_outside_the_demo(self):
        with self.assertRaises(CommandError):
            call_command("demo_otp", "reviewer", stdout=StringIO())
