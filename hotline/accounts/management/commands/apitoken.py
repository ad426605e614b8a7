from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue an API token for an account; the token is shown once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="api", help="what the token is for")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active account {username!r}")
        _row, token = ApiToken.issue(user=user, name=name)
        self.stdout.write(token)
