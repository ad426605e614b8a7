"""Machine accounts (the 110 desk, integrated systems) reach the API with a token only: no
usable password, no sign-in on the web or in the admin, and no session, even one they held
before they became machine accounts."""

import importlib
import json

from django.apps import apps

from hotline.accounts.models import ApiToken, User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.core.errors import InvalidInput
from hotline.testing import PASSWORD, BaseTestCase
from hotline.units.models import Unit


class MachineAccountTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.police = Unit.objects.get(code="police")
        cls.desk = account_create(username="desk110", roles=[Role.LINKAGE], unit=cls.police)

    def with_password(self, user: User) -> User:
        """As an account of an older version might be: a machine account with a password."""
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        return user

    def test_a_linkage_account_is_a_machine_account_without_a_usable_password(self):
        self.assertTrue(self.desk.is_machine)
        self.assertFalse(self.desk.has_usable_password())
        self.assertFalse(self.desk.signs_in_with_password)

    def test_a_machine_account_is_never_given_a_password(self):
        with self.assertRaises(InvalidInput):
            account_create(
                username="desk2", roles=[Role.LINKAGE], unit=self.police, password=PASSWORD
            )
        with self.assertRaises(InvalidInput):
            account_create(username="crm", roles=[], machine=True, password=PASSWORD)
        self.assertFalse(User.objects.filter(username__in=["desk2", "crm"]).exists())

    def test_the_linkage_role_is_only_for_machine_accounts_and_they_hold_no_persons_role(self):
        with self.assertRaises(InvalidInput):
            account_create(username="m", roles=[Role.LINKAGE, Role.OPERATOR], unit=self.police)
        crm = account_create(username="crm", roles=[], machine=True)
        self.assertTrue(crm.is_machine)
        self.assertFalse(crm.signs_in_with_password)

    def test_a_machine_account_cannot_sign_in_on_the_web_even_with_a_password(self):
        self.with_password(self.desk)
        response = self.client.post("/login/", {"username": "desk110", "password": PASSWORD})
        self.assertContains(response, "用户名或密码不正确")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_an_integrated_system_account_cannot_sign_in_either(self):
        crm = self.with_password(account_create(username="crm", roles=[], machine=True))
        response = self.client.post("/login/", {"username": crm.username, "password": PASSWORD})
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(response.status_code, 200)

    def test_a_machine_account_cannot_sign_in_to_the_admin(self):
        self.with_password(self.desk)
        self.client.post("/admin/login/", {"username": "desk110", "password": PASSWORD})
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_session_a_machine_account_holds_is_refused_on_every_page(self):
        self.client.force_login(self.desk)
        self.assertRedirects(self.client.get("/"), "/login/?next=/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/orders/").status_code, 302)
        self.assertEqual(self.client.get("/admin/").status_code, 302)
        self.assertEqual(self.client.get("/api/v1/orders").status_code, 401)

    def test_a_session_of_a_person_turned_machine_account_ends(self):
        person = account_create(username="former", roles=[], password=PASSWORD)
        self.client.force_login(person)
        self.assertEqual(self.client.get("/").status_code, 200)
        User.objects.filter(pk=person.pk).update(is_machine=True)
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_the_machine_account_still_works_with_its_token(self):
        _row, token = ApiToken.issue(user=self.desk, name="110")
        response = self.client.post(
            "/api/v1/orders",
            json.dumps(
                {
                    "request_type": "help",
                    "content": "110转来：井盖缺失。",
                    "caller_name": "王五",
                    "caller_phone": "13812345678",
                }
            ),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        self.assertEqual(response.status_code, 201, response.content)

    def test_the_migration_makes_existing_linkage_accounts_machine_accounts(self):
        legacy = User.objects.create(username="old110", roles=[Role.LINKAGE], unit=self.police)
        self.with_password(legacy)
        migration = importlib.import_module("hotline.accounts.migrations.0002_machine_accounts")
        migration.mark_machine_accounts(apps, None)
        legacy.refresh_from_db()
        self.assertTrue(legacy.is_machine)
        self.assertFalse(legacy.has_usable_password())
        self.operator.refresh_from_db()
        self.assertFalse(self.operator.is_machine)
        self.assertTrue(self.operator.has_usable_password())
