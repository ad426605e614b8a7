"""Guessing passwords: 5 failures for one account from one address lock that pair for 15
minutes (also on /admin/login/), a success clears the count, another address is not locked,
an address failing over many accounts is; the lock answer is our Chinese page; every failure
and lock is in the audit trail without the password, and no log line names the account or the
address; the security administrator unlocks on the account page."""

import logging
from datetime import timedelta

from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from hotline.accounts.services import account_unlock
from hotline.accounts.tests.base import AdminTestCase
from hotline.audit.models import AuditEntry
from hotline.core.errors import NotAllowed
from hotline.testing import PASSWORD

WRONG = "not-the-password-1"


class LoginGuardTests(AdminTestCase):
    def attempt(  # type: ignore[no-untyped-def]
        self, username: str, password: str, *, path: str = "/login/", address: str = "127.0.0.1"
    ):
        return self.client.post(
            path, {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def fail(self, username: str, times: int, **kwargs: str) -> list[int]:
        return [self.attempt(username, WRONG, **kwargs).status_code for _ in range(times)]

    def signed_in(self) -> bool:
        return "_auth_user_id" in self.client.session

    def test_five_wrong_passwords_lock_the_account_and_the_right_one_then_fails(self):
        self.assertEqual(self.fail("operator", 5), [200, 200, 200, 200, 429])
        response = self.attempt("operator", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertFalse(self.signed_in())

    def test_the_lock_answer_is_our_chinese_page(self):
        self.fail("operator", 5)
        response = self.attempt("operator", WRONG)
        self.assertContains(response, "暂时无法登录", status_code=429)
        self.assertContains(response, "已暂停 15 分钟", status_code=429)
        self.assertContains(response, 'class="topbar"', status_code=429)
        self.assertContains(response, "联系安全管理员解除锁定", status_code=429)
        self.assertNotContains(response, "Account locked", status_code=429)

    def test_the_admin_sign_in_is_guarded_too(self):
        statuses = self.fail("sysadmin", 5, path="/admin/login/")
        self.assertEqual(statuses[-1], 429)
        response = self.attempt("sysadmin", PASSWORD, path="/admin/login/")
        self.assertContains(response, "暂时无法登录", status_code=429)
        self.assertFalse(self.signed_in())

    def test_someone_elsewhere_cannot_lock_the_holder_out(self):
        self.fail("operator", 6, address="10.9.9.9")
        self.attempt("operator", PASSWORD, address="10.1.1.1")
        self.assertTrue(self.signed_in())

    def test_a_success_clears_the_count(self):
        self.fail("operator", 4)
        self.attempt("operator", PASSWORD)
        self.assertTrue(self.signed_in())
        self.client.logout()
        self.assertEqual(self.fail("operator", 4), [200] * 4)
        self.attempt("operator", PASSWORD)
        self.assertTrue(self.signed_in())

    def test_the_lock_ends_after_the_cool_off_and_attempts_in_it_do_not_prolong_it(self):
        self.fail("operator", 5)
        self.fail("operator", 3)  # during the lock
        started = AccessAttempt.objects.get().attempt_time
        AccessAttempt.objects.update(attempt_time=started - timedelta(minutes=16))
        self.attempt("operator", PASSWORD)
        self.assertTrue(self.signed_in())

    @override_settings(HOTLINE_LOGIN_ADDRESS_FAILURE_LIMIT=6)
    def test_an_address_trying_many_accounts_is_locked(self):
        for username in ("operator", "lead", "reviewer"):
            self.fail(username, 2)
        self.assertEqual(self.attempt("supervisor", PASSWORD).status_code, 429)
        self.assertFalse(self.signed_in())
        self.attempt("supervisor", PASSWORD, address="10.1.1.1")
        self.assertTrue(self.signed_in())

    def test_failures_and_the_lock_are_audited_without_the_password(self):
        self.fail("operator", 6)
        failed = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).order_by("pk")
        self.assertEqual(failed.count(), 6)
        self.assertEqual({entry.target for entry in failed}, {"account:operator"})
        self.assertEqual(failed[0].reason, "密码错误")
        self.assertEqual(failed[0].detail["address"], "127.0.0.1")
        self.assertEqual(failed[0].detail["path"], "/login/")
        self.assertTrue(failed[5].detail["while_locked"])
        [locked] = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_LOCKED)
        self.assertEqual((locked.target, locked.detail["minutes"]), ("account:operator", 15))
        for entry in AuditEntry.objects.all():
            self.assertNotIn(WRONG, repr(entry.detail) + entry.reason + entry.target)
        self.assertNotIn(WRONG, "".join(AccessAttempt.objects.values_list("post_data", flat=True)))

    def test_an_unknown_name_is_not_written_down(self):
        self.attempt("my-secret-password-typed-as-name", WRONG)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED)
        self.assertEqual((entry.target, entry.reason), ("", "账户不存在"))
        self.assertNotIn("my-secret", repr(entry.detail))

    def test_no_log_line_names_the_account_the_address_or_the_password(self):
        with self.assertLogs(level=logging.DEBUG) as logs:
            self.fail("operator", 6, address="10.7.7.7")
        text = "\n".join(logs.output)
        for secret in ("operator", "10.7.7.7", WRONG):
            self.assertNotIn(secret, text)

    def test_the_security_administrator_unlocks_from_the_account_page(self):
        self.fail("operator", 5)
        self.client.force_login(self.secadmin)
        changelist = reverse("admin:accounts_user_changelist")
        page = self.client.get(changelist, {"locked": "1"})
        self.assertEqual([user.username for user in page.context["cl"].result_list], ["operator"])
        response = self.client.post(
            changelist, {"action": "unlock_accounts", "_selected_action": [self.operator.pk]}
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(AccessAttempt.objects.exists())
        entry = AuditEntry.objects.get(reason="解除登录锁定")
        self.assertEqual((entry.actor, entry.target), (self.secadmin, "account:operator"))
        self.client.logout()
        self.attempt("operator", PASSWORD)
        self.assertTrue(self.signed_in())

    def test_the_system_administrator_cannot_unlock(self):
        self.fail("operator", 5)
        self.client.force_login(self.sysadmin)
        page = self.client.get(reverse("admin:accounts_user_changelist"))
        self.assertNotContains(page, "unlock_accounts")
        with self.assertRaises(NotAllowed):
            account_unlock(actor=self.sysadmin, user=self.operator)
        self.assertTrue(AccessAttempt.objects.exists())
