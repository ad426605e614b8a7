"""Order numbers: `YL` + the local date + a 5-digit daily sequence, unique under concurrent
creation."""

import threading
from datetime import UTC, datetime
from unittest import skipUnless

from django.db import connection
from django.test import TransactionTestCase, override_settings

from hotline.catalogue.models import RequestType
from hotline.clock import frozen_at
from hotline.core.errors import InvalidInput
from hotline.orders import services
from hotline.orders.models import Channel, Order, OrderNumberSequence
from hotline.testing import BaseTestCase, Personas, aware, restore_migration_data


class NumberingTests(BaseTestCase):
    def test_number_is_prefix_local_date_and_five_digit_sequence(self):
        order = self.create_order(now=aware("2025-10-01 10:00"))
        self.assertEqual(order.number, "YL2025100100001")

    def test_the_local_date_counts_not_the_utc_date(self):
        # 23:30 UTC on 30 Sep is 07:30 on 1 Oct in Shanghai.
        order = self.create_order(now=datetime(2025, 9, 30, 23, 30, tzinfo=UTC))
        self.assertEqual(order.number, "YL2025100100001")

    def test_numbers_increase_within_a_day(self):
        numbers = [
            self.create_order(now=aware(f"2025-10-01 {hour:02d}:00")).number for hour in (8, 9, 23)
        ]
        self.assertEqual(numbers, ["YL2025100100001", "YL2025100100002", "YL2025100100003"])

    def test_sequence_restarts_the_next_day(self):
        self.create_order(now=aware("2025-10-01 09:00"))
        self.create_order(now=aware("2025-10-01 23:59"))
        self.assertEqual(self.create_order(now=aware("2025-10-02 00:00")).number, "YL2025100200001")
        self.assertEqual(self.create_order(now=aware("2025-10-02 08:00")).number, "YL2025100200002")

    def test_number_follows_the_platform_clock(self):
        with frozen_at(aware("2025-10-08 12:00")):
            order = self.create_order()
        self.assertEqual(order.number, "YL2025100800001")
        self.assertEqual(order.created_at, aware("2025-10-08 12:00"))

    def test_refused_creation_uses_no_number(self):
        with self.assertRaises(InvalidInput):
            self.create_order(content="", now=aware("2025-10-01 09:00"))
        self.assertEqual(self.create_order(now=aware("2025-10-01 09:01")).number, "YL2025100100001")

    @override_settings(HOTLINE_ORDER_PREFIX="XA")
    def test_prefix_comes_from_the_settings(self):
        self.assertEqual(self.create_order(now=aware("2025-10-01 09:00")).number, "XA2025100100001")


@skipUnless(
    connection.vendor == "postgresql",
    "concurrent creation needs PostgreSQL: SQLite serialises every writer, so threads prove nothing there",
)
class ConcurrentNumberingTests(Personas, TransactionTestCase):
    """Eight threads each create ten orders on the same day; every number is distinct."""

    serialized_rollback = False
    THREADS, PER_THREAD = 8, 10

    def setUp(self) -> None:
        self.create_personas()
        self.help = RequestType.objects.get(pk="help")

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        # The flush after each test emptied what the data migrations wrote; put it back for
        # whatever test runs next in this process.
        restore_migration_data()

    def test_concurrent_creation_gives_distinct_numbers(self):
        moment = aware("2025-10-01 10:00")
        numbers: list[str] = []
        errors: list[BaseException] = []
        guard = threading.Lock()
        start = threading.Barrier(self.THREADS)

        def worker() -> None:
            try:
                start.wait(timeout=30)
                for _ in range(self.PER_THREAD):
                    order = services.order_create(
                        actor=self.operator,
                        channel=Channel.PHONE,
                        request_type=self.help,
                        content="并发登记测试",
                        caller_phone="13812345678",
                        now=moment,
                    )
                    with guard:
                        numbers.append(order.number)
            except BaseException as exc:  # reported below; a thread must not die silently
                with guard:
                    errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(self.THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(any(thread.is_alive() for thread in threads), "a worker hung")
        self.assertEqual(errors, [])
        total = self.THREADS * self.PER_THREAD
        self.assertEqual(len(numbers), total)
        self.assertEqual(len(set(numbers)), total)
        # No transaction rolled back, so the day's sequence has no gaps either.
        self.assertEqual(sorted(numbers), [f"YL20251001{n:05d}" for n in range(1, total + 1)])
        self.assertEqual(Order.objects.count(), total)
        self.assertEqual(OrderNumberSequence.objects.get(day_key="YL20251001").last, total)
