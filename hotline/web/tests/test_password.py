"""One's own password: changed on /password/ through the password rules; a password an
administrator set must be changed before anything else; the change is audited, never the
password."""

from django.urls import reverse

from hotline.accounts.services import account_set_password
from hotline.audit.models import AuditEntry
from hotline.testing import PASSWORD, BaseTestCase

NEW = "Quiet-harbour-7310"


class PasswordChangeTests(BaseTestCase):
    def change(self, old: str, new: str, again: str | None = None):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("password_change"),
            {"old_password": old, "new_password1": new, "new_password2": again or new},
        )

    def test_the_page_is_in_chinese_with_the_site_navigation(self):
        self.client.force_login(self.operator)
        page = self.client.get(reverse("password_change"))
        self.assertContains(page, '<h1 id="h-password">修改密码</h1>', html=False)
        self.assertContains(page, 'aria-label="主导航"')
        self.assertContains(self.client.get("/"), reverse("password_change"))

    def test_a_person_changes_their_password_through_the_rules(self):
        self.client.force_login(self.operator)
        self.assertEqual(self.change(PASSWORD, "12345678").status_code, 400)
        self.assertEqual(self.change("wrong-password", NEW).status_code, 400)
        response = self.change(PASSWORD, NEW)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.operator.refresh_from_db()
        self.assertTrue(self.operator.check_password(NEW))
        self.assertEqual(self.client.get("/").status_code, 200)  # still signed in
        entry = AuditEntry.objects.get(action=AuditEntry.Action.PASSWORD_CHANGE)
        self.assertEqual((entry.actor, entry.reason), (self.operator, "本人修改密码"))
        self.assertNotIn(NEW, repr(entry.detail))

    def test_a_temporary_password_must_be_changed_before_anything_else(self):
        operator = account_set_password(actor=self.sysadmin, user=self.operator, password=NEW)
        self.client.force_login(operator)
        for url in ("/", "/orders/", "/knowledge/"):
            with self.subTest(url=url):
                self.assertRedirects(
                    self.client.get(url), reverse("password_change"), fetch_redirect_response=False
                )
        page = self.client.get(reverse("password_change"))
        self.assertContains(page, "请先设置自己的密码")
        self.assertRedirects(
            self.change(NEW, "Second-harbour-7311"), "/", fetch_redirect_response=False
        )
        self.operator.refresh_from_db()
        self.assertFalse(self.operator.password_change_required)
        self.assertEqual(self.client.get("/orders/").status_code, 200)

    def test_signing_out_works_while_a_change_is_due(self):
        operator = account_set_password(actor=self.sysadmin, user=self.operator, password=NEW)
        self.client.force_login(operator)
        self.assertRedirects(
            self.client.post(reverse("logout")), "/login/", fetch_redirect_response=False
        )

    def test_the_admins_password_link_leads_to_the_same_page(self):
        self.client.force_login(self.sysadmin)
        response = self.client.get(reverse("admin:password_change"))
        self.assertRedirects(response, reverse("password_change"), fetch_redirect_response=False)

    def test_the_page_needs_a_sign_in(self):
        response = self.client.get(reverse("password_change"))
        self.assertRedirects(response, "/login/?next=/password/", fetch_redirect_response=False)
