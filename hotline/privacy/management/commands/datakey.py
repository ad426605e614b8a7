from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.privacy.crypto import ensure_key_file, generate_key


class Command(BaseCommand):
    help = "Create the personal-data key file, or print a new key for HOTLINE_DATA_KEY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--create",
            action="store_true",
            help=f"create {settings.HOTLINE_DATA_KEY_PATH} if missing",
        )

    def handle(self, *args, create: bool, **options) -> None:
        if not create:
            self.stdout.write(generate_key())
            return
        path = Path(settings.HOTLINE_DATA_KEY_PATH)
        if not ensure_key_file(path):
            raise CommandError(
                f"{path} exists already; it is never overwritten (the data would become unreadable)."
            )
        self.stdout.write(f"Created {path}")
