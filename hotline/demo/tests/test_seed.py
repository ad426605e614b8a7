import json
import tempfile
from collections import defaultdict
from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test import TestCase, override_settings
from django.utils import timezone

from hotline.calendar.services import deadline_compute
from hotline.callbacks.models import CallbackAttempt, CallbackTask, MissedCall
from hotline.catalogue.services import catalogue_load
from hotline.cti.models import Call
from hotline.demo import seed as seeding
from hotline.demo.accounts import demo_accounts
from hotline.orders.models import (
    CONFIDENTIAL_PLACEHOLDER,
    Action,
    Assignment,
    Order,
    OrderEvent,
    Reply,
    Status,
)
from hotline.orders.numbering import order_number_next
from hotline.privacy.crypto import PREFIX
from hotline.privacy.personal import phone_digest
from hotline.stats.counting import Scope, period_counts
from hotline.testing import aware

UNTIL = aware("2026-11-25 15:30")  # a Wednesday afternoon


def plan(orders: int, days: int = 120, seed: int = 7) -> seeding.SeedPlan:
    return seeding.SeedPlan(orders=orders, days=days, seed=seed, until=UNTIL)


class SeededHistoryTests(TestCase):
    """One seeded history shared by the checks of what the services would have written."""

    ORDERS = 4000
    DAYS = 60

    @classmethod
    def setUpTestData(cls):
        catalogue_load()
        demo_accounts()
        cls.result = seeding.seed(plan(cls.ORDERS, days=cls.DAYS))

    def test_it_writes_the_orders_asked_for_in_every_state_over_the_days_asked_for(self):
        self.assertEqual(Order.objects.count(), self.ORDERS)
        self.assertEqual(self.result.orders, self.ORDERS)
        self.assertEqual(self.result.rows["orders.Order"], self.ORDERS)
        self.assertEqual(set(Order.objects.values_list("status", flat=True)), set(Status.values))
        first = Order.objects.order_by("created_at").first()
        last = Order.objects.order_by("-created_at").first()
        self.assertLessEqual(last.created_at, UNTIL)
        self.assertGreaterEqual(first.created_at, UNTIL - timedelta(days=self.DAYS))
        self.assertGreater((last.created_at - first.created_at).days, self.DAYS - 2)
        # Weekdays busier than weekends.
        by_weekday = defaultdict(int)
        for created in Order.objects.values_list("created_at", flat=True):
            by_weekday[timezone.localtime(created).weekday()] += 1
        self.assertGreater(by_weekday[1], 1.2 * by_weekday[6])
        # Old orders are closed; the open ones are young.
        old = Order.objects.filter(created_at__lt=UNTIL - timedelta(days=40))
        self.assertGreater(old.filter(status__in=["closed", "merged"]).count(), 0.97 * old.count())

    def test_every_order_has_its_history_in_time_order_from_its_creation(self):
        events = defaultdict(list)
        for order_id, at, action, before, after in OrderEvent.objects.order_by(
            "order_id", "at", "id"
        ).values_list("order_id", "at", "action", "from_status", "to_status"):
            events[order_id].append((at, action, before, after))
        self.assertEqual(len(events), self.ORDERS)
        for order in Order.objects.only("pk", "created_at", "status"):
            history = events[order.pk]
            self.assertEqual(history[0][:2], (order.created_at, Action.CREATE), order.pk)
            self.assertTrue(all(at <= UNTIL for at, *_rest in history))
            # The last change of state leaves the order where it is.
            changes = [after for _at, _a, before, after in history if before != after]
            self.assertEqual(changes[-1], order.status, order.pk)

    def test_dispatched_orders_have_their_unit_deadline_reply_and_callback(self):
        handled = Order.objects.filter(dispatched_at__isnull=False)
        self.assertGreater(handled.count(), 0.5 * self.ORDERS)
        for order in handled.select_related("category")[:400]:
            lead = Assignment.objects.get(order=order, is_active=True, role="lead")
            self.assertEqual(lead.unit_id, order.lead_unit_id)
            self.assertEqual(lead.assigned_at, order.dispatched_at)
            due = deadline_compute(start=order.dispatched_at, working_days=order.limit_working_days)
            if order.extension_status != "approved" and not order.reopen_count:
                self.assertEqual(order.due_at, due.due_at, order.number)
            else:
                self.assertGreaterEqual(order.due_at, due.due_at)
            if order.replied_at is not None:
                self.assertTrue(Reply.objects.filter(order=order).exists())
            if order.status == Status.CLOSED and order.close_reason == "callback":
                self.assertIn(order.satisfaction, ("satisfied", "basically", "unsatisfied"))
                self.assertTrue(CallbackTask.objects.filter(order=order).exists())
        # Returned orders went to another unit (the first assignment ended).
        returned = handled.filter(return_count=1).exclude(status=Status.RETURN_REVIEW)
        self.assertTrue(returned.exists())
        for order in returned[:20]:
            units = Assignment.objects.filter(order=order).order_by("assigned_at")
            self.assertEqual(units.count(), 2)
            self.assertFalse(units.first().is_active)
        for flag in ("extension_status", "urge_count", "reopen_count", "is_supervised"):
            self.assertTrue(handled.exclude(**{flag: Order._meta.get_field(flag).default}).exists())

    def test_personal_data_is_sealed_and_digested_as_the_fields_do_it(self):
        for order in Order.objects.filter(is_confidential=False)[:50]:
            self.assertEqual(phone_digest(order.caller_phone), order.caller_phone_digest)
            self.assertEqual(order.caller_phone_mask[:3], order.caller_phone[:3])
        with connection.cursor() as cursor:
            cursor.execute("SELECT caller_phone, caller_name FROM orders_order LIMIT 50")
            for phone, name in cursor.fetchall():
                self.assertTrue(phone.startswith(PREFIX), phone)
                self.assertTrue(name == "" or name.startswith(PREFIX))
        confidential = Order.objects.filter(is_confidential=True)
        self.assertTrue(confidential.exists())
        with connection.cursor() as cursor:
            cursor.execute("SELECT title, content FROM orders_order WHERE is_confidential")
            self.assertEqual(
                set(cursor.fetchall()), {(CONFIDENTIAL_PLACEHOLDER, CONFIDENTIAL_PLACEHOLDER)}
            )
        order = confidential.first()  # opens for the audited views (Art. 23)
        self.assertEqual(order.title, CONFIDENTIAL_PLACEHOLDER)
        order.reveal_confidential()
        self.assertNotEqual(order.title, CONFIDENTIAL_PLACEHOLDER)
        self.assertTrue(order.content)

    def test_calls_missed_calls_and_callback_attempts_stand_behind_the_orders(self):
        phone_orders = Order.objects.filter(channel="phone").count()
        answered_in = Call.objects.filter(direction="in", answered=True, order__isnull=False)
        self.assertEqual(answered_in.count(), phone_orders)
        self.assertTrue(answered_in.filter(wait_seconds__gt=15).exists())
        self.assertEqual(
            Call.objects.filter(direction="in", answered=False).count(), MissedCall.objects.count()
        )
        self.assertTrue(MissedCall.objects.filter(returned_at__isnull=False).exists())
        self.assertEqual(
            Call.objects.filter(direction="out").count(), CallbackAttempt.objects.count()
        )
        call = answered_in.select_related("order").first()
        self.assertEqual(call.phone, call.order.caller_phone)

    def test_order_numbers_follow_the_local_day_and_new_orders_continue_them(self):
        numbers = Order.objects.values_list("number", "created_at")
        self.assertEqual(len({n for n, _c in numbers}), self.ORDERS)
        for number, created in numbers[:300]:
            self.assertTrue(number.startswith(f"YL{timezone.localtime(created):%Y%m%d}"))
        last = Order.objects.order_by("-created_at").first()
        next_number = order_number_next(now=last.created_at)
        self.assertGreater(next_number, last.number)
        self.assertFalse(Order.objects.filter(number=next_number).exists())

    def test_the_statistics_count_the_seeded_orders(self):
        start = timezone.localtime(UNTIL).date() - timedelta(days=30)
        end = timezone.localtime(UNTIL).date()
        counts = period_counts(start, end, scope=Scope(), now=UNTIL)
        received = Order.objects.filter(
            created_at__gte=aware(f"{start} 00:00"), created_at__lte=UNTIL
        ).count()
        self.assertEqual(counts.total("received"), received)
        self.assertGreater(counts.total("answered_at_once"), 0)
        self.assertGreater(counts.total("calls_answered"), 0)
        self.assertGreater(sum(counts.by("unit_signed", "unit").values()), 0)
        self.assertGreater(sum(counts.by("unit_returned", "unit").values()), 0)

    def test_it_refuses_a_database_that_holds_orders(self):
        with self.assertRaisesMessage(ValueError, "已有工单"):
            seeding.seed(plan(10))
        self.assertEqual(Order.objects.count(), self.ORDERS)


def projection() -> list[tuple]:
    return list(
        Order.objects.order_by("id").values_list(
            "id",
            "number",
            "status",
            "request_type_id",
            "category_id",
            "place_id",
            "lead_unit_id",
            "caller_phone_digest",
            "created_at",
            "due_at",
            "satisfaction",
        )
    ) + list(OrderEvent.objects.order_by("id").values_list("id", "order_id", "action", "at"))


class SeedDeterminismTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        catalogue_load()
        demo_accounts()

    def _seeded(self, the_plan: seeding.SeedPlan, *, reverse: bool = False) -> list[tuple]:
        with transaction.atomic():
            seeding.seed_operators()
            parts = seeding.plan_parts(the_plan)
            for part in reversed(parts) if reverse else parts:
                seeding.Seeder(the_plan, part, progress=lambda _line: None).run()
            rows = projection()
            transaction.set_rollback(True)
        return rows

    def test_the_same_seed_gives_the_same_rows_whatever_order_the_parts_are_written_in(self):
        first = self._seeded(plan(900, days=40))
        self.assertEqual(Order.objects.count(), 0)
        self.assertEqual(self._seeded(plan(900, days=40), reverse=True), first)
        self.assertNotEqual(self._seeded(plan(900, days=40, seed=8)), first)

    def test_parts_cover_every_day_once_with_the_orders_asked_for(self):
        for orders, days in ((1, 1), (7, 30), (1000, 3), (100_000, 730)):
            parts = seeding.plan_parts(plan(orders, days=days))
            self.assertLessEqual(len(parts), seeding.PARTS)
            self.assertEqual(sum(p.orders for p in parts), orders)
            self.assertEqual(sum(len(p.days) for p in parts), days)
            before = 0
            for part in parts:
                self.assertEqual(part.orders_before, before)
                before += part.orders

    def test_bad_plans_are_refused_with_a_clear_message(self):
        for orders, days in ((0, 10), (-5, 10), (10, 0)):
            with self.assertRaises(ValueError):
                plan(orders, days=days)
        for args, message in (
            (["--orders", "0"], "--orders"),
            (["--orders", "10", "--days", "0"], "--days"),
            (["--orders", "10", "--until", "yesterday"], "--until"),
        ):
            with self.assertRaisesMessage(CommandError, message):
                call_command("seed", *args, stdout=StringIO())
        self.assertEqual(Order.objects.count(), 0)

    def test_the_command_reports_what_it_wrote(self):
        out = StringIO()
        call_command(
            "seed", "--orders", "300", "--days", "20", "--until", "2026-11-25T15:30", stdout=out
        )
        self.assertIn("已写入 300 个工单", out.getvalue())
        self.assertIn("orders.OrderEvent", out.getvalue())
        self.assertEqual(Order.objects.count(), 300)


class IndexDeferralTests(TestCase):
    """PostgreSQL: the secondary indexes dropped for a load come back, also after a crash."""

    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        self.var = tempfile.TemporaryDirectory()
        self.addCleanup(self.var.cleanup)
        override = override_settings(VAR_DIR=Path(self.var.name))
        override.enable()
        self.addCleanup(override.disable)

    def _indexes(self) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)",
                [[m._meta.db_table for m in seeding.SEEDED_MODELS]],
            )
            return {name for (name,) in cursor.fetchall()}

    def test_dropped_indexes_are_rebuilt_from_the_file_an_interrupted_run_left(self):
        before = self._indexes()
        self.assertIn("order_created", before)
        seeding.indexes_drop(lambda _line: None)
        pending = json.loads((Path(self.var.name) / "seed-indexes.json").read_text())
        self.assertIn("order_created", {name for name, _sql in pending})
        remaining = self._indexes()
        self.assertNotIn("order_created", remaining)
        self.assertIn("orders_order_pkey", remaining)  # constraints stay
        # The next run (here: its first step) rebuilds them before anything else.
        seeding.indexes_restore(lambda _line: None)
        self.assertEqual(self._indexes(), before)
        self.assertFalse((Path(self.var.name) / "seed-indexes.json").exists())


class SeedCountsTests(TestCase):
    def test_order_states_and_rows_are_in_a_hotlines_proportions(self):
        catalogue_load()
        demo_accounts()
        seeding.seed(plan(3000, days=365))
        by_status = dict(Order.objects.values_list("status").annotate(n=Count("pk")))
        closed = by_status.get("closed", 0) / 3000
        self.assertGreater(closed, 0.85)
        self.assertLess(by_status.get("merged", 0) / 3000, 0.05)
        events = OrderEvent.objects.count() / 3000
        self.assertGreater(events, 4)
        self.assertLess(events, 10)
        answered = Order.objects.filter(close_reason="answered").count() / 3000
        self.assertGreater(answered, 0.15)
        self.assertLess(answered, 0.35)
