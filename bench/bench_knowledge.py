"""Knowledge search: first-load cost and time per query in one process (Art. 14(1)).

    .venv/bin/python bench/bench_knowledge.py [--rounds 20] [--copies 0]

Builds a throw-away SQLite database in a temporary HOTLINE_VAR_DIR, migrates, loads the
catalogue and the demo knowledge base, then measures, in this fresh process: loading jieba's
dictionary, building the index, the first search (both together), a rebuild after a change,
and the time per query over the quality questions of the tests (`--rounds` times each).
`--copies N` adds N copies of every demo entry first (a larger knowledge base). Prints one
JSON line.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="how often each question is asked")
    parser.add_argument("--copies", type=int, default=0, help="extra copies of every demo entry")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ["HOTLINE_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-knowledge-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hotline.settings"
    os.environ.setdefault("HOTLINE_DEMO", "1")  # a throwaway install: no SECRET_KEY, plain HTTP
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from hotline.catalogue.services import catalogue_load
    from hotline.knowledge import search, terms
    from hotline.knowledge.models import Entry, EntryState
    from hotline.knowledge.services import knowledge_load_demo
    from hotline.knowledge.tests.quality_pairs import PAIRS

    catalogue_load()
    knowledge_load_demo()
    if args.copies:
        published = list(Entry.objects.filter(state=EntryState.PUBLISHED))
        Entry.objects.bulk_create(
            Entry(
                title=f"{entry.title}({n})",
                questions=entry.questions,
                answer=entry.answer,
                category_id=entry.category_id,
                unit_id=entry.unit_id,
                source=entry.source,
                state=EntryState.PUBLISHED,
            )
            for n in range(args.copies)
            for entry in published
        )
    search.index_invalidate()

    began = time.perf_counter()
    terms.segmenter()
    jieba_ms = (time.perf_counter() - began) * 1000
    began = time.perf_counter()
    index = search.index_get()
    build_ms = (time.perf_counter() - began) * 1000
    search.index_invalidate()
    began = time.perf_counter()
    search.index_get()
    rebuild_ms = (time.perf_counter() - began) * 1000  # segmentation cached, as after one edit

    today = date(2026, 11, 26)
    times = []
    for _ in range(args.rounds):
        for question, _key in PAIRS:
            began = time.perf_counter()
            search.knowledge_search(query=question, today=today)
            times.append((time.perf_counter() - began) * 1000)
    times.sort()
    print(
        json.dumps(
            {
                "bench": "knowledge_search",
                "python": platform.python_version(),
                "documents": len(index.docs),
                "terms": len(index.postings),
                "jieba_load_ms": round(jieba_ms, 1),
                "index_build_ms": round(build_ms, 1),
                "first_search_ms": round(jieba_ms + build_ms, 1),
                "index_rebuild_ms": round(rebuild_ms, 1),
                "queries": len(times),
                "query_mean_ms": round(statistics.fmean(times), 3),
                "query_p95_ms": round(times[int(len(times) * 0.95)], 3),
                "query_max_ms": round(times[-1], 3),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
