"""The JSON API (/api/v1/): bearer tokens, scoping and stable error codes."""

import json

from django.utils import timezone

from hotline.accounts.models import ApiToken, User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.orders.models import Channel, Order, OrderEvent
from hotline.testing import BaseTestCase
from hotline.units.models import Unit

ORDERS = "/api/v1/orders"


class ApiTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.desk = account_create(
            username="desk110", roles=[Role.LINKAGE], unit=Unit.objects.get(code="police")
        )

    def token_for(self, user: User) -> str:
        return ApiToken.issue(user=user, name=f"{user.username} 接口")[1]

    def get(self, url: str, token: str, **params):  # type: ignore[no-untyped-def]
        return self.client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")

    def post(self, token: str, payload: dict):  # type: ignore[no-untyped-def]
        return self.client.post(
            ORDERS,
            json.dumps(payload),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )


class SchemaTests(ApiTestCase):
    def test_openapi_schema_is_served(self):
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertEqual(schema["info"]["title"], "12345 Hotline API")
        self.assertIn("/api/v1/orders", schema["paths"])
        self.assertIn("/api/v1/orders/{number}", schema["paths"])


class LinkageTests(ApiTestCase):
    PAYLOAD = {
        "request_type": "help",
        "content": "110转来：小区井盖缺失，存在安全隐患。",
        "caller_name": "王五",
        "caller_phone": "13812345678",
        "category": "urban.03",
        "address": "康乐路12号",
    }

    def test_linkage_token_records_an_order_from_the_110_desk(self):
        response = self.post(self.token_for(self.desk), self.PAYLOAD)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        order = Order.objects.get()
        self.assertEqual(body["number"], order.number)
        self.assertEqual(body["channel"], Channel.LINKAGE_110)
        self.assertEqual(body["status"], "received")
        self.assertEqual(body["category"], "urban.03")
        # Masks only, never the clear number or name.
        self.assertEqual((body["caller_phone"], body["caller_name"]), ("138****5678", "王*"))
        self.assertNotIn("13812345678", response.content.decode())
        self.assertEqual(
            (order.channel, order.created_by, order.caller_phone),
            (Channel.LINKAGE_110, self.desk, "13812345678"),
        )
        self.assertEqual(OrderEvent.objects.get(order=order).actor, self.desk)

    def test_linkage_token_reads_the_order_it_recorded(self):
        token = self.token_for(self.desk)
        number = self.post(token, self.PAYLOAD).json()["number"]
        response = self.get(f"{ORDERS}/{number}", token)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["number"], number)
        self.assertEqual(body["content"], self.PAYLOAD["content"])
        self.assertEqual(
            [(e["action"], e["to_status"]) for e in body["events"]], [("create", "received")]
        )
        self.assertEqual([row["number"] for row in self.get(ORDERS, token).json()], [number])

    def test_token_use_is_recorded(self):
        row, token = ApiToken.issue(user=self.desk, name="110")
        self.assertIsNone(row.last_used_at)
        self.get(ORDERS, token)
        row.refresh_from_db()
        self.assertIsNotNone(row.last_used_at)


class AuthTests(ApiTestCase):
    def test_bad_token_is_unauthorized(self):
        for header in (
            {"HTTP_AUTHORIZATION": "Bearer hl_not-a-token"},
            {"HTTP_AUTHORIZATION": "Basic abc"},
            {},
        ):
            with self.subTest(header=header):
                response = self.client.get(ORDERS, **header)
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.json()["code"], "unauthorized")

    def test_revoked_token_is_unauthorized_and_creates_nothing(self):
        row, token = ApiToken.issue(user=self.desk, name="110")
        ApiToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
        response = self.post(token, {"request_type": "help", "content": "内容"})
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "unauthorized")
        self.assertFalse(Order.objects.exists())

    def test_token_of_a_deactivated_account_is_unauthorized(self):
        token = self.token_for(self.desk)
        User.objects.filter(pk=self.desk.pk).update(is_active=False)
        self.assertEqual(self.get(ORDERS, token).status_code, 401)

    def test_unit_handler_token_cannot_record_orders(self):
        response = self.post(
            self.token_for(self.handler_a), {"request_type": "help", "content": "内容"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "not_allowed")
        self.assertFalse(Order.objects.exists())

    def test_signed_in_staff_may_use_their_session(self):
        order = self.dispatched_order()
        self.client.force_login(self.handler_a)
        self.assertEqual([row["number"] for row in self.client.get(ORDERS).json()], [order.number])


class InvalidInputTests(ApiTestCase):
    def test_invalid_input_has_a_stable_code_and_creates_nothing(self):
        token = self.token_for(self.desk)
        cases = [
            ({"request_type": "help", "content": "   "}, 400),
            ({"request_type": "gossip", "content": "内容"}, 400),
            ({"request_type": "help", "content": "内容", "caller_phone": "12"}, 400),
            ({"request_type": "help", "content": "内容", "category": "no.such"}, 400),
            ({"request_type": "help", "content": "内容", "rescue_lines": ["999"]}, 400),
            ({"request_type": "help", "content": "内容", "major_incident": "alien"}, 400),
            ({"request_type": "help"}, 422),
            ({"request_type": "help", "content": "内容", "is_confidential": "perhaps"}, 422),
        ]
        for payload, status in cases:
            with self.subTest(payload=payload):
                response = self.post(token, payload)
                self.assertEqual(response.status_code, status, response.content)
                self.assertEqual(response.json()["code"], "invalid_input")
                self.assertTrue(response.json()["message"])
        self.assertFalse(Order.objects.exists())
        self.assertFalse(OrderEvent.objects.exists())

    def test_text_over_its_limit_is_a_422_naming_the_field_and_its_limit_and_creates_nothing(self):
        from hotline.core.text import MAX_ADDRESS, MAX_NAME, MAX_TEXT

        token = self.token_for(self.desk)
        base = {"request_type": "help", "content": "小区井盖缺失。"}
        cases = [
            ("content", "反映" * 10_000, MAX_TEXT),
            ("content", "A" * (MAX_TEXT + 1), MAX_TEXT),
            ("caller_name", "王" * (MAX_NAME + 1), MAX_NAME),
            ("address", "路" * (MAX_ADDRESS + 1), MAX_ADDRESS),
        ]
        for field, text, limit in cases:
            with self.subTest(field=field, length=len(text)):
                response = self.post(token, {**base, field: text})
                self.assertEqual(response.status_code, 422, response.content)
                body = response.json()
                self.assertEqual(body["code"], "invalid_input")
                self.assertIn(f"{field} 不能超过 {limit} 个字", body["message"])
                self.assertEqual(body["detail"][0]["type"], "string_too_long")
        self.assertFalse(Order.objects.exists())

    def test_text_at_its_limit_is_recorded_whole(self):
        from hotline.core.text import MAX_TEXT

        response = self.post(
            self.token_for(self.desk), {"request_type": "help", "content": "A" * MAX_TEXT}
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(len(Order.objects.get().content), MAX_TEXT)

    def test_the_limits_are_in_the_openapi_document(self):
        from hotline.core.text import MAX_TEXT

        schema = self.client.get("/api/v1/openapi.json").json()
        order_in = schema["components"]["schemas"]["OrderIn"]["properties"]
        self.assertEqual(order_in["content"]["maxLength"], MAX_TEXT)


class ScopingTests(ApiTestCase):
    def test_other_units_token_cannot_read_the_order(self):
        order = self.dispatched_order()
        response = self.get(f"{ORDERS}/{order.number}", self.token_for(self.handler_b))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")
        self.assertNotIn(order.content, response.content.decode())
        self.assertEqual(
            self.get(f"{ORDERS}/{order.number}", self.token_for(self.handler_a)).status_code, 200
        )

    def test_unknown_number_is_not_found_alike(self):
        response = self.get(f"{ORDERS}/YL2099010100001", self.token_for(self.reviewer))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")

    def test_list_is_scoped_to_the_caller(self):
        order_a, order_b = self.dispatched_order(), self.dispatched_order(unit=self.unit_b)
        received = self.create_order()

        def numbers(user: User) -> set[str]:
            response = self.get(ORDERS, self.token_for(user))
            self.assertEqual(response.status_code, 200)
            return {row["number"] for row in response.json()}

        self.assertEqual(numbers(self.handler_a), {order_a.number})
        self.assertEqual(numbers(self.handler_b), {order_b.number})
        self.assertEqual(numbers(self.reviewer), {order_a.number, order_b.number, received.number})
        self.assertEqual(numbers(self.desk), set())
        # 三员分立: the administrators' list is refused, not merely empty.
        response = self.get(ORDERS, self.token_for(self.sysadmin))
        self.assertEqual((response.status_code, response.json()["code"]), (403, "not_allowed"))

    def test_list_filters_by_status_and_pages(self):
        first, second = self.dispatched_order(), self.dispatched_order()
        token = self.token_for(self.reviewer)
        self.create_order()
        self.assertEqual(
            {r["number"] for r in self.get(ORDERS, token, status="dispatched").json()},
            {first.number, second.number},
        )
        self.assertEqual(len(self.get(ORDERS, token, limit=1).json()), 1)
        self.assertEqual(len(self.get(ORDERS, token, limit=2, offset=2).json()), 1)


class ErrorShapeTests(BaseTestCase):
    """Every error the API gives is {code, message} with a stable code, and each is in the
    OpenAPI document."""

    def setUp(self):
        from hotline.accounts.models import ApiToken
        from hotline.accounts.roles import Role
        from hotline.accounts.services import account_create

        desk = account_create(username="desk110", roles=[Role.LINKAGE], unit=self.unit_a)
        self.token = ApiToken.issue(user=desk, name="110")[1]

    def test_a_post_without_a_token_is_401_not_a_csrf_failure(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        response = client.post("/api/v1/orders", data="{}", content_type="application/json")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "unauthorized")

    def test_an_unparsable_body_answers_code_and_message(self):
        response = self.client.post(
            "/api/v1/orders",
            data="{not json",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()), {"code", "message"})
        self.assertEqual(response.json()["code"], "invalid_body")

    def test_a_signed_in_session_without_its_csrf_token_is_refused_with_a_code(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.operator)
        response = client.post("/api/v1/orders", data="{}", content_type="application/json")
        self.assertEqual((response.status_code, response.json()["code"]), (403, "csrf_failed"))

    def test_every_operation_documents_401_and_422(self):
        # The CTI events endpoint answers bad input 400, as its protocol page says.
        bad_input = {"/api/v1/cti/events": "400"}
        document = self.client.get("/api/v1/openapi.json").json()
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                if path == "/api/v1/":
                    continue
                with self.subTest(path=path, method=method):
                    expected = {"401", bad_input.get(path, "422")}
                    self.assertLessEqual(expected, set(operation["responses"]))
