"""Text limits on the portal: as much as the hotline records, counted, refused with the limit,
never cut."""

from hotline.core.text import MAX_ADDRESS, MAX_NAME, MAX_NOTE, MAX_TEXT
from hotline.orders.models import Order
from hotline.portal.forms import LookupForm, RateForm, SubmitForm
from hotline.testing import BaseTestCase, assert_no_cutting_maxlength, limit_of

PASTE = "反映" * 10_000  # 20,000 characters


class PortalFormsTests(BaseTestCase):
    def test_no_field_of_the_portal_renders_a_cutting_maxlength(self):
        assert_no_cutting_maxlength(self, [SubmitForm(), LookupForm(), RateForm()])

    def test_the_portal_has_the_hotlines_limits(self):
        form = SubmitForm()
        self.assertEqual(
            (limit_of(form, "content"), limit_of(form, "address"), limit_of(form, "caller_name")),
            (MAX_TEXT, MAX_ADDRESS, MAX_NAME),
        )
        self.assertEqual(limit_of(RateForm(), "comment"), MAX_NOTE)


class PortalTests(BaseTestCase):
    def submit(self, content: str):  # type: ignore[no-untyped-def]
        return self.client.post(
            "/portal/submit/",
            {"request_type": "consult", "content": content, "caller_phone": "13912345678"},
        )

    def test_the_portal_takes_as_much_as_the_hotline_records(self):
        response = self.submit("请问" + "居" * (MAX_TEXT - 2))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(Order.objects.get().content), MAX_TEXT)

    def test_a_pasted_20000_characters_are_refused_with_the_limit_and_kept(self):
        response = self.submit(PASTE)
        self.assertContains(
            response, f"不能超过 {MAX_TEXT} 个字（现在 20000 个字）", status_code=400
        )
        self.assertContains(response, PASTE, status_code=400)
        self.assertFalse(Order.objects.exists())
