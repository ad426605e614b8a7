"""The follow-up look-up's limits (issue 10, item 25): counted atomically before a guess is
checked, per address and number, per number, per phone and per address, so that guessing is
stopped from one address or from many while the real caller on a shared address is not
locked out by other people's failures on other numbers."""

import threading
import unittest

from django.db import close_old_connections, connection
from django.test import TransactionTestCase

from hotline.clock import frozen_at
from hotline.orders.models import Order
from hotline.portal.models import PortalCounter
from hotline.portal.services import (
    LOOKUP_ADDRESS,
    LOOKUP_NUMBER,
    LOOKUP_PAIR,
    LOOKUP_PHONE,
    TooManyAttempts,
    client_key,
    portal_find_order,
    portal_limits_purge,
)
from hotline.testing import BaseTestCase, Personas, aware, restore_migration_data

PHONE = "13912345678"
WRONG = "13900000000"


class LookupLimitTestCase(BaseTestCase):
    def setUp(self) -> None:
        with frozen_at(aware("2030-03-04 10:00")):
            self.order = self.create_order(caller_phone=PHONE)
        self.other = self.create_order(caller_phone="13712345678")

    def lookup(self, number: str, phone: str = PHONE, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
        return self.client.post(
            "/portal/track/", {"number": number, "phone": phone}, REMOTE_ADDR=ip
        )

    def fail(self, number: str, *, phone: str = WRONG, ip: str = "10.0.0.1") -> None:
        self.assertEqual(self.lookup(number, phone=phone, ip=ip).status_code, 404)

    def made_up(self, n: int) -> str:
        return f"YL20990101{n:05d}"


class WhoIsStoppedTests(LookupLimitTestCase):
    def test_the_real_caller_on_a_shared_address_is_not_locked_out_by_failures_on_other_numbers(
        self,
    ):
        for n in range(LOOKUP_ADDRESS.allowed - 1):  # neighbours behind one proxy mistype
            self.fail(self.made_up(n), phone=f"1390000{n:04d}")
        self.assertRedirects(self.lookup(self.order.number), f"/portal/order/{self.order.number}/")

    def test_one_address_guessing_many_numbers_is_stopped(self):
        for n in range(LOOKUP_ADDRESS.allowed):
            self.fail(self.made_up(n), phone=f"1390000{n:04d}")
        response = self.lookup(self.order.number)  # even a right guess is not checked now
        self.assertContains(response, "您所在网络的查询失败次数过多", status_code=429)
        self.assertEqual(self.lookup(self.order.number, ip="10.0.0.2").status_code, 302)

    def test_one_number_guessed_from_many_addresses_is_stopped(self):
        for n in range(LOOKUP_NUMBER.allowed):
            self.fail(self.order.number, phone=f"1390000{n:04d}", ip=f"10.1.0.{n}")
        response = self.lookup(self.order.number, ip="10.2.0.1")
        self.assertContains(response, "该工单编号查询失败次数过多", status_code=429)
        # Another order is not affected, from any of those addresses.
        self.assertEqual(
            self.lookup(self.other.number, "13712345678", ip="10.1.0.1").status_code, 302
        )

    def test_one_phone_tried_on_many_numbers_from_many_addresses_is_stopped(self):
        for n in range(LOOKUP_PHONE.allowed):
            self.fail(self.made_up(n), phone=PHONE, ip=f"10.3.0.{n}")
        response = self.lookup(self.order.number, ip="10.4.0.1")
        self.assertContains(response, "该手机号码查询失败次数过多", status_code=429)

    def test_a_callers_own_typos_are_limited_on_that_number_only(self):
        for _ in range(LOOKUP_PAIR.allowed):
            self.fail(self.order.number)
        self.assertContains(self.lookup(self.order.number), "查询失败次数过多", status_code=429)
        self.assertEqual(self.lookup(self.other.number, "13712345678").status_code, 302)

    def test_a_refused_attempt_is_not_counted_anywhere(self):
        for _ in range(LOOKUP_PAIR.allowed):
            self.fail(self.order.number)
        before = dict(PortalCounter.objects.values_list("scope", "count"))
        for _ in range(5):
            self.assertEqual(self.lookup(self.order.number, phone=WRONG).status_code, 429)
        self.assertEqual(dict(PortalCounter.objects.values_list("scope", "count")), before)

    def test_a_found_order_gives_its_counts_back(self):
        for _ in range(LOOKUP_PAIR.allowed - 1):
            self.fail(self.order.number)
        self.assertEqual(self.lookup(self.order.number).status_code, 302)
        self.fail(self.order.number)  # the fifth failure is still allowed
        self.assertEqual(self.lookup(self.order.number).status_code, 429)


class RefusalTests(LookupLimitTestCase):
    def test_the_refusal_is_chinese_and_says_when_to_try_again(self):
        with frozen_at(aware("2030-03-04 10:00")):
            for _ in range(LOOKUP_PAIR.allowed):
                self.fail(self.order.number)
        with frozen_at(aware("2030-03-04 10:03")):
            response = self.lookup(self.order.number)
        self.assertContains(response, "请 12 分钟后（10:15 以后）再试", status_code=429)
        self.assertContains(response, "12345", status_code=429)
        self.assertEqual(response["Retry-After"], str(12 * 60))

    def test_the_window_passes_and_the_caller_may_try_again(self):
        with frozen_at(aware("2030-03-04 10:00")):
            for _ in range(LOOKUP_PAIR.allowed):
                self.fail(self.order.number)
        with frozen_at(aware("2030-03-04 10:14")):
            self.assertEqual(self.lookup(self.order.number).status_code, 429)
        with frozen_at(aware("2030-03-04 10:15")):
            self.assertEqual(self.lookup(self.order.number).status_code, 302)

    def test_old_counters_are_purged(self):
        with frozen_at(aware("2030-03-04 10:00")):
            self.fail(self.order.number)
        self.assertEqual(portal_limits_purge(now=aware("2030-03-04 10:30")), 0)
        self.assertEqual(portal_limits_purge(now=aware("2030-03-04 11:01")), 4)
        self.assertFalse(PortalCounter.objects.exists())


class PrivacyTests(LookupLimitTestCase):
    def test_no_phone_number_or_address_is_stored_or_logged_in_clear(self):
        with self.assertLogs(level="INFO") as logs:
            for _ in range(LOOKUP_PAIR.allowed + 1):
                self.lookup(self.order.number, phone=WRONG, ip="10.9.8.7")
        self.assertTrue(any("lookup_pair" in line for line in logs.output))
        secrets = (WRONG, self.order.number, "10.9.8.7", client_key("10.9.8.7"))
        for line in logs.output:
            for secret in secrets:
                self.assertNotIn(secret, line)
        rows = list(PortalCounter.objects.values_list("scope", "key"))
        self.assertEqual(len(rows), 4)
        for _scope, key in rows:
            self.assertRegex(key, r"^[0-9a-f]{64}$")
            for secret in secrets:
                self.assertNotIn(secret, key)

    def test_the_look_up_puts_nothing_personal_in_the_address_bar(self):
        response = self.lookup(self.order.number)  # a POST; the phone is in no URL
        self.assertEqual(response["Location"], f"/portal/order/{self.order.number}/")


@unittest.skipIf(
    connection.vendor == "sqlite",
    "SQLite's in-memory test database takes one writer and refuses the others at once; the "
    "counting itself is tested sequentially above on both databases",
)
class ConcurrentGuessesTests(Personas, TransactionTestCase):
    """40 simultaneous wrong guesses let at most the limit through (PostgreSQL, threads)."""

    GUESSES = 40

    def setUp(self) -> None:
        restore_migration_data()
        self.create_personas()
        self.order = self.create_order(caller_phone=PHONE)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        restore_migration_data()

    def guess_at_once(self, ips: list[str], number: str) -> tuple[int, int]:
        """(checked, refused) of len(ips) simultaneous wrong guesses on `number`."""
        barrier = threading.Barrier(len(ips))
        results: list[str] = []
        lock = threading.Lock()

        def guess(ip: str, n: int) -> None:
            try:
                barrier.wait(timeout=30)
                try:
                    portal_find_order(client=client_key(ip), number=number, phone=f"1390000{n:04d}")
                    outcome = "checked"
                except TooManyAttempts:
                    outcome = "refused"
                with lock:
                    results.append(outcome)
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=guess, args=(ip, n)) for n, ip in enumerate(ips)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(len(results), len(ips), "a guess did not finish")
        return results.count("checked"), results.count("refused")

    def test_forty_guesses_from_one_address_check_at_most_the_pair_limit(self):
        checked, refused = self.guess_at_once(["10.0.0.1"] * self.GUESSES, self.order.number)
        self.assertEqual(
            (checked, refused), (LOOKUP_PAIR.allowed, self.GUESSES - LOOKUP_PAIR.allowed)
        )

    def test_forty_guesses_on_one_number_from_forty_addresses_check_at_most_its_limit(self):
        ips = [f"10.5.0.{n}" for n in range(self.GUESSES)]
        checked, refused = self.guess_at_once(ips, self.order.number)
        self.assertEqual(
            (checked, refused), (LOOKUP_NUMBER.allowed, self.GUESSES - LOOKUP_NUMBER.allowed)
        )
        self.assertEqual(
            PortalCounter.objects.get(scope="lookup_number").count, LOOKUP_NUMBER.allowed
        )

    def test_forty_guesses_on_forty_numbers_from_one_address_check_at_most_its_limit(self):
        barrier = threading.Barrier(self.GUESSES)
        outcomes: list[bool] = []
        lock = threading.Lock()

        def guess(n: int) -> None:
            try:
                barrier.wait(timeout=30)
                try:
                    portal_find_order(
                        client=client_key("10.6.0.1"),
                        number=f"YL20990101{n:05d}",
                        phone=f"1390000{n:04d}",
                    )
                    checked = True
                except TooManyAttempts:
                    checked = False
                with lock:
                    outcomes.append(checked)
            finally:
                connection.close()

        threads = [threading.Thread(target=guess, args=(n,)) for n in range(self.GUESSES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(len(outcomes), self.GUESSES)
        self.assertEqual(outcomes.count(True), LOOKUP_ADDRESS.allowed)
        self.assertFalse(Order.objects.exclude(pk=self.order.pk).exists())
