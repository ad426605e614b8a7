"""The shipped training corpus of triage: requests written by the team for every unit, type,
exclusion, emergency and incident kind (check.py validates it). Never the evaluation file."""

import json
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent


def corpus_rows() -> list[dict]:
    rows: list[dict] = []
    for path in sorted(CORPUS_DIR.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    return rows
