from django.urls import reverse

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.testing import PASSWORD, BaseTestCase
from hotline.units.models import Unit


class AdminTestCase(BaseTestCase):
    """The personas, a security administrator, a clerk (an operator) and the 110 desk."""

    secadmin: User
    clerk: User
    desk: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        infocenter = Unit.objects.get(code="infocenter")
        cls.secadmin = account_create(
            username="secadmin", roles=[Role.SECADMIN], unit=infocenter, password=PASSWORD
        )
        cls.clerk = account_create(
            username="clerk",
            roles=[Role.OPERATOR],
            unit=Unit.objects.get(code="callcenter"),
            password=PASSWORD,
            display_name="话务员 张",
        )
        cls.desk = account_create(
            username="desk110", roles=[Role.LINKAGE], unit=Unit.objects.get(code="police")
        )

    @staticmethod
    def change_url(user: User) -> str:
        return reverse("admin:accounts_user_change", args=[user.pk])

    @staticmethod
    def password_url(user: User) -> str:
        return reverse("admin:accounts_user_password", args=[user.pk])

    def profile(self, user: User, **changes: object) -> dict[str, object]:
        """The system administrator's form of `user`, as sent, with `changes`."""
        data: dict[str, object] = {
            "display_name": user.display_name,
            "unit": user.unit_id or "",
            "phone": user.phone,
            "email": user.email,
        }
        if user.is_active:
            data["is_active"] = "on"
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    @staticmethod
    def fresh(user: User) -> User:
        return User.objects.get(pk=user.pk)
