"""Deadline computations per second in one process (the working-day clock, Art. 14).

    .venv/bin/python bench/bench_deadline.py [--seconds 3]

Builds a throw-away SQLite database in a temporary HOTLINE_VAR_DIR, migrates the calendar
app (which seeds 2004–2026 from chinesecalendar), then calls `deadline_compute` on a fixed
mix of starts — 90 % across 2024–2026 in Asia/Shanghai or UTC, 10 % past the calendar's
end in 2027 — with N from 0 to 15 working days. Prints one JSON line.
"""

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to measure")
    parser.add_argument("--cases", type=int, default=20_000, help="distinct (start, N) pairs")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ["HOTLINE_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-deadline-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hotline.settings"
    os.environ.setdefault("HOTLINE_DEMO", "1")  # a throwaway install: no SECRET_KEY, plain HTTP
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "calendar", verbosity=0)

    from hotline.calendar.index import index_get, index_invalidate
    from hotline.calendar.services import deadline_compute

    index_invalidate()
    began = time.perf_counter()
    index_get()
    load_ms = (time.perf_counter() - began) * 1000

    rng = random.Random(12345)
    shanghai = ZoneInfo("Asia/Shanghai")
    inside_from = datetime(2024, 1, 1, tzinfo=shanghai)
    beyond_from = datetime(2027, 1, 1, tzinfo=shanghai)
    cases = []
    for _ in range(args.cases):
        base = beyond_from if rng.random() < 0.1 else inside_from
        span_days = 365 if base is beyond_from else 3 * 365
        start = base + timedelta(seconds=rng.randrange(span_days * 86400))
        if rng.random() < 0.5:
            start = start.astimezone(UTC)
        cases.append((start, rng.randrange(16)))

    covered = sum(deadline_compute(start=s, working_days=n).calendar_covered for s, n in cases)
    calls = 0
    deadline = time.perf_counter() + args.seconds
    began = time.perf_counter()
    while time.perf_counter() < deadline:
        for start, n in cases:
            deadline_compute(start=start, working_days=n)
        calls += len(cases)
    elapsed = time.perf_counter() - began

    print(
        json.dumps(
            {
                "benchmark": "deadline_compute",
                "per_second": round(calls / elapsed),
                "microseconds_each": round(elapsed / calls * 1e6, 2),
                "calls": calls,
                "seconds": round(elapsed, 2),
                "covered_share": round(covered / len(cases), 3),
                "index_load_ms": round(load_ms, 1),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "machine": platform.machine(),
                "date": datetime.now(UTC).date().isoformat(),
            }
        )
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(os.environ.get("HOTLINE_VAR_DIR", ""), ignore_errors=True)
