"""The API's rate limit per account (hotline.api.limits): past the limit a request is answered
429 `rate_limited` with Retry-After and does nothing; accounts are counted apart."""

import json
from datetime import timedelta

from django.test import override_settings

from hotline.api.limits import purge
from hotline.api.models import ApiCounter
from hotline.api.tests.test_api import ORDERS, ApiTestCase
from hotline.orders.models import Order

PAYLOAD = {
    "request_type": "help",
    "content": "110转来：小区井盖缺失，存在安全隐患。",
    "caller_phone": "13812345678",
    "category": "urban.03",
}


@override_settings(HOTLINE_API_REQUESTS_PER_WINDOW=3, HOTLINE_API_WINDOW_SECONDS=60)
class ApiRateLimitTests(ApiTestCase):
    def assert_limited(self, response) -> None:  # type: ignore[no-untyped-def]
        self.assertEqual(response.status_code, 429)
        body = response.json()
        self.assertEqual(body["code"], "rate_limited")
        self.assertIn("请求过于频繁", body["message"])
        self.assertTrue(1 <= int(response["Retry-After"]) <= 60, response["Retry-After"])

    def test_a_token_past_its_limit_is_refused_and_nothing_is_done(self):
        token = self.token_for(self.desk)
        for _ in range(3):
            self.assertEqual(self.post(token, PAYLOAD).status_code, 201)
        self.assert_limited(self.post(token, PAYLOAD))
        self.assert_limited(self.get(ORDERS, token))
        self.assertEqual(Order.objects.count(), 3)

    def test_accounts_are_counted_apart_and_tokens_of_one_account_together(self):
        first, second = self.token_for(self.desk), self.token_for(self.desk)
        for token in (first, second, first):
            self.assertEqual(self.get(ORDERS, token).status_code, 200)
        self.assert_limited(self.get(ORDERS, second))  # a new token does not reset the count
        other = self.token_for(self.operator)
        self.assertEqual(self.get(ORDERS, other).status_code, 200)

    def test_staff_sessions_are_limited_too(self):
        self.client.force_login(self.operator)
        for _ in range(3):
            self.assertEqual(self.client.get(ORDERS).status_code, 200)
        self.assert_limited(self.client.get(ORDERS))

    def test_requests_without_a_valid_token_are_told_401_and_not_counted(self):
        for _ in range(5):
            response = self.get(ORDERS, "not-a-token")
            self.assertEqual(response.status_code, 401)
        self.assertFalse(ApiCounter.objects.exists())

    def test_the_window_passes_and_the_account_may_go_on(self):
        token = self.token_for(self.desk)
        for _ in range(3):
            self.get(ORDERS, token)
        self.assert_limited(self.get(ORDERS, token))
        ApiCounter.objects.update(
            started_at=ApiCounter.objects.get().started_at - timedelta(seconds=61)
        )
        self.assertEqual(self.get(ORDERS, token).status_code, 200)
        self.assertEqual(ApiCounter.objects.get().count, 1)

    def test_old_counters_are_purged(self):
        token = self.token_for(self.desk)
        self.get(ORDERS, token)
        self.assertEqual(purge(), 0)
        ApiCounter.objects.update(
            started_at=ApiCounter.objects.get().started_at - timedelta(hours=1)
        )
        self.assertEqual(purge(), 1)

    def test_a_refused_request_is_answered_in_json_even_when_invalid(self):
        token = self.token_for(self.desk)
        for _ in range(4):
            response = self.client.post(
                ORDERS,
                json.dumps({}),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
        self.assert_limited(response)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
