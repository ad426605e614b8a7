"""Separation of duties in the admin (等保 三员): the system administrator creates accounts and
keeps their particulars but assigns no role, never on its own account nor on the accounts of
the three administrators; the security administrator assigns roles and nothing else; no
password hash is shown or accepted, passwords keep the rules; `is_superuser`, `is_staff`,
groups and per-user permissions grant nothing; every change is in the audit trail."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.urls import reverse

from hotline.accounts.models import ApiToken, User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.accounts.tests.base import AdminTestCase
from hotline.audit.models import AuditEntry
from hotline.testing import PASSWORD

NEW_PASSWORD = "Lantern-river-2048"


class SysadminTests(AdminTestCase):
    def setUp(self):
        self.client.force_login(self.sysadmin)

    def test_sysadmin_cannot_give_itself_a_role(self):
        response = self.client.post(
            self.change_url(self.sysadmin), {"roles": [Role.REVIEWER], "display_name": "x"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.fresh(self.sysadmin).roles, [Role.SYSADMIN])
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.ROLE_CHANGE).exists())

    def test_sysadmin_changes_particulars_but_a_role_it_sends_is_ignored(self):
        response = self.client.post(
            self.change_url(self.clerk),
            self.profile(self.clerk, display_name="话务员 张三", roles=[Role.REVIEWER]),
        )
        self.assertEqual(response.status_code, 302)
        clerk = self.fresh(self.clerk)
        self.assertEqual((clerk.display_name, clerk.roles), ("话务员 张三", [Role.OPERATOR]))
        entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCOUNT_CHANGE, actor=self.sysadmin)
        self.assertEqual(entry.target, "account:clerk")
        self.assertEqual(entry.detail["changes"], {"display_name": ["话务员 张", "话务员 张三"]})

    def test_sysadmin_cannot_move_an_account_holding_roles_to_another_unit(self):
        response = self.client.post(
            self.change_url(self.handler_a), self.profile(self.handler_a, unit=self.unit_b.pk)
        )
        self.assertContains(response, "请先由安全管理员收回角色")
        self.assertEqual(self.fresh(self.handler_a).unit, self.unit_a)
        newcomer = account_create(username="newcomer", unit=self.unit_a)
        response = self.client.post(
            self.change_url(newcomer), self.profile(newcomer, unit=self.unit_b.pk)
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.fresh(newcomer).unit, self.unit_b)

    def test_a_new_account_gets_no_role_no_superuser_and_a_password_to_change(self):
        response = self.client.post(
            reverse("admin:accounts_user_add"),
            {
                "username": "newcomer",
                "display_name": "新同事",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "roles": [Role.REVIEWER, Role.SYSADMIN],
                "is_superuser": "on",
                "is_staff": "on",
            },
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        user = User.objects.get(username="newcomer")
        self.assertEqual(user.roles, [])
        self.assertFalse(user.is_superuser or user.is_staff)
        self.assertTrue(user.check_password(NEW_PASSWORD))
        self.assertTrue(user.password_change_required)
        entry = AuditEntry.objects.get(target="account:newcomer")
        self.assertEqual((entry.actor, entry.reason), (self.sysadmin, "创建账户"))
        self.assertEqual(entry.detail["changes"]["display_name"], [None, "新同事"])
        self.assertNotIn(NEW_PASSWORD, repr(entry.detail))
        self.assertNotIn(user.password, repr(entry.detail))

    def test_a_new_accounts_password_keeps_the_password_rules(self):
        for weak in ("12345678", "password123", "newcomer-1"):
            with self.subTest(password=weak):
                response = self.client.post(
                    reverse("admin:accounts_user_add"),
                    {"username": "newcomer", "password1": weak, "password2": weak},
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "errornote")
        self.assertFalse(User.objects.filter(username="newcomer").exists())

    def test_sysadmin_cannot_change_the_security_administrators_account(self):
        for other in (self.secadmin, self.auditor):
            with self.subTest(account=other.username):
                page = self.client.get(self.change_url(other))
                self.assertEqual(page.status_code, 200)  # read only
                self.assertNotContains(page, 'name="is_active"')
                response = self.client.post(
                    self.change_url(other), self.profile(other, is_active=None)
                )
                self.assertEqual(response.status_code, 403)
                self.assertTrue(self.fresh(other).is_active)
                self.assertEqual(self.client.get(self.password_url(other)).status_code, 403)
                response = self.client.post(
                    self.password_url(other),
                    {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
                )
                self.assertEqual(response.status_code, 403)
                self.assertTrue(self.fresh(other).check_password(PASSWORD))

    def test_sysadmin_cannot_change_its_own_account(self):
        response = self.client.post(
            self.change_url(self.sysadmin), self.profile(self.sysadmin, display_name="我")
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.get(self.password_url(self.sysadmin)).status_code, 403)

    def test_no_password_hash_is_shown_or_accepted(self):
        page = self.client.get(self.change_url(self.clerk)).content.decode()
        self.assertNotIn(self.clerk.password, page)
        self.assertNotIn(self.clerk.password.split("$")[0] + "$", page)
        self.assertNotIn('name="password"', page)
        known = make_password("i-know-this-one-2048")
        self.client.post(self.change_url(self.clerk), self.profile(self.clerk, password=known))
        self.assertEqual(self.fresh(self.clerk).password, self.clerk.password)

    def test_a_temporary_password_keeps_the_rules_and_is_audited_without_itself(self):
        response = self.client.post(
            self.password_url(self.clerk), {"new_password1": "123", "new_password2": "123"}
        )
        self.assertContains(response, "密码太短，至少需要 10 个字符。", status_code=400)
        self.assertNotContains(response, "too short", status_code=400)
        self.assertTrue(self.fresh(self.clerk).check_password(PASSWORD))
        response = self.client.post(
            self.password_url(self.clerk),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        self.assertRedirects(response, self.change_url(self.clerk), fetch_redirect_response=False)
        clerk = self.fresh(self.clerk)
        self.assertTrue(clerk.check_password(NEW_PASSWORD))
        self.assertTrue(clerk.password_change_required)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.PASSWORD_CHANGE)
        self.assertEqual((entry.actor, entry.target), (self.sysadmin, "account:clerk"))
        self.assertNotIn(NEW_PASSWORD, repr(entry.detail) + entry.reason)

    def test_machine_accounts_get_no_password(self):
        self.assertEqual(self.client.get(self.password_url(self.desk)).status_code, 403)

    def test_sysadmin_deletes_no_account_and_has_no_bulk_action_on_accounts(self):
        changelist = reverse("admin:accounts_user_changelist")
        page = self.client.get(changelist)
        self.assertNotContains(page, "delete_selected")
        self.client.post(
            changelist, {"action": "delete_selected", "_selected_action": [self.clerk.pk]}
        )
        self.client.post(
            reverse("admin:accounts_user_delete", args=[self.clerk.pk]), {"post": "yes"}
        )
        self.assertTrue(User.objects.filter(pk=self.clerk.pk).exists())

    def test_the_token_list_is_read_only_and_never_shows_the_digest(self):
        row, _token = ApiToken.issue(user=self.desk, name="110")
        page = self.client.get(reverse("admin:accounts_apitoken_change", args=[row.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, row.digest)
        self.client.post(
            reverse("admin:accounts_apitoken_change", args=[row.pk]),
            {"user": self.sysadmin.pk, "name": "mine", "revoked_at": ""},
        )
        self.assertEqual(ApiToken.objects.get(pk=row.pk).user, self.desk)
        self.client.post(
            reverse("admin:accounts_apitoken_changelist"),
            {"action": "revoke_tokens", "_selected_action": [row.pk]},
        )
        self.assertIsNone(ApiToken.objects.get(pk=row.pk).revoked_at)  # the security admin's

    def test_groups_are_not_in_the_admin(self):
        self.assertEqual(self.client.get("/admin/auth/group/").status_code, 404)
        self.assertEqual(self.client.get("/admin/auth/permission/").status_code, 404)


class SecadminTests(AdminTestCase):
    def setUp(self):
        self.client.force_login(self.secadmin)

    def test_the_security_administrator_enters_the_admin(self):
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertEqual(
            self.client.get(reverse("admin:accounts_user_changelist")).status_code, 200
        )

    def test_secadmin_assigns_roles_and_the_trail_has_old_and_new(self):
        response = self.client.post(
            self.change_url(self.clerk), {"roles": [Role.OPERATOR_LEAD, Role.OPERATOR]}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.fresh(self.clerk).roles, [Role.OPERATOR, Role.OPERATOR_LEAD])
        entry = AuditEntry.objects.get(action=AuditEntry.Action.ROLE_CHANGE)
        self.assertEqual((entry.actor, entry.target), (self.secadmin, "account:clerk"))
        self.assertEqual(
            entry.detail["changes"]["roles"],
            [[Role.OPERATOR], [Role.OPERATOR, Role.OPERATOR_LEAD]],
        )

    def test_secadmin_changes_roles_only(self):
        self.client.post(
            self.change_url(self.clerk),
            {"roles": [Role.OPERATOR], "display_name": "改名", "is_active": "", "unit": ""},
        )
        clerk = self.fresh(self.clerk)
        self.assertEqual((clerk.display_name, clerk.is_active), ("话务员 张", True))
        self.assertEqual(self.client.get(self.password_url(self.clerk)).status_code, 403)
        self.assertEqual(self.client.get(reverse("admin:accounts_user_add")).status_code, 403)

    def test_nobody_changes_their_own_roles(self):
        response = self.client.post(
            self.change_url(self.secadmin), {"roles": [Role.SECADMIN, Role.AUDITOR]}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.fresh(self.secadmin).roles, [Role.SECADMIN])

    def test_the_administrators_roles_are_each_held_alone(self):
        response = self.client.post(
            self.change_url(self.sysadmin), {"roles": [Role.SYSADMIN, Role.REVIEWER]}
        )
        self.assertContains(response, "须各自单独设账户")
        self.assertEqual(self.fresh(self.sysadmin).roles, [Role.SYSADMIN])
        response = self.client.post(self.change_url(self.clerk), {"roles": [Role.AUDITOR]})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.fresh(self.clerk).roles, [Role.AUDITOR])

    def test_the_linkage_role_goes_to_machine_accounts_only(self):
        response = self.client.post(self.change_url(self.clerk), {"roles": [Role.LINKAGE]})
        self.assertContains(response, "只能授予机器账户")
        self.assertEqual(self.fresh(self.clerk).roles, [Role.OPERATOR])

    def test_secadmin_sees_no_configuration(self):
        for url in (
            "/admin/units/unit/",
            "/admin/catalogue/category/",
            "/admin/knowledge/synonym/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)

    def test_secadmin_revokes_a_token_and_it_is_audited(self):
        row, token = ApiToken.issue(user=self.desk, name="110")
        response = self.client.post(
            reverse("admin:accounts_apitoken_changelist"),
            {"action": "revoke_tokens", "_selected_action": [row.pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertIsNotNone(ApiToken.objects.get(pk=row.pk).revoked_at)
        entry = AuditEntry.objects.get(reason="吊销接口令牌")
        self.assertEqual((entry.actor, entry.target), (self.secadmin, "account:desk110"))
        self.assertNotIn(token, repr(entry.detail))


class NoBypassTests(AdminTestCase):
    def test_superuser_and_staff_flags_grant_nothing(self):
        root = User.objects.create(username="root", is_superuser=True, is_staff=True)
        self.assertFalse(root.is_superuser or root.is_staff)  # reset on save
        User.objects.filter(pk=root.pk).update(is_superuser=True, is_staff=True)
        root = self.fresh(root)
        self.assertFalse(root.has_perm("accounts.change_user"))
        self.client.force_login(root)
        self.assertEqual(self.client.get("/admin/").status_code, 403)
        self.assertEqual(self.client.get("/admin/accounts/user/").status_code, 403)

    def test_groups_and_per_user_permissions_grant_nothing(self):
        self.clerk.user_permissions.add(Permission.objects.get(codename="change_user"))
        clerk = self.fresh(self.clerk)
        self.assertFalse(clerk.has_perm("accounts.change_user"))
        self.client.force_login(clerk)
        self.assertEqual(self.client.get("/admin/").status_code, 403)

    def test_createsuperuser_is_refused(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            User.objects.create_superuser("root", "root@example.org", NEW_PASSWORD)
        self.assertFalse(User.objects.filter(username="root").exists())

    def test_only_the_two_administrators_sign_in_to_the_admin(self):
        for user, expected in ((self.secadmin, True), (self.sysadmin, True), (self.auditor, False), (self.reviewer, False)):  # fmt: skip
            with self.subTest(user=user.username):
                self.client.logout()
                self.client.post(
                    "/admin/login/?next=/admin/", {"username": user.username, "password": PASSWORD}
                )
                self.assertEqual("_auth_user_id" in self.client.session, expected)

    def test_an_administrator_created_on_the_server_keeps_the_rules(self):
        from unittest import mock

        from django.core.management import CommandError, call_command

        with mock.patch("getpass.getpass", side_effect=[NEW_PASSWORD, NEW_PASSWORD]):
            call_command("account_add", "auditor2", "--role", "auditor", "--unit", "office")
        user = User.objects.get(username="auditor2")
        self.assertEqual((user.roles, user.check_password(NEW_PASSWORD)), ([Role.AUDITOR], True))
        self.assertTrue(AuditEntry.objects.filter(target="account:auditor2", actor=None).exists())
        with (
            mock.patch("getpass.getpass", side_effect=["short", "short"]),
            self.assertRaises(CommandError),
        ):
            call_command("account_add", "auditor3", "--role", "auditor")
        self.assertFalse(User.objects.filter(username="auditor3").exists())

    def test_account_create_by_a_sysadmin_refuses_roles(self):
        from hotline.core.errors import NotAllowed

        with self.assertRaises(NotAllowed):
            account_create(
                actor=self.sysadmin, username="x", roles=[Role.REVIEWER], password=NEW_PASSWORD
            )
        with self.assertRaises(NotAllowed):
            account_create(actor=self.secadmin, username="x", password=NEW_PASSWORD)
