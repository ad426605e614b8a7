"""`hotline demo_otp USERNAME`: the current TOTP code of a demo account, so that a newcomer
can sign in as the reviewer, the supervisor or an administrator without a phone. Refused
outside the demo (HOTLINE_DEMO=1): on a real installation a code comes only from the phone."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.accounts import otp
from hotline.accounts.models import User


class Command(BaseCommand):
    help = "Demo only (HOTLINE_DEMO=1): print the current 6-digit code of a demo account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if not settings.HOTLINE_DEMO:
            raise CommandError("demo_otp works only in the demo (HOTLINE_DEMO=1).")
        user = User.objects.filter(username=username).first()
        device = otp.confirmed_device(user) if user is not None else None
        if user is None or device is None:
            raise CommandError(f"{username!r} has no second-factor device.")
        if device.key != otp.fixed_key(user.username, purpose="demo"):
            # Enrolled with a real phone: its secret is not the demo's, so not ours to show.
            raise CommandError(f"{username!r} enrolled their own device; use its app.")
        seconds = device.step - int(otp.time.time() - device.t0) % device.step
        self.stdout.write(f"{otp.code_at(device)}  （{seconds} 秒内有效）")
