"""`hotline account_add`: create an account on the server, e.g. the first system
administrator, security administrator and auditor of an installation (there is no superuser).
The password is asked for twice and must keep the password rules; machine accounts get none."""

import getpass

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create, check_password
from hotline.core.errors import DomainError
from hotline.units.models import Unit


class Command(BaseCommand):
    help = "Create an account with roles (asks for its password; --machine for an API account)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--role", action="append", default=[], choices=Role.values, help="repeatable"
        )
        parser.add_argument("--unit", default="", help="unit code, e.g. infocenter")
        parser.add_argument("--name", default="", help="display name")
        parser.add_argument(
            "--machine", action="store_true", help="an API account: token only, no password"
        )

    def handle(
        self, *args, username: str, role: list[str], unit: str, name: str, machine: bool, **options
    ) -> None:
        place = None
        if unit:
            place = Unit.objects.filter(code=unit).first()
            if place is None:
                raise CommandError(f"no unit {unit!r}")
        password = None if machine else self._ask_password(username, name)
        try:
            account_create(
                username=username,
                roles=role,
                unit=place,
                display_name=name,
                password=password,
                machine=machine,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"created {username}")

    def _ask_password(self, username: str, name: str) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the passwords differ")
        try:
            check_password(first, user=User(username=username, display_name=name))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        return first
