"""Dashboards and reports over many orders (issue 12): the statistics' stored daily counts.

    .venv/bin/python bench/bench_stats.py [--orders 1000000] [--keep] [--samples 10]

The data are those of `bench_orders.py` (same generator, same database rules: DATABASE_URL
names a database of the benchmark's own, else SQLite in a temporary HOTLINE_VAR_DIR); with
--keep and a database that already holds --orders orders, they are reused. Measured:

- `stats_refresh()` from no stored day: every day of the two years counted and stored once
  (what the first `hotline tick` after an upgrade does);
- `period_figures` of a month, a quarter and a year from the stored days (today and
  yesterday always counted live), of one unit's month (read from its orders), and of a month
  with no stored day at all (the worst case: everything counted from the orders);
- `hotspots` (the host dashboard's early warning);
- an incremental refresh after 1,000 orders changed.

Prints one JSON line per measurement and a table; targets: a page's figures < 2 s.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_orders  # noqa: E402

TARGET_S = 2.0


def timed(call, samples: int) -> dict:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    times.sort()
    return {
        "samples": samples,
        "p50_s": round(times[len(times) // 2], 3),
        "p95_s": round(times[min(len(times) - 1, int(len(times) * 0.95))], 3),
        "max_s": round(times[-1], 3),
    }


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from hotline.catalogue.services import catalogue_load
    from hotline.demo.generate import demo_accounts
    from hotline.orders.models import Order
    from hotline.stats import counting
    from hotline.stats.models import CountedDay, DailyCount, Watermark
    from hotline.stats.periods import MONTH, QUARTER, YEAR, period_of
    from hotline.stats.selectors import period_figures
    from hotline.stats.warnings import hotspots
    from hotline.units.models import Unit

    call_command("migrate", verbosity=0)
    catalogue_load()
    demo_accounts()
    bench_orders.bench_operators()
    if not (args.keep and Order.objects.count() == args.orders):
        if Order.objects.exists():
            bench_orders.wipe()
        bench_orders.generate(args.orders, 5000, time.time())
        connection.close()
    newest = Order.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    assert newest is not None
    now = newest + timedelta(minutes=5)
    today = counting.local_day(now)
    results = []

    def record(name: str, **values) -> None:  # type: ignore[no-untyped-def]
        line = {
            "benchmark": "stats",
            "name": name,
            "database": connection.vendor,
            "orders": args.orders,
            **values,
        }
        results.append(line)
        print(json.dumps(line), flush=True)

    DailyCount.objects.all().delete()
    CountedDay.objects.all().delete()
    Watermark.objects.all().delete()
    began = time.perf_counter()
    days = counting.stats_refresh(now=now)
    record(
        "stats_refresh from nothing",
        seconds=round(time.perf_counter() - began, 1),
        days=days,
        rows=DailyCount.objects.count(),
    )

    from hotline.accounts.models import User

    reviewer = User.objects.get(username="reviewer")
    last_month = period_of(MONTH, today.replace(day=1) - timedelta(days=1))
    for label, period in (
        ("month (stored days)", last_month),
        ("this month (stored + live days)", period_of(MONTH, today)),
        ("quarter (stored days)", period_of(QUARTER, last_month.start)),
        ("year (stored days)", period_of(YEAR, last_month.start)),
    ):
        record(
            f"period_figures {label}",
            **timed(lambda p=period: period_figures(period=p, now=now), args.samples),
        )
    unit = Unit.objects.get(code="urban")
    record(
        "period_figures one unit's month",
        **timed(lambda: period_figures(period=last_month, unit=unit, now=now), args.samples),
    )
    record("hotspots", **timed(lambda: hotspots(user=reviewer, now=now), args.samples))

    # A month with no stored day: everything from the orders (the worst case).
    stored = list(
        DailyCount.objects.filter(day__gte=last_month.start, day__lte=last_month.end).values_list(
            "pk", flat=True
        )
    )
    CountedDay.objects.filter(day__gte=last_month.start, day__lte=last_month.end).delete()
    record(
        "period_figures month, nothing stored",
        **timed(lambda: period_figures(period=last_month, now=now), max(1, args.samples // 3)),
    )
    del stored
    counting.stats_refresh(now=now)

    ids = list(Order.objects.order_by("?").values_list("pk", flat=True)[:1000])
    Order.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    began = time.perf_counter()
    days = counting.stats_refresh(now=now)
    record(
        "stats_refresh after 1,000 orders changed",
        seconds=round(time.perf_counter() - began, 1),
        days=days,
    )

    print(f"\n{'measurement':<48} {'p50 s':>7} {'p95 s':>7} {'note':>10}")
    for line in results:
        if "p95_s" in line:
            mark = "ok" if line["p95_s"] <= TARGET_S else "MISS"
            print(f"{line['name']:<48} {line['p50_s']:>7.3f} {line['p95_s']:>7.3f} {mark:>10}")
        else:
            print(f"{line['name']:<48} {line['seconds']:>7.1f} s, {line['days']} days")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--samples", type=int, default=10)
    args = parser.parse_args()
    os.environ["HOTLINE_DATA_KEY"] = bench_orders.DATA_KEY
    os.environ["DJANGO_SETTINGS_MODULE"] = "hotline.settings"
    os.environ.setdefault("HOTLINE_DEMO", "1")  # a throwaway install: no SECRET_KEY, plain HTTP
    temporary = None
    if not os.environ.get("DATABASE_URL"):
        if not os.environ.get("HOTLINE_VAR_DIR"):
            temporary = tempfile.mkdtemp(prefix="bench-stats-")
            os.environ["HOTLINE_VAR_DIR"] = temporary
        path = Path(os.environ["HOTLINE_VAR_DIR"]) / "hotline.sqlite3"
        if not (args.keep and bench_orders._sqlite_count(path) == args.orders):
            bench_orders._remove_sqlite(path)
    try:
        run(args)
    finally:
        if temporary and not args.keep:
            shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
