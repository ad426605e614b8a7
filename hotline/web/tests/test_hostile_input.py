"""Hostile input (issue 13, checks): oversize fields, HTML and script, SQL-like text, malformed
phones and wrong encodings (non-UTF-8 bodies, NUL bytes, lone surrogates, control characters)
sent to the portal, the intake form, the JSON API and Open311. Each is refused with a clear
message (a stable code in the API) and changes nothing, or is stored as typed and shown
escaped; none is a server error."""

import json

from django.test import override_settings

from hotline.accounts.models import ApiToken
from hotline.core.text import MAX_ADDRESS, MAX_NAME, MAX_TEXT, UNTYPABLE
from hotline.orders.models import Order
from hotline.testing import BaseTestCase

SCRIPTS = [
    "<script>alert(document.cookie)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 7*7 }}{% debug %}",
    '<!--#exec cmd="ls"-->',
]
SQL = [
    "' OR '1'='1' --",
    "'); DROP TABLE orders_order; --",
    "1; SELECT pg_sleep(5)",
    '" UNION SELECT password FROM accounts_user --',
    "%' AND 1=1 AND '%'='",
]
BAD_PHONES = [
    "abc",
    "152****1080",  # a masked number
    "13812345678abc",
    "138123456789012345678901234567890",  # too long
    "13812345678; DROP TABLE x",
    "<script>1</script>",
    "1" * 14,
    "13812345678\x00",
    "138 1234 5678 ext 9",
]
# Text that no person types and no database should get: NUL, other C0 controls, lone
# surrogates, and the Unicode non-characters.
BAD_CHARACTERS = [
    "正常\x00文字",
    "正常\x07文字",
    "正常\x1b[31m文字",
    "正常\ud800文字",
    "正常\udfff文字",
    "正常\uffff文字",
]
VALID_CONTENT = "小区门口路灯不亮了，晚上看不见路，请尽快修理。"


@override_settings(HOTLINE_PORTAL_SUBMISSIONS_PER_HOUR=1000)
class HostileInputTests(BaseTestCase):
    def setUp(self) -> None:
        from hotline.portal import services as portal_services

        # The portal's limit is read at import; lift it for this many submissions.
        self._submit = portal_services.SUBMIT
        portal_services.SUBMIT = portal_services.Limit("submit", 1000, self._submit.window)

    def tearDown(self) -> None:
        from hotline.portal import services as portal_services

        portal_services.SUBMIT = self._submit

    # --- senders -----------------------------------------------------------------

    def portal(self, **fields):  # type: ignore[no-untyped-def]
        data = {"request_type": "help", "content": VALID_CONTENT, "caller_phone": "13912345678"}
        data.update(fields)
        return self.client.post("/portal/submit/", data)

    def intake(self, **fields):  # type: ignore[no-untyped-def]
        self.client.force_login(self.operator)
        data = {"request_type": "help", "content": VALID_CONTENT, "outcome": "register"}
        data.update(fields)
        return self.client.post("/orders/intake/", data)

    def api(self, payload, *, raw: bytes | None = None, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
        if not hasattr(self, "_token"):
            self._token = ApiToken.issue(user=self.operator, name="hostile")[1]
        body = raw if raw is not None else json.dumps(payload)
        return self.client.post(
            "/api/v1/orders",
            body,
            content_type=content_type,
            HTTP_AUTHORIZATION=f"Bearer {self._token}",
        )

    def api_order(self, **fields):  # type: ignore[no-untyped-def]
        payload = {"request_type": "help", "content": VALID_CONTENT}
        payload.update(fields)
        return self.api(payload)

    def assert_refused_page(self, response, what: str) -> None:  # type: ignore[no-untyped-def]
        self.assertEqual(response.status_code, 400, what)
        self.assertIn("text/html", response["Content-Type"], what)
        self.assertRegex(response.content.decode(), r"[\u4e00-\u9fff]", what)

    def assert_refused_api(self, response, what: str) -> None:  # type: ignore[no-untyped-def]
        self.assertIn(response.status_code, (400, 422), what)
        body = response.json()
        self.assertIn(body["code"], ("invalid_input", "invalid_body"), what)
        self.assertTrue(body["message"], what)

    # --- oversize ---------------------------------------------------------------

    def test_oversize_fields_are_refused_everywhere_and_nothing_is_stored(self):
        cases = {
            "content": "长" * (MAX_TEXT + 1),
            "address": "址" * (MAX_ADDRESS + 1),
            "caller_name": "名" * (MAX_NAME + 1),
        }
        for field, value in cases.items():
            self.assert_refused_page(self.portal(**{field: value}), f"portal {field}")
            self.assert_refused_page(self.intake(**{field: value}), f"intake {field}")
            self.assert_refused_api(self.api_order(**{field: value}), f"api {field}")
        huge = "长" * 1_000_000  # bigger than the body limit once encoded
        self.assertIn(self.portal(content=huge).status_code, (400, 413))
        self.assertIn(self.api_order(content=huge).status_code, (400, 413, 422))
        self.assertFalse(Order.objects.exists())

    # --- markup and SQL are data ----------------------------------------------------

    def test_markup_and_sql_like_text_is_stored_as_typed_and_shown_escaped(self):
        for text in SCRIPTS + SQL:
            content = f"{VALID_CONTENT}{text}"
            for send in (self.portal, self.intake, self.api_order):
                response = send(content=content, address=text[:MAX_ADDRESS])
                self.assertIn(response.status_code, (201, 302), f"{send.__name__} {text!r}")
        self.assertEqual(Order.objects.count(), 3 * len(SCRIPTS + SQL))
        for order in Order.objects.all():
            self.assertTrue(order.content.startswith(VALID_CONTENT))
        self.client.force_login(self.operator)
        for order in Order.objects.filter(content__contains="<"):
            page = self.client.get(f"/orders/{order.number}/").content.decode()
            text = order.content[len(VALID_CONTENT) :]
            self.assertNotIn(text, page, order.number)  # never raw
            self.assertNotIn("<script>alert", page)
            self.assertNotIn("<img src=x", page)
            self.assertNotIn("<svg/onload", page)
        listing = self.client.get("/orders/", {"q": "' OR '1'='1' --"})
        self.assertEqual(listing.status_code, 200)

    # --- phones -------------------------------------------------------------------

    def test_malformed_phones_are_refused_with_a_message(self):
        for phone in BAD_PHONES:
            self.assert_refused_page(self.portal(caller_phone=phone), f"portal {phone!r}")
            self.assert_refused_api(self.api_order(caller_phone=phone), f"api {phone!r}")
            response = self.intake(caller_phone=phone)
            self.assertEqual(response.status_code, 400, f"intake {phone!r}")
        self.assertFalse(Order.objects.exists())

    # --- encodings and characters ---------------------------------------------------

    def test_characters_no_one_types_are_refused_in_every_text_field(self):
        for text in BAD_CHARACTERS:
            for field in ("content", "address", "caller_name"):
                value = VALID_CONTENT + text if field == "content" else text
                self.assert_refused_api(self.api_order(**{field: value}), f"api {field} {text!r}")
                if "\ud800" <= text[2] <= "\udfff":
                    continue  # a lone surrogate cannot be sent in a UTF-8 form body at all
                self.assert_refused_page(self.portal(**{field: value}), f"portal {field} {text!r}")
                self.assert_refused_page(self.intake(**{field: value}), f"intake {field} {text!r}")
        self.assertFalse(Order.objects.exists())

    def test_lone_surrogates_written_as_json_escapes_are_refused(self):
        for escape in ("\\ud800", "\\udfff", "\\ud83d", "a\\udc00b"):
            raw = f'{{"request_type": "help", "content": "{VALID_CONTENT}{escape}"}}'.encode()
            self.assert_refused_api(self.api(None, raw=raw), escape)
        self.assertFalse(Order.objects.exists())

    def test_bodies_that_are_not_utf8_are_refused_or_read_harmlessly(self):
        gbk = json.dumps(
            {"request_type": "help", "content": VALID_CONTENT}, ensure_ascii=False
        ).encode("gbk")
        for raw in (
            gbk,
            b"\xff\xfe{\x00}\x00",
            b'{"content": "\xc3\x28"}',
            b"\x00" * 10,
            b"",
            b"[]",
            b"null",
            b"{" * 10000,
        ):
            response = self.api(None, raw=raw)
            self.assertIn(response.status_code, (400, 422), raw[:20])
            self.assertIn(response.json()["code"], ("invalid_body", "invalid_input"), raw[:20])
        for body in (
            b"content="
            + VALID_CONTENT.encode("gbk")
            + b"&request_type=help&caller_phone=13912345678",
            b"content=%FF%FE%00&request_type=help&caller_phone=13912345678",
            b"\xff\xfe\xfd",
        ):
            response = self.client.post(
                "/portal/submit/", body, content_type="application/x-www-form-urlencoded"
            )
            self.assertIn(response.status_code, (302, 400), body[:20])
            self.client.force_login(self.operator)
            response = self.client.post(
                "/orders/intake/",
                body + b"&outcome=register",
                content_type="application/x-www-form-urlencoded",
            )
            self.assertIn(response.status_code, (302, 400), body[:20])
            self.client.logout()
        for order in Order.objects.all():  # what was read is text a person could have typed
            self.assertNotIn("\x00", order.content)
            self.assertIsNone(UNTYPABLE.search(order.content))
        before = Order.objects.count()
        response = self.client.post(
            "/portal/submit/", b"--x\r\nbroken", content_type="multipart/form-data; boundary=x"
        )
        self.assertIn(response.status_code, (200, 400), "broken multipart")
        self.assertEqual(Order.objects.count(), before)

    def test_open311_refuses_posts_without_an_error(self):
        for url in (
            "/open311/v2/services.json",
            "/open311/v2/discovery.json",
            "/open311/v2/services.xml",
        ):
            for body in (b"<x/>", b"\xff\x00", json.dumps({"a": "\ud800"}).encode()):
                response = self.client.post(url, body, content_type="application/json")
                self.assertEqual(response.status_code, 405, url)
        response = self.client.get("/open311/v2/services.json", {"jurisdiction_id": "\x00<script>"})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(b"<script>", response.content)
