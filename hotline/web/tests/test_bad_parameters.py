"""No address answers a server error, whatever is put in its query string: huge, negative,
zero, malformed and out-of-range numbers, dates and paging values get a clear answer (the
page with the value ignored, 400, or 404) — as every role, on every page and endpoint."""

from django.urls import reverse

from hotline.orders import services
from hotline.orders.models import Order
from hotline.web.tests.test_get_writes_nothing import GetWritesNothingTests, named_routes

PARAMETERS = (
    "page",
    "handler",
    "due_before",
    "place",
    "category",
    "offset",
    "limit",
    "type",
    "request_type",
    "status",
    "unit",
    "lead_unit",
    "sort",
    "list",
    "tab",
    "q",
    "created_from",
    "created_to",
    "supervision_channel",
    "caller_phone",
    "mine",
    "overdue",
    "due_soon",
    "open",
)
VALUES = (
    "99999999999999999999",
    "9223372036854775807",
    "-1",
    "0",
    "abc",
    "1.5",
    "9999-12-31",
    "0001-01-01",
    "2025-02-30",
    "",
    "%00",
    "１２３",
)


class BadParameterTests(GetWritesNothingTests):
    def test_no_page_answers_500_to_any_value_of_any_parameter(self):
        self.client.raise_request_exception = False
        routes = [(n, p) for n, p in named_routes() if not n.startswith("admin:")]
        failures = []
        for person in (self.operator, self.reviewer, self.manager_a):
            self.client.force_login(person)
            for name, params in routes:
                url = reverse(name, args=self.arguments(name, params))
                for value in VALUES:
                    query = {parameter: value for parameter in PARAMETERS}
                    status = self.client.get(url, query).status_code
                    if status >= 500:
                        failures.append(f"{person.username} GET {url} ={value!r}: {status}")
        self.assertEqual(failures, [], "\n".join(failures))


class BadDateTests(GetWritesNothingTests):
    """Dates a form takes are refused with a message when they lie outside 1900–2999, instead
    of reaching date arithmetic or the database."""

    def test_a_contact_note_dated_in_year_one_is_refused(self):
        self.client.force_login(self.handler_a)
        notes = self.open_order.notes.count()
        for when in ("0001-01-01 00:00", "9999-12-31 23:59"):
            with self.subTest(when=when):
                response = self.client.post(
                    f"/orders/{self.open_order.number}/notes/",
                    {
                        "note-kind": "contact",
                        "note-method": "phone",
                        "note-contacted_at": when,
                        "note-text": "已电话联系",
                    },
                )
                self.assertContains(response, "请填写 1900 年至 2999 年之间的日期", status_code=400)
        self.assertEqual(self.open_order.notes.count(), notes)

    def test_a_survey_draw_over_far_off_dates_is_refused(self):
        campaign = self.make_campaign()
        self.client.force_login(self.reviewer)
        for dates in (
            {"created_from": "2025-10-01", "created_to": "9999-12-31"},
            {"created_from": "0001-01-01", "created_to": "2025-10-31"},
        ):
            with self.subTest(**dates):
                response = self.client.post(f"/surveys/{campaign.pk}/draw/", dates)
                self.assertContains(response, "请填写 1900 年至 2999 年之间的日期", status_code=400)
        self.assertFalse(campaign.targets.exists())

    def test_a_missed_call_in_the_far_future_is_refused(self):
        self.client.force_login(self.operator)
        response = self.client.post(
            "/callbacks/missed/", {"phone": "13812345678", "called_at": "9999-12-31T10:00"}
        )
        self.assertContains(response, "请填写 1900 年至 2999 年之间的日期", status_code=400)


class BadChoiceTests(GetWritesNothingTests):
    """A chosen row given as a huge number is an invalid choice on the form, not a database
    error (SQLite and PostgreSQL both refuse integers past their column's size)."""

    HUGE = "99999999999999999999"

    def test_a_huge_unit_or_category_on_the_intake_screen_is_an_invalid_choice(self):
        self.client.force_login(self.operator)
        orders = Order.objects.count()
        for field in ("lead_unit", "category", "place", "assisting_units", "exclusion"):
            with self.subTest(field=field):
                response = self.client.post(
                    "/orders/intake/",
                    {
                        "request_type": "help",
                        "content": "路灯不亮",
                        "outcome": "dispatch",
                        field: self.HUGE,
                    },
                )
                self.assertEqual(response.status_code, 400)
        self.assertEqual(Order.objects.count(), orders)

    def test_a_huge_unit_on_a_dispatch_form_is_an_invalid_choice(self):
        order = services.order_accept(order=self.create_order(), actor=self.operator)
        self.client.force_login(self.operator)
        response = self.client.post(
            f"/orders/{order.number}/act/dispatch/",
            {"dispatch-version": order.version, "dispatch-lead_unit": self.HUGE},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.reload(order).status, "pending_dispatch")
