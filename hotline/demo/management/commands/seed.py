"""`hotline seed --orders N [--days D] [--seed S] [--until ISO]`: synthetic history at scale."""

import sys
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hotline import clock
from hotline.catalogue.services import catalogue_load
from hotline.demo import seed as seeding
from hotline.demo.accounts import demo_accounts


class Command(BaseCommand):
    help = "Fill an empty database with N orders of realistic synthetic history (bulk inserts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, required=True, help="orders to write")
        parser.add_argument("--days", type=int, default=730, help="days of history (730)")
        parser.add_argument("--seed", type=int, default=12345, help="random seed (12345)")
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="processes that generate (2; the rows are the same)",
        )
        parser.add_argument(
            "--until",
            default="",
            help="when the history ends, ISO date-time (default: now); with --seed it fixes the rows",
        )

    def handle(
        self, *args, orders: int, days: int, seed: int, until: str, workers: int, **options
    ) -> None:
        end = clock.now()
        if until:
            try:
                end = datetime.fromisoformat(until)
            except ValueError as exc:
                raise CommandError(f"--until 不是有效的日期时间：{until}") from exc
            if timezone.is_naive(end):
                end = timezone.make_aware(end)
        try:
            plan = seeding.SeedPlan(orders=orders, days=days, seed=seed, until=end)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        catalogue_load()
        demo_accounts()
        try:
            result = seeding.seed(
                plan,
                workers=workers,
                progress=lambda line: print(f"# {line}", file=sys.stderr, flush=True),
            )
        except (ValueError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc
        rate = result.orders / result.seconds if result.seconds else 0
        self.stdout.write(
            f"已写入 {result.orders:,} 个工单，用时 {result.seconds:,.0f} 秒（{rate:,.0f} 单/秒）"
        )
        for label, count in sorted(result.rows.items()):
            self.stdout.write(f"  {label:<28} {count:>12,}")
        if result.index_seconds:
            self.stdout.write(f"重建索引用时 {result.index_seconds:,.0f} 秒")
        self.stdout.write("统计日数据由 hotline tick 计算（stats_refresh）。")
