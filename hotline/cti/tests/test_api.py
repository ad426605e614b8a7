"""POST /api/v1/cti/events: tokens, roles, bad input and repeats over HTTP."""

from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.cti.models import Call, CallEvent
from hotline.cti.tests.base import CtiTestCase
from hotline.units.models import Unit


class EventEndpointTests(CtiTestCase):
    def setUp(self) -> None:
        self.token = self.token_for(self.cti)

    def test_it_records_an_event_and_answers_a_repeat_with_200(self):
        first = self.post_event(self.payload("newCall"), self.token)
        self.assertEqual(first.status_code, 200, first.content)
        self.assertEqual(first.json()["repeated"], False)
        again = self.post_event(self.payload("newCall"), self.token)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["repeated"], True)
        self.assertEqual((Call.objects.count(), CallEvent.objects.count()), (1, 1))

    def test_no_token_or_a_bad_token_is_401(self):
        for token in (None, "hl_wrong"):
            response = self.post_event(self.payload("newCall"), token)
            self.assertEqual(response.status_code, 401)
            self.assertEqual(response.json()["code"], "unauthorized")
        self.assertEqual(Call.objects.count(), 0)

    def test_a_token_without_the_cti_role_is_403(self):
        desk = account_create(
            username="desk110", roles=[Role.LINKAGE], unit=Unit.objects.get(code="police")
        )
        response = self.post_event(self.payload("newCall"), self.token_for(desk))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "not_allowed")
        self.assertEqual(Call.objects.count(), 0)

    def test_a_session_is_not_enough(self):
        self.client.force_login(self.operator)
        response = self.post_event(self.payload("newCall"))
        self.assertEqual(response.status_code, 401)

    def test_bad_input_is_400_invalid_input_and_changes_nothing(self):
        bad = [
            "not json",
            "[]",
            self.payload("ring"),
            self.payload("newCall", direction="sideways"),
            self.payload("newCall", at="2026-12-01T10:00:00"),  # no offset
            self.payload("newCall", at="yesterday"),
            # Moments no call happens at (schemathesis found the first one: a 500 on PostgreSQL).
            self.payload("newCall", at="0207-02-28T00:05:57-23:56"),
            self.payload("newCall", at="2026-12-01T10:00:00+15:00"),
            self.payload("newCall", at="1999-12-31T23:59:59+08:00"),
            self.payload("newCall", at="9999-12-31T23:59:59+14:00"),
            self.payload("newCall", call_id=""),
            self.payload("hangup", cause="lost"),
            {k: v for k, v in self.payload("newCall").items() if k != "call_id"},
        ]
        for body in bad:
            with self.subTest(body=body):
                response = self.post_event(body, self.token)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(response.json()["code"], "invalid_input")
        self.assertEqual((Call.objects.count(), CallEvent.objects.count()), (0, 0))

    def test_an_error_message_never_repeats_the_number(self):
        response = self.post_event(self.payload("newCall", **{"from": "1" * 40}), self.token)
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("1" * 40, response.content.decode())

    def test_the_endpoint_is_in_the_openapi_document(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        operation = schema["paths"]["/api/v1/cti/events"]["post"]
        self.assertIn("400", operation["responses"])
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        self.assertIn("from", body["properties"])
